package dev.sluice.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.sluice.job.Job;
import java.time.Instant;

/** A job as the API shows it; {@code result} is the stored JSON, passed through as is. */
record JobView(
        long id,
        Long batchId,
        String customId,
        String upstream,
        String endpoint,
        String priority,
        int tokenCount,
        String state,
        int attempts,
        int maxAttempts,
        String callbackUrl,
        String upstreamRequestId,
        Instant createdAt,
        Instant claimedAt,
        Instant submittedAt,
        Instant finishedAt,
        @JsonRawValue String result,
        String error) {

    static JobView of(Job job) {
        return new JobView(
                job.id(),
                job.batchId(),
                job.customId(),
                job.upstream(),
                job.endpoint(),
                job.priority().wireName(),
                job.tokenCount(),
                job.state().wireName(),
                job.attempts(),
                job.maxAttempts(),
                job.callbackUrl(),
                job.upstreamRequestId(),
                job.createdAt(),
                job.claimedAt(),
                job.submittedAt(),
                job.finishedAt(),
                job.result(),
                job.error());
    }
}
