package dev.sluice.job;

import java.time.Instant;

/** What a client or an operator does to one job: cancel it, or send a failed one again. */
public interface JobActions {

    /** queued, claimed or submit_unknown -> cancelled; false in any other state or when unknown. */
    boolean cancel(long jobId, Instant now);

    /** failed or submit_unknown -> queued by an operator: fresh attempts, a new request upstream. */
    boolean retry(long jobId, Instant now);
}
