package dev.sluice.job;

import java.io.InputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
     * first within a priority, leasing them to {@code owner}. Returns them in that order.
     */
    List<ClaimedJob> claimNextBatch(String upstream, int limit, String owner, Instant now, Instant leaseUntil);

    /** Whether any job of this upstream could be claimed now (a cheap probe for an idle claimer). */
    boolean hasClaimable(String upstream, Instant now);

    /** claimed -> succeeded, with the result and the time it was sent. */
    boolean markSucceeded(Fence fence, String resultJson, Instant submittedAt, Instant now);

    /** claimed -> submitted: the upstream queued it under {@code requestId}; poll it at {@code nextPollAt}. */
    boolean markSubmitted(Fence fence, String requestId, Instant submittedAt, Instant nextPollAt, Instant now);

    /** claimed -> failed, for good, with the error. */
    boolean markFailed(Fence fence, String error, Instant now);

    /**
     * claimed -> queued, to run again after {@code runAfter}. When {@code countAttempt} is false the
     * attempt is given back (an upstream that said "not now" has not used one).
     */
    boolean requeue(Fence fence, Instant runAfter, boolean countAttempt, String error, Instant now);

    /**
     * Returns up to {@code limit} claimed jobs whose lease expired to the queue (or fails them when
     * that was their last attempt). Returns how many it moved.
     */
    int rescueExpiredClaims(Instant now, int limit);

    /** queued or claimed -> cancelled; false when the job is in any other state or unknown. */
    boolean cancel(long jobId, Instant now);

    Map<Priority, Long> countQueuedByPriority();

    Map<String, Long> countRunningByUpstream();

    Map<JobState, Long> countByStateInBatch(long batchId);
}
