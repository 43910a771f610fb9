package dev.sluice.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.sluice.job.Job;
import java.time.Instant;

/**
 * A job as the API shows it; {@code result} is the stored JSON, passed through as is.
 * {@code token_count} is the client's or, with {@code token_count_estimated}, Sluice's estimate;
 * {@code tokens_used} what the upstream's answer reported.
 */
record JobView(
        long id,
        Long batchId,
        String customId,
        String upstream,
        String endpoint,
        String priority,
        String model,
        int tokenCount,
        boolean tokenCountEstimated,
        Integer tokensUsed,
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
                job.model(),
                job.tokenCount(),
                job.tokenEstimated(),
                job.tokensUsed(),
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
