package dev.sluice.job;

import java.time.Instant;
import java.util.List;

/** What an upstream answered to a claimed job: sent, succeeded, failed; each fenced by lease owner and attempt. */
public interface JobOutcomes {

    /**
     * Records that a request the upstream cannot recognise if sent again (no idempotency) is about
     * to be sent, so that if this worker dies the job waits in submit_unknown instead of being
     * re-sent. Fenced; false when fenced out.
     */
    boolean markSending(Fence fence, Instant now);

    /** claimed -> submitted: the upstream queued it under {@code requestId}; poll it at {@code nextPollAt}. */
    boolean markSubmitted(
            Fence fence, String requestId, String session, Instant submittedAt, Instant nextPollAt, Instant now);

    /**
     * claimed or submitted -> succeeded, with the result (and the time it was sent, when known).
     * It writes no history row: the job row's finished_at is the 'succeeded' row of job_history (V018).
     */
    boolean markSucceeded(Fence fence, String resultJson, Instant submittedAt, Instant now);

    /**
     * {@link #markSucceeded} for many jobs in one statement: each row
     * fenced on its own. Returns the ids that moved, each with the tokens its answer says it used
     * less its token_count (0 when the answer does not say); a fenced-out job is left out, and logged.
     */
    java.util.Map<Long, Integer> markSucceededAll(List<Success> outcomes);

    /** claimed -> failed, for good, with the error. */
    boolean markFailed(Fence fence, String error, Instant now);
}
