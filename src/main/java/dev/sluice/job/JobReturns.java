package dev.sluice.job;

import java.time.Instant;

/** A claimed or submitted job back to the queue: after a failure that used its attempt, or a "not now" that did not. */
public interface JobReturns {

    /**
     * claimed or submitted -> queued after a failure that used its attempt, to run again after
     * {@code runAfter}, as the same request: the next send re-uses its key and the upstream
     * recognises it (after a timeout, a crash, a 410).
     */
    boolean requeue(Fence fence, Instant runAfter, String error, Instant now);

    /**
     * As {@link #requeue}, as a new request: the key is dropped, so the next send is a new request
     * upstream (after the upstream answered this one with an error).
     */
    boolean requeueAsNewRequest(Fence fence, Instant runAfter, String error, Instant now);

    /**
     * claimed -> queued after a "not now" that used no attempt (an upstream's 429 or backpressure,
     * a token budget that cannot cover the job in time), to run again after {@code runAfter}.
     * Counts the deferral; a run of them is one history row whose {@code repeats} counts them
     * (its detail and {@code last_observed_at} are the last one's), not a row per try.
     */
    boolean defer(Fence fence, Instant runAfter, String why, Instant now);
}
