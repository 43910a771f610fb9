package dev.sluice.door.openai;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** All SQL about {@code openai_batch}, read together with its Sluice {@code batch} row. */
@Component
class BatchStore {

    /** The OpenAI side of a batch, with its project and creation time from {@code batch}. */
    record Row(
            long batchId,
            long projectId,
            Instant createdAt,
            long inputFileId,
            String endpoint,
            String completionWindow,
            String metadataJson,
            Instant expiresAt,
            Instant cancellingAt,
            Instant expiredAt) {}

    private static final String SELECT = """
            SELECT o.batch_id, b.project_id, b.created_at, o.input_file_id, o.endpoint, o.completion_window,
                   o.metadata::text AS metadata, o.expires_at, o.cancelling_at, o.expired_at
            FROM openai_batch o JOIN batch b ON b.id = o.batch_id
            """;

    private final JdbcClient jdbc;

    BatchStore(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** In the transaction that stores the batch's jobs (BatchEnqueuer's onStored). */
    void insert(
            long batchId, long inputFileId, String endpoint, String window, String metadataJson, Instant expiresAt) {
        jdbc.sql("""
                INSERT INTO openai_batch (batch_id, input_file_id, endpoint, completion_window, metadata, expires_at)
                VALUES (:batch, :file, :endpoint, :window, CAST(:metadata AS jsonb), :expires)
                """)
                .param("batch", batchId)
                .param("file", inputFileId)
                .param("endpoint", endpoint)
                .param("window", window)
                .param("metadata", metadataJson)
                .param("expires", Timestamp.from(expiresAt))
                .update();
    }

    Optional<Row> find(long batchId) {
        return jdbc.sql(SELECT + " WHERE o.batch_id = :batch")
                .param("batch", batchId)
                .query(BatchStore::row)
                .optional();
    }

    /** A page of batches, newest first, before the cursor (0: from the newest). */
    List<Row> page(long projectId, boolean allProjects, long before, int limit) {
        // Primary key of openai_batch, newest first; each joined to batch by its primary key.
        return jdbc.sql(SELECT + """
                 WHERE (:all OR b.project_id = :project) AND (:before = 0 OR o.batch_id < :before)
                ORDER BY o.batch_id DESC LIMIT :limit
                """)
                .param("all", allProjects)
                .param("project", projectId)
                .param("before", before)
                .param("limit", limit)
                .query(BatchStore::row)
                .list();
    }

    /** The batch a first try of a retried create made: the project's newest from this file since then. */
    Optional<Long> madeFrom(long projectId, long inputFileId, Instant since) {
        // Index: openai_batch_input_idx; a file makes few batches.
        return jdbc.sql("""
                SELECT o.batch_id FROM openai_batch o JOIN batch b ON b.id = o.batch_id
                WHERE o.input_file_id = :file AND b.project_id = :project AND b.created_at >= :since
                ORDER BY o.batch_id DESC LIMIT 1
                """)
                .param("file", inputFileId)
                .param("project", projectId)
                .param("since", Timestamp.from(since))
                .query(Long.class)
                .optional();
    }

    /** Marks the batch cancelling; false when it already was, or had expired. */
    boolean markCancelling(long batchId, Instant now) {
        return jdbc.sql("""
                UPDATE openai_batch SET cancelling_at = :now
                WHERE batch_id = :batch AND cancelling_at IS NULL AND expired_at IS NULL
                """)
                        .param("batch", batchId)
                        .param("now", Timestamp.from(now))
                        .update()
                == 1;
    }

    /** Batches past their window that the expirer has not closed, and not cancelling, oldest first. */
    List<Long> findExpiring(Instant now, int limit) {
        // Index: openai_batch_open_idx (expires_at) over the batches whose window is open.
        return jdbc.sql("""
                SELECT batch_id FROM openai_batch
                WHERE expires_at <= :now AND NOT window_closed AND cancelling_at IS NULL
                ORDER BY expires_at LIMIT :limit
                """)
                .param("now", Timestamp.from(now))
                .param("limit", limit)
                .query(Long.class)
                .list();
    }

    /** Cancelled batches that may still have unsent jobs, the longest cancelling first. */
    List<Long> findCancelling(int limit) {
        // Index: openai_batch_cancelling_idx over the cancelled batches not yet finished.
        return jdbc.sql("""
                SELECT batch_id FROM openai_batch
                WHERE cancelling_at IS NOT NULL AND NOT cancel_finished
                ORDER BY cancelling_at LIMIT :limit
                """).param("limit", limit).query(Long.class).list();
    }

    void finishCancel(long batchId) {
        jdbc.sql("UPDATE openai_batch SET cancel_finished = true WHERE batch_id = :batch")
                .param("batch", batchId)
                .update();
    }

    /** Closes the batch's window: expired at {@code now} when {@code expired}, else only closed. */
    void closeWindow(long batchId, boolean expired, Instant now) {
        jdbc.sql("""
                UPDATE openai_batch SET window_closed = true,
                       expired_at = CASE WHEN :expired THEN CAST(:now AS timestamptz) END
                WHERE batch_id = :batch AND NOT window_closed
                """)
                .param("batch", batchId)
                .param("expired", expired)
                .param("now", Timestamp.from(now))
                .update();
    }

    private static Row row(ResultSet rs, int n) throws SQLException {
        return new Row(
                rs.getLong("batch_id"),
                rs.getLong("project_id"),
                rs.getTimestamp("created_at").toInstant(),
                rs.getLong("input_file_id"),
                rs.getString("endpoint"),
                rs.getString("completion_window"),
                rs.getString("metadata"),
                rs.getTimestamp("expires_at").toInstant(),
                instant(rs.getTimestamp("cancelling_at")),
                instant(rs.getTimestamp("expired_at")));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
