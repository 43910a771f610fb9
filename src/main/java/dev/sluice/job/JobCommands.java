package dev.sluice.job;

import dev.sluice.upstream.UpstreamSnapshot;
import java.io.InputStream;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/** The native SQL of {@link JobRepository}: every write to {@code job}, and the hot-path reads. */
public interface JobCommands {

    /** Inserts a queued job; empty when its idempotency key is already taken. */
    OptionalLong insert(NewJob job, Instant now);

    /**
     * Streams rows made by {@link JobCopyEncoder} into {@code job} with one COPY, on the connection
     * of the caller's transaction, then appends one 'queued' history row per job of the batch.
     * Returns the number of jobs.
     */
    long copyIn(long batchId, InputStream encodedRows, Instant now);

    /**
     * Claims up to {@code limit} queued jobs of one upstream, highest priority first and oldest
     * first within a priority, leasing them to {@code owner}, and gives each a seq_id unless its
     * current request already has one. Returns them in that order.
     */
    List<ClaimedJob> claimNextBatch(String upstream, int limit, String owner, Instant now, Instant leaseUntil);

    /** Whether any job of this upstream could be claimed now (a cheap probe for an idle claimer). */
    boolean hasClaimable(String upstream, Instant now);

    /** claimed or submitted -> succeeded, with the result (and the time it was sent, when known). */
    boolean markSucceeded(Fence fence, String resultJson, Instant submittedAt, Instant now);

    /**
     * {@link #markSucceeded} for many jobs in one statement (and one history insert): each row
     * fenced on its own. Returns the ids that moved; a fenced-out job is left out, and logged.
     */
    java.util.Set<Long> markSucceededAll(List<Success> outcomes);

    /** claimed -> submitted: the upstream queued it under {@code requestId}; poll it at {@code nextPollAt}. */
    boolean markSubmitted(
            Fence fence, String requestId, String session, Instant submittedAt, Instant nextPollAt, Instant now);

    /** claimed -> failed, for good, with the error. */
    boolean markFailed(Fence fence, String error, Instant now);

    /**
     * claimed or submitted -> queued after a failure that used its attempt, to run again after
     * {@code runAfter}. When {@code newRequest} is true the submit key is dropped, so the next send
     * is a new request upstream (after the upstream answered this one with an error); otherwise
     * the next send re-uses it and the upstream recognises the same request. A "not now" that used
     * no attempt is {@link #defer}.
     */
    boolean requeue(Fence fence, Instant runAfter, boolean newRequest, String error, Instant now);

    /**
     * claimed -> queued after a "not now" that used no attempt (an upstream's 429 or backpressure,
     * a token budget that cannot cover the job in time), to run again after {@code runAfter}.
     * Counts the deferral; a run of them is one history row whose {@code repeats} counts them
     * (its detail and {@code last_observed_at} are the last one's), not a row per try.
     */
    boolean defer(Fence fence, Instant runAfter, String why, Instant now);

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

    /**
     * Extends to {@code until} the leases {@code owner} still holds under these fences on jobs in
     * {@code state} (claims being sent, polls under way), so live work is never rescued. A fence
     * that no longer matches (the job was rescued, cancelled, finished, or moved on to the next
     * state) is skipped. Returns how many were extended.
     */
    int renewLeases(String owner, JobState state, Collection<Fence> fences, Instant until);

    /** A pending answer: appends the snapshot (source upstream) and sets the next poll. */
    boolean recordPoll(Fence fence, UpstreamSnapshot snapshot, Instant nextPollAt, Instant now);

    /**
     * Appends what an upstream's answer said (e.g. its rate-limit headers) to the job's history,
     * source upstream, without changing the job.
     */
    void recordObservation(long jobId, int attempt, UpstreamSnapshot observed, Instant now);

    /** A failed poll (429, 5xx, timeout): appends it to the history and sets the next poll. */
    boolean recordPollError(Fence fence, Integer httpStatus, String error, Instant nextPollAt, Instant now);

    /** failed or submit_unknown -> queued by an operator: fresh attempts, a new request upstream. */
    boolean retry(long jobId, Instant now);

    /**
     * Records that a request the upstream cannot recognise if sent again (no idempotency) is about
     * to be sent, so that if this worker dies the job waits in submit_unknown instead of being
     * re-sent. Fenced; false when fenced out.
     */
    boolean markSending(Fence fence, Instant now);

    /**
     * Returns up to {@code limit} claimed jobs whose lease expired to the queue (or fails them when
     * that was their last attempt). Returns how many it moved.
     */
    default int rescueExpiredClaims(Instant now, int limit) {
        return rescueExpiredClaims(now, Instant.EPOCH, limit);
    }

    /**
     * As above; the claims of an instance whose last heartbeat is older than
     * {@code ownersDeadBefore} are rescued too, before their lease expires.
     */
    int rescueExpiredClaims(Instant now, Instant ownersDeadBefore, int limit);

    /**
     * Hands back everything {@code owner} holds, at its shutdown: claimed jobs go back to the queue
     * (their attempt stays used: they may have been sent), and poll leases are dropped, so any
     * instance takes them over at once instead of after the lease. Returns how many jobs.
     */
    int releaseLeases(String owner, Instant now);

    /** queued, claimed or submit_unknown -> cancelled; false in any other state or when unknown. */
    boolean cancel(long jobId, Instant now);

    Map<Priority, Long> countQueuedByPriority();

    /** Queued jobs per upstream and priority. */
    Map<String, Map<Priority, Long>> countQueuedByUpstreamAndPriority();

    /**
     * Queued jobs of one upstream and priority on one side of {@code jobId} (older when
     * {@code before}, else this one and newer), counted up to {@code cap} at most.
     */
    long countQueuedBeside(String upstream, Priority priority, long jobId, boolean before, int cap);

    /** Queued jobs of the upstream with a higher priority than {@code priority}, up to {@code cap}. */
    long countQueuedHigher(String upstream, Priority priority, int cap);

    /** The oldest and newest queued ids of one upstream and priority, or null when there are none. */
    long[] queuedIdRange(String upstream, Priority priority);

    /**
     * The newest snapshot the upstream gave for the job, if any, looking only at history observed
     * from {@code since} on (history is partitioned by day: older partitions are not read).
     */
    Optional<LastSnapshot> lastUpstreamSnapshot(long jobId, Instant since);

    /** One page of a batch's finished jobs (succeeded, failed, cancelled) after the cursor, by id. */
    List<FinishedJob> findFinishedInBatch(long batchId, long afterId, int limit);

    Map<String, Long> countRunningByUpstream();

    Map<JobState, Long> countByStateInBatch(long batchId);
}
