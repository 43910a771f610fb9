package dev.sluice.dispatch;

import dev.sluice.job.Fence;
import dev.sluice.job.JobRepository;
import java.time.Clock;
import java.time.Instant;
import org.springframework.stereotype.Component;

/**
 * What a retryable failure does to a job: back to the queue after exponential backoff with
 * jitter, using the attempt; or, on its last attempt, failed with the error.
 */
@Component
class Retries {

    private final JobRepository jobs;
    private final Backoff backoff;
    private final Clock clock;

    Retries(JobRepository jobs, DispatchProperties properties, Clock clock) {
        this.jobs = jobs;
        this.backoff = new Backoff(properties.retryBaseDelay(), properties.retryMaxDelay());
        this.clock = clock;
    }

    /** {@code newRequest}: the upstream answered this request with an error, so the next send is a new one. */
    void retryOrFail(Fence fence, int attempt, int maxAttempts, String error, boolean newRequest) {
        Instant now = clock.instant();
        if (attempt >= maxAttempts) {
            jobs.markFailed(fence, error + " (attempt " + attempt + " of " + maxAttempts + ")", now);
        } else {
            jobs.requeue(fence, now.plus(backoff.before(attempt)), true, newRequest, error, now);
        }
    }
}
