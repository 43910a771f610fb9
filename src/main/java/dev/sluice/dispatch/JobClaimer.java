package dev.sluice.dispatch;

import dev.sluice.job.ClaimedJob;
import dev.sluice.job.JobRepository;
import dev.sluice.metrics.SluiceMetrics;
import dev.sluice.pause.Pauses;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Claims jobs for one upstream at a time, into its lead: in-flight room first, then at most as many
 * jobs as the lead has room for (about a second of this instance's rate, see {@link UpstreamGate}),
 * in priority order; the dispatcher sends each at its moment. So a job sent is at most one lead
 * behind the highest-priority job queued. The transaction of the claim is the claim statement
 * alone: it has committed before any job is sent.
 */
@Component
class JobClaimer {

    private final SluiceMetrics metrics;
    private final JobRepository jobs;
    private final UpstreamGates gates;
    private final JobDispatcher dispatcher;
    private final DispatchProperties properties;
    private final NodeIdentity node;
    private final ClaimRates rates;
    private final Pauses pauses;
    private final Clock clock;
    /** Upstreams whose last pass found no work: the next pass probes before taking permits. */
    private final Set<String> idle = ConcurrentHashMap.newKeySet();

    JobClaimer(
            JobRepository jobs,
            UpstreamGates gates,
            JobDispatcher dispatcher,
            DispatchProperties properties,
            NodeIdentity node,
            ClaimRates rates,
            Pauses pauses,
            SluiceMetrics metrics,
            Clock clock) {
        this.pauses = pauses;
        this.jobs = jobs;
        this.metrics = metrics;
        this.gates = gates;
        this.dispatcher = dispatcher;
        this.properties = properties;
        this.node = node;
        this.rates = rates;
        this.clock = clock;
    }

    /** Claims what {@code upstream} may take now and hands it to the dispatcher; says when to look again. */
    public Pass runOnce(String upstream) {
        UpstreamGate gate = gates.get(upstream);
        if (pauses.wholeUpstreamPaused(upstream)) {
            // An operator paused it: claim nothing; a resume is announced and wakes this loop.
            return Pass.idle(properties.idleWait());
        }
        Duration paused = gate.pausedFor();
        if (paused.isPositive()) {
            // The upstream asked us to wait (429, or its budget ran out): claim nothing meanwhile.
            return Pass.idle(paused);
        }
        int room = Math.min(properties.claimBatchSize(), gate.leadRoom());
        if (room == 0) {
            // The lead is more than half full: the dispatcher wakes us when it is down to half.
            return Pass.idle(properties.idleWait());
        }
        Instant now = clock.instant();
        readDays(upstream, gate, now);
        List<String> pausedModels = pauses.pausedModels(upstream);
        // The upstream's jobs, less those of models paused, used up for the day, or paced apart...
        List<String> skip = new ArrayList<>(gate.modelsToSkip());
        skip.addAll(pausedModels);
        int claimed = claim(upstream, gate, skip, null, room, now);
        // ...then each model paced on its own, into its own part of the lead.
        for (ModelGate m : gate.models()) {
            int modelRoom = Math.min(room - claimed, m.leadRoom());
            if (m.paced() && m.open() && modelRoom > 0 && !pausedModels.contains(m.model())) {
                claimed += claim(upstream, gate, List.of(), m.model(), modelRoom, now);
            }
        }
        return claimed == 0 ? Pass.idle(properties.idleWait()) : Pass.busy(claimed);
    }

    /** Claims up to {@code want} jobs (of {@code onlyModel}, else all but {@code skip}) and dispatches them. */
    private int claim(String upstream, UpstreamGate gate, List<String> skip, String onlyModel, int want, Instant now) {
        int slots = gate.takeSlots(want);
        if (slots == 0) {
            // Full: the dispatcher wakes us when a job it sends finishes.
            return 0;
        }
        // An idle upstream's claim would find nothing; probe first (no locks).
        String lane = onlyModel == null ? upstream : upstream + "\u0000" + onlyModel;
        if (idle.contains(lane) && !jobs.hasClaimable(upstream, now)) {
            gate.releaseSlots(slots);
            return 0;
        }
        List<ClaimedJob> claimed;
        try {
            long t0 = System.nanoTime();
            claimed = jobs.claimNextBatch(
                    upstream, skip, onlyModel, slots, node.id(), now, now.plus(properties.leaseDuration()));
            metrics.claim(upstream, System.nanoTime() - t0);
        } catch (RuntimeException e) {
            gate.releaseSlots(slots);
            throw e;
        }
        gate.releaseSlots(slots - claimed.size());
        if (claimed.isEmpty()) {
            idle.add(lane);
            return 0;
        }
        idle.remove(lane);
        rates.record(upstream, claimed.size(), now.getEpochSecond());
        gate.joinedLead(claimed.size());
        claimed.forEach(dispatcher::dispatch);
        return claimed.size();
    }

    /** Reads again, from the database, what was sent today of each model with a daily limit. */
    private void readDays(String upstream, UpstreamGate gate, Instant now) {
        for (ModelGate m : gate.models()) {
            if (m.dayStale()) {
                long[] sent = jobs.sentSince(upstream, m.model(), now.minus(Duration.ofDays(1)));
                m.dayRead(sent[0], sent[1]);
            }
        }
    }
}
