package dev.sluice.dispatch;

import dev.sluice.job.ClaimedJob;
import dev.sluice.job.Fence;
import dev.sluice.job.JobRepository;
import dev.sluice.runtime.Backoff;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * What a retryable failure does to a job: back to the queue after exponential backoff with
 * jitter, using the attempt; or, on its last attempt, failed with the error. And what a "not now"
 * does: back to the queue without using an attempt, also after a backoff.
 */
@Component
class Retries {

    private final JobRepository jobs;
    private final Backoff backoff;
    private final Backoff deferBackoff;
    private final Clock clock;

    Retries(JobRepository jobs, DispatchProperties properties, Clock clock) {
        this.jobs = jobs;
        this.backoff = new Backoff(properties.retryBaseDelay(), properties.retryMaxDelay());
        this.deferBackoff = new Backoff(properties.retryBaseDelay(), properties.deferMaxDelay());
        this.clock = clock;
    }

    /**
     * What a "not now" does (an upstream's 429 or backpressure, a token budget that cannot cover
     * the job in time): back to the queue without using an attempt, after the upstream's own
     * {@code retryAfter} (if it gave one) or the backoff for the job's deferrals so far, whichever
     * is longer, so a job refused again and again backs off instead of spinning.
     */
    void defer(ClaimedJob job, String why, Duration retryAfter) {
        Instant now = clock.instant();
        Duration wait = deferBackoff.before(job.deferrals() + 1);
        if (retryAfter != null && retryAfter.compareTo(wait) > 0) {
            wait = retryAfter;
        }
        jobs.defer(job.fence(), now.plus(wait), why, now);
    }

    /** {@code newRequest}: the upstream answered this request with an error, so the next send is a new one. */
    void retryOrFail(Fence fence, int attempt, int maxAttempts, String error, boolean newRequest) {
        Instant now = clock.instant();
        if (attempt >= maxAttempts) {
            jobs.markFailed(fence, error + " (attempt " + attempt + " of " + maxAttempts + ")", now);
        } else {
            Instant runAfter = now.plus(backoff.before(attempt));
            if (newRequest) {
                jobs.requeueAsNewRequest(fence, runAfter, error, now);
            } else {
                jobs.requeue(fence, runAfter, error, now);
            }
        }
    }
}
