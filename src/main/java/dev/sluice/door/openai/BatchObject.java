package dev.sluice.door.openai;

import java.time.Instant;
import tools.jackson.databind.JsonNode;

/**
 * OpenAI's batch object. Times are Unix seconds. The status comes from the jobs and the batch's
 * marks: {@code in_progress} while jobs are left, {@code completed} when none is (finalizing and
 * completed at the last job's end); {@code cancelling} then {@code cancelled} after a cancel;
 * {@code expired} once the window passed with jobs unsent. A batch is made in the create call, so
 * {@code validating} is never seen, and a create that breaks a rule is refused, not {@code failed}.
 */
record BatchObject(
        String id,
        String object,
        String endpoint,
        Object errors,
        String inputFileId,
        String completionWindow,
        String status,
        String outputFileId,
        String errorFileId,
        long createdAt,
        Long inProgressAt,
        Long expiresAt,
        Long finalizingAt,
        Long completedAt,
        Long failedAt,
        Long expiredAt,
        Long cancellingAt,
        Long cancelledAt,
        RequestCounts requestCounts,
        JsonNode metadata) {

    record RequestCounts(long total, long completed, long failed) {}

    static BatchObject of(
            BatchStore.Row row,
            JsonNode metadata,
            long total,
            long succeeded,
            long failed,
            boolean open,
            Instant last) {
        String status;
        Long finalizing = null;
        Long completed = null;
        Long cancelled = null;
        if (row.expiredAt() != null) {
            status = "expired";
        } else if (row.cancellingAt() != null) {
            status = open ? "cancelling" : "cancelled";
            cancelled = open ? null : seconds(last.isAfter(row.cancellingAt()) ? last : row.cancellingAt());
        } else if (open) {
            status = "in_progress";
        } else {
            status = "completed";
            finalizing = seconds(last);
            completed = seconds(last);
        }
        return new BatchObject(
                FileIds.batch(row.batchId()),
                "batch",
                row.endpoint(),
                null,
                FileIds.input(row.inputFileId()),
                row.completionWindow(),
                status,
                succeeded > 0 ? FileIds.output(row.batchId()) : null,
                failed > 0 ? FileIds.errors(row.batchId()) : null,
                seconds(row.createdAt()),
                seconds(row.createdAt()),
                seconds(row.expiresAt()),
                finalizing,
                completed,
                null,
                row.expiredAt() == null ? null : seconds(row.expiredAt()),
                row.cancellingAt() == null ? null : seconds(row.cancellingAt()),
                cancelled,
                new RequestCounts(total, succeeded, failed),
                metadata);
    }

    private static Long seconds(Instant t) {
        return t == null ? null : t.getEpochSecond();
    }
}
