package dev.sluice.job;

/**
 * A validated request for a job, before it has a row. {@code payloadJson} is a JSON object in text
 * form; {@code customId} is set only for batch lines, {@code idempotencyKey} only for single jobs.
 */
public record NewJob(
        String upstream,
        String endpoint,
        String payloadJson,
        int tokenCount,
        Priority priority,
        String callbackUrl,
        String idempotencyKey,
        int maxAttempts,
        String customId,
        String model,
        boolean tokenEstimated) {

    /** A job naming no model, whose token_count its client gave. */
    public NewJob(
            String upstream,
            String endpoint,
            String payloadJson,
            int tokenCount,
            Priority priority,
            String callbackUrl,
            String idempotencyKey,
            int maxAttempts,
            String customId) {
        this(
                upstream,
                endpoint,
                payloadJson,
                tokenCount,
                priority,
                callbackUrl,
                idempotencyKey,
                maxAttempts,
                customId,
                null,
                false);
    }

    /** This job under another idempotency key. */
    public NewJob withIdempotencyKey(String key) {
        return new NewJob(
                upstream,
                endpoint,
                payloadJson,
                tokenCount,
                priority,
                callbackUrl,
                key,
                maxAttempts,
                customId,
                model,
                tokenEstimated);
    }
}
