package dev.sluice.job;

import java.time.Instant;
import java.util.List;

/** Following a job the upstream accepted: due polls leased, each answer recorded. */
public interface JobPolls {

    /**
     * Leases up to {@code limit} submitted jobs whose poll is due (soonest first) to {@code owner}.
     * A poll lease that expired (its poller died) is due again at once.
     */
    default List<PolledJob> claimDuePolls(String owner, Instant now, Instant leaseUntil, int limit) {
        return claimDuePolls(owner, now, leaseUntil, Instant.EPOCH, limit);
    }

    /**
     * As above; a poll lease held by an instance whose last heartbeat is older than
     * {@code ownersDeadBefore} is also taken over, without waiting for it to expire.
     */
    List<PolledJob> claimDuePolls(String owner, Instant now, Instant leaseUntil, Instant ownersDeadBefore, int limit);

    /** A pending answer: appends the snapshot (source upstream) and sets the next poll. */
    boolean recordPoll(Fence fence, UpstreamObservation snapshot, Instant nextPollAt, Instant now);

    /**
     * Appends what an upstream's answer said (e.g. its rate-limit headers) to the job's history,
     * source upstream, without changing the job.
     */
    void recordObservation(long jobId, int attempt, UpstreamObservation observed, Instant now);

    /** A failed poll (429, 5xx, timeout): appends it to the history and sets the next poll. */
    boolean recordPollError(Fence fence, Integer httpStatus, String error, Instant nextPollAt, Instant now);
}
