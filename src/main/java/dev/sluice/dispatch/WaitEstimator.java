package dev.sluice.dispatch;

import dev.sluice.job.Job;
import dev.sluice.job.JobRepository;
import dev.sluice.job.LastSnapshot;
import dev.sluice.job.Priority;
import dev.sluice.job.QueueFields;
import dev.sluice.pause.Pause;
import dev.sluice.pause.Pauses;
import dev.sluice.upstream.Upstreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Where an unfinished job waits and for how long, in the shape of a Tinker queue answer: from our
 * own queue while it waits here (its position, the upstream's depth, and an ETA from the
 * configured rate or, without one, the observed drain rate), from the upstream's last snapshot
 * once the upstream has it. Reads only; never writes.
 *
 * <p>A position is exact when fewer than 5,000 jobs of its priority are ahead of it or behind
 * it, and fewer than 5,000 of higher priorities wait (bounded index reads); deeper in a longer
 * queue it is placed by id between the oldest and newest queued ids ({@code queue_state_reason}
 * says {@code queue_position_estimated}), and higher priorities are counted from counts at most
 * 2 s old (10 s in a queue of 100,000 or more). So a lookup reads at most about 15,000 index
 * entries however long the queue.
 */
@Component
public class WaitEstimator {

    /**
     * Where the job waits, as the queue fields of Sluice's own 408 (nulls are left out of the
     * headers; {@code retryAfterS} is always set), and the upstream's last answer, if any.
     */
    public record Wait(QueueFields queue, LastSnapshot upstream) {}

    /**
     * Per-priority queue counts are refreshed at most this often per instance, in the background.
     * They place a job deep in a long queue (an estimate) and give the depth. A recount reads the
     * whole claim index: cheap for a short queue, about 95 ms of a core at 1,000,000 queued, which
     * every 2 s competed with the lookups themselves. So a long queue is recounted every 10 s (as
     * often as the queue is snapshotted), a short one every 2 s.
     */
    private static final Duration COUNTS_TTL = Duration.ofSeconds(2);

    private static final Duration LONG_QUEUE_COUNTS_TTL = Duration.ofSeconds(10);
    /** Queued jobs (all upstreams) from which a queue counts as long. */
    private static final long LONG_QUEUE = 100_000;
    /** Up to this many jobs ahead (or behind) in its priority, a job's position is counted exactly. */
    private static final int EXACT = 5000;

    private final JobRepository jobs;
    private final Upstreams upstreams;
    private final ClaimRates rates;
    private final Pauses pauses;
    private final Clock clock;
    private Map<String, Map<Priority, Long>> counts = Map.of();
    private Instant countsAt;
    /** How long {@link #counts} serves: set by their size when they are counted. */
    private Duration countsTtl = COUNTS_TTL;

    private boolean counting;

    WaitEstimator(JobRepository jobs, Upstreams upstreams, ClaimRates rates, Pauses pauses, Clock clock) {
        this.pauses = pauses;
        this.jobs = jobs;
        this.upstreams = upstreams;
        this.rates = rates;
        this.clock = clock;
    }

    public Wait estimate(Job job) {
        Instant now = clock.instant();
        // A job never claimed was never sent: no upstream has shown it. Otherwise its upstream rows
        // were observed after its first claim (a day earlier allows for instances' clocks).
        LastSnapshot last = job.claimedAt() == null
                ? null
                : jobs.lastUpstreamSnapshot(job.id(), job.claimedAt().minus(Duration.ofDays(1)))
                        .orElse(null);
        return switch (job.state()) {
            case QUEUED -> waitingHere(job, now, last);
            case CLAIMED -> new Wait(new QueueFields("claimed", "sending", null, 0, null, 0.0, null, 1.0), last);
            case SUBMITTED -> waitingUpstream(now, last);
            case SUBMIT_UNKNOWN ->
                new Wait(
                        new QueueFields(
                                "submit_unknown",
                                "needs_operator",
                                "may_have_been_served",
                                null,
                                null,
                                null,
                                null,
                                30.0),
                        last);
            case SUCCEEDED, FAILED, CANCELLED -> throw new IllegalArgumentException("job " + job.id() + " is finished");
        };
    }

    private Wait waitingHere(Job job, Instant now, LastSnapshot last) {
        Map<Priority, Long> counts = counts(job.upstream());
        long higher =
                job.priority() == Priority.HIGH ? 0 : jobs.countQueuedHigher(job.upstream(), job.priority(), EXACT);
        if (higher >= EXACT) {
            higher = Math.max(
                    EXACT,
                    counts.entrySet().stream()
                            .filter(e -> e.getKey().rank() < job.priority().rank())
                            .mapToLong(Map.Entry::getValue)
                            .sum());
        }
        boolean estimated = false;
        long same = jobs.countQueuedBefore(job, EXACT);
        if (same >= EXACT) {
            long total = counts.getOrDefault(job.priority(), 0L);
            long behind = jobs.countQueuedFrom(job, EXACT);
            if (behind < EXACT) {
                same = Math.max(EXACT, total - behind);
            } else {
                // Deep in a long queue: place the job by its turn between the first and last.
                estimated = true;
                long[] range = jobs.queuedTurnRange(job.upstream(), job.priority());
                double fraction = range == null ? 0 : (job.fairTag() - range[0]) / (double) (range[1] - range[0] + 1);
                same = Math.max(EXACT, Math.min(total - EXACT, Math.round(total * fraction)));
            }
        }
        long ahead = higher + same;
        long depth = Math.max(
                ahead + 1, counts.values().stream().mapToLong(Long::longValue).sum());
        var config = upstreams.config(job.upstream());
        long rpm = config == null ? 0 : config.requestsPerMinute();
        double perSecond = rpm > 0 ? rpm / 60.0 : rates.perSecond(job.upstream(), now.getEpochSecond());
        Double eta = perSecond > 0 ? (ahead + 1) / perSecond : null;
        String reason = estimated ? "queue_position_estimated" : "queue_backlog";
        if (job.runAfter() != null && job.runAfter().isAfter(now)) {
            double backoff = Duration.between(now, job.runAfter()).toMillis() / 1000.0;
            eta = eta == null ? backoff : Math.max(eta, backoff);
            reason = "retry_backoff";
        }
        String state = "waiting";
        Optional<Pause> pause = pauses.stopping(job.upstream(), null);
        if (pause.isPresent()) {
            // An operator paused it: nothing is sent until resumed, so no ETA unless the pause ends.
            state = "paused";
            reason = pause.get().model() == null ? "upstream_paused" : "model_paused";
            Instant until = pause.get().until();
            eta = until == null
                    ? null
                    : (eta == null ? 0 : eta) + Duration.between(now, until).toMillis() / 1000.0;
        }
        eta = eta == null ? null : round(eta);
        int d = (int) Math.min(depth, Integer.MAX_VALUE);
        return new Wait(
                new QueueFields(
                        "queued",
                        state,
                        reason,
                        (int) Math.min(ahead, Integer.MAX_VALUE),
                        d,
                        eta,
                        null,
                        retryAfter(eta, d)),
                last);
    }

    private static Wait waitingUpstream(Instant now, LastSnapshot last) {
        if (last == null) {
            return new Wait(new QueueFields("submitted", "submitted", null, null, null, null, null, 1.0), null);
        }
        QueueFields q = last.queue();
        Double eta = q.estimatedWaitS();
        if (eta != null) {
            double elapsed = Duration.between(last.observedAt(), now).toMillis() / 1000.0;
            eta = round(Math.max(0, eta - elapsed));
        }
        double retryAfter = q.retryAfterS() != null ? q.retryAfterS() : retryAfter(eta, q.queueDepth());
        return new Wait(
                new QueueFields(
                        q.status() == null ? "submitted" : q.status(),
                        q.queueState(),
                        q.queueStateReason(),
                        q.queuePosition(),
                        q.queueDepth(),
                        eta,
                        q.progressJson(),
                        retryAfter),
                last);
    }

    /**
     * Queued jobs of the upstream per priority, counted at most every {@link #COUNTS_TTL} ({@link
     * #LONG_QUEUE_COUNTS_TTL} in a long queue): a stale
     * copy is served while one virtual thread counts afresh, so no lookup waits for a full count
     * (about 100 ms at a million queued jobs on the 2-core test machine, 2026-11-23).
     */
    private Map<Priority, Long> counts(String upstream) {
        Instant now = clock.instant();
        synchronized (this) {
            if (countsAt == null) {
                counted(jobs.countQueuedByUpstreamAndPriority(), now);
            } else if (!counting && Duration.between(countsAt, now).compareTo(countsTtl) >= 0) {
                counting = true;
                Thread.ofVirtual().name("sluice-queue-counts").start(this::recount);
            }
            return counts.getOrDefault(upstream, Map.of());
        }
    }

    private void counted(Map<String, Map<Priority, Long>> fresh, Instant at) {
        counts = fresh;
        countsAt = at;
        long queued = fresh.values().stream()
                .flatMap(byPriority -> byPriority.values().stream())
                .mapToLong(Long::longValue)
                .sum();
        countsTtl = queued >= LONG_QUEUE ? LONG_QUEUE_COUNTS_TTL : COUNTS_TTL;
    }

    private void recount() {
        try {
            Map<String, Map<Priority, Long>> fresh = jobs.countQueuedByUpstreamAndPriority();
            synchronized (this) {
                counted(fresh, clock.instant());
            }
        } finally {
            synchronized (this) {
                counting = false;
            }
        }
    }

    /** As mint: clamp(eta / 4, 1, 30), else clamp(depth, 1, 10), else 1. */
    static double retryAfter(Double etaS, Integer depth) {
        if (etaS != null) {
            return Math.min(30, Math.max(1, etaS / 4));
        }
        if (depth != null) {
            return Math.min(10, Math.max(1, depth));
        }
        return 1;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
