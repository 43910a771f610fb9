package dev.sluice.job;

import java.io.InputStream;
import java.time.Instant;
import java.util.OptionalLong;

/** Intake: a job, or a batch's jobs, into the queue, each with its first history row. */
public interface JobIntake {

    /** Inserts a queued job; empty when its idempotency key is already taken. */
    OptionalLong insert(NewJob job, Instant now);

    /**
     * Streams rows made by {@link JobCopyEncoder} into {@code job} with one COPY, on the connection
     * of the caller's transaction, then appends one 'queued' history row per job of the batch.
     * Returns the number of jobs.
     */
    long copyIn(long batchId, InputStream encodedRows, Instant now);
}
