package dev.sluice.job;

import java.time.Instant;
import java.util.Map;

/** What a client or an operator does to one job: cancel it, or send a failed one again. */
public interface JobActions {

    /** queued, claimed or submit_unknown -> cancelled; false in any other state or when unknown. */
    boolean cancel(long jobId, Instant now);

    /**
     * failed or submit_unknown -> queued by an operator: fresh attempts, a new request upstream;
     * its batch, if any, open again. Call after {@link #lockBatchOf}.
     */
    boolean retry(long jobId, Instant now);

    /**
     * Locks the job's batch row, if it has one, until the transaction ends: every change of a
     * batch's state takes the project's enqueue lock (if any), then the batch row, then job rows.
     */
    void lockBatchOf(long jobId);

    /**
     * Up to {@code limit} of a batch's jobs not yet sent (queued, claimed or submit_unknown) ->
     * cancelled, with {@code detail} in their history and as their error; how many. Call until 0.
     */
    int cancelUnsentInBatch(long batchId, String detail, int limit, Instant now);

    /**
     * Up to {@code limit} of a batch's failed jobs -> queued, each with fresh attempts and at the
     * head of its queue, as {@link #retry}; how many, by upstream. Call until none.
     */
    Map<String, Integer> retryFailedInBatch(long batchId, int limit, Instant now);

    /** How many of the batch's jobs are failed: what a retry of them would queue. */
    long countFailedInBatch(long batchId);
}
