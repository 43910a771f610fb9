package dev.sluice.job;

import java.time.Instant;
import java.util.List;

/** Finding jobs among millions: newest first, by filters, a page at a time. */
public interface JobSearches {

    /**
     * What to look for. {@code projects} null: every project (an admin's view). {@code states}
     * never empty. Every other field is null when not asked for. {@code beforeId}: the cursor, the
     * last id of the page before (Long.MAX_VALUE for the first page).
     */
    record JobFilter(
            List<Long> projects,
            List<JobState> states,
            Priority priority,
            String upstream,
            String model,
            Long batchId,
            String customId,
            Instant createdFrom,
            Instant createdTo,
            long beforeId) {}

    /** A job as a list shows it: no payload, no result, the error cut to its first 300 characters. */
    record JobSummary(
            long id,
            long projectId,
            Long batchId,
            String customId,
            String upstream,
            Priority priority,
            String model,
            JobState state,
            int attempts,
            Instant createdAt,
            Instant finishedAt,
            String error) {}

    /** Up to {@code limit} jobs matching {@code filter}, newest (highest id) first. */
    List<JobSummary> search(JobFilter filter, int limit);

    /**
     * Bounds every later statement of the caller's transaction to {@code millis}, each planned for
     * its own values.
     */
    void limitStatementTime(long millis);
}
