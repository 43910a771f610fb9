package dev.sluice.job;

import java.time.Instant;

/** Retention: finished jobs past their time go, with their callback deliveries. */
public interface JobRetention {

    /**
     * Deletes up to {@code limit} jobs that finished before {@code cutoff} (succeeded, failed or
     * cancelled); their callback deliveries go with them (ON DELETE CASCADE). Returns how many.
     */
    int deleteFinishedBefore(Instant cutoff, int limit);
}
