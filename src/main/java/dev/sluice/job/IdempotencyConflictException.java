package dev.sluice.job;

/** An idempotency key already names a job whose request differs from this one. */
public class IdempotencyConflictException extends RuntimeException {

    private final long existingJobId;

    public IdempotencyConflictException(String key, long existingJobId) {
        super("idempotency key '" + key + "' already names job " + existingJobId
                + ", whose request differs from this one");
        this.existingJobId = existingJobId;
    }

    public long existingJobId() {
        return existingJobId;
    }
}
