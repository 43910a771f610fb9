package dev.sluice.dispatch;

import dev.sluice.job.Fence;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobState;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import dev.sluice.runtime.Stage;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Keeps this instance's leases alive while their work is in flight: a claim being sent (however
 * long the upstream takes, or the job waits for token permits) and a poll under way. Every third
 * of the shorter lease, one statement per kind extends the leases still held under their fences.
 * A lease is therefore only ever rescued when its instance stopped renewing it: it died, hung, or
 * lost the database for longer than two thirds of a lease; a worker that comes back after that is
 * fenced out. It runs in {@link Stage#SERVICES}: it starts before and stops after the loops that
 * hold leases, so their in-flight work keeps its leases while it finishes in the shutdown grace.
 */
@Component
class LeaseKeeper implements Background {

    private final JobRepository jobs;
    private final NodeIdentity node;
    private final Clock clock;
    private final Duration claimLease;
    private final Duration pollLease;
    private final Set<Fence> claims = ConcurrentHashMap.newKeySet();
    private final Set<Fence> polls = ConcurrentHashMap.newKeySet();
    private final Duration every;
    private final Loop loop;

    LeaseKeeper(
            JobRepository jobs, NodeIdentity node, Clock clock, DispatchProperties dispatch, PollProperties polling) {
        this.jobs = jobs;
        this.node = node;
        this.clock = clock;
        this.claimLease = dispatch.leaseDuration();
        this.pollLease = polling.lease();
        this.every = renewEvery(dispatch, polling);
        this.loop = new Loop("sluice-lease-keeper", this::runOnce).firstPassAfter(every);
    }

    /** Keeps the lease of a claim being sent until {@link #releaseClaim}. */
    void holdClaim(Fence fence) {
        claims.add(fence);
    }

    void releaseClaim(Fence fence) {
        claims.remove(fence);
    }

    /** Keeps the lease of a poll under way until {@link #releasePoll}. */
    void holdPoll(Fence fence) {
        polls.add(fence);
    }

    void releasePoll(Fence fence) {
        polls.remove(fence);
    }

    /** Extends every lease held now; says how many rows it extended. */
    public Pass runOnce() {
        var now = clock.instant();
        int renewed = jobs.renewLeases(node.id(), JobState.CLAIMED, List.copyOf(claims), now.plus(claimLease))
                + jobs.renewLeases(node.id(), JobState.SUBMITTED, List.copyOf(polls), now.plus(pollLease));
        return Pass.after(renewed, every);
    }

    @Override
    public Stage stage() {
        return Stage.SERVICES;
    }

    @Override
    public List<Loop> loops() {
        return List.of(loop);
    }

    /** How often leases are renewed: a third of the shorter lease, so two renewals may fail. */
    private static Duration renewEvery(DispatchProperties dispatch, PollProperties polling) {
        Duration claim = dispatch.leaseDuration();
        Duration poll = polling.lease();
        return (claim.compareTo(poll) < 0 ? claim : poll).dividedBy(3);
    }
}
