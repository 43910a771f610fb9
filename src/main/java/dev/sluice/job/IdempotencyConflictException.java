package dev.sluice.job;

/** An idempotency key already names a job or batch whose request differs from this one. */
public class IdempotencyConflictException extends RuntimeException {

    /** What the key names. */
    public enum Kind {
        JOB,
        BATCH
    }

    private final Kind kind;
    private final long existingId;

    public IdempotencyConflictException(String key, Kind kind, long existingId) {
        super("idempotency key '" + key + "' already names " + kind.name().toLowerCase() + " " + existingId
                + ", whose request differs from this one");
        this.kind = kind;
        this.existingId = existingId;
    }

    public Kind kind() {
        return kind;
    }

    public long existingId() {
        return existingId;
    }
}
