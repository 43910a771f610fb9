package dev.sluice.job;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The statements of {@link JobReads}. */
class JobReadsImpl implements JobReads {

    private final JdbcClient jdbc;

    JobReadsImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public Optional<LastSnapshot> lastUpstreamSnapshot(long jobId, Instant since) {
        // Index: job_status_history_job_idx (job_id, id) of the partitions from `since` on, read
        // backwards to the newest upstream row.
        return jdbc.sql("""
                SELECT observed_at, http_status, status, queue_state, queue_state_reason, queue_position,
                       queue_depth, estimated_wait_s, progress::text AS progress, retry_after_s
                FROM job_status_history
                WHERE job_id = :id AND source = 'upstream' AND http_status IN (200, 408)
                  AND observed_at >= :since
                ORDER BY id DESC LIMIT 1
                """)
                .param("id", jobId)
                .param("since", JobSql.ts(since))
                .query((rs, n) -> new LastSnapshot(
                        rs.getObject("observed_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("http_status", Integer.class),
                        new QueueFields(
                                rs.getString("status"),
                                rs.getString("queue_state"),
                                rs.getString("queue_state_reason"),
                                rs.getObject("queue_position", Integer.class),
                                rs.getObject("queue_depth", Integer.class),
                                rs.getObject("estimated_wait_s", Double.class),
                                rs.getString("progress"),
                                rs.getObject("retry_after_s", Double.class))))
                .optional();
    }

    @Override
    public List<FinishedJob> findFinishedInBatch(long batchId, long afterId, int limit) {
        return finishedInBatch(batchId, List.of("succeeded", "failed", "cancelled"), afterId, limit);
    }

    @Override
    public List<FinishedJob> findFinishedInBatch(long batchId, boolean succeeded, long afterId, int limit) {
        return finishedInBatch(
                batchId, succeeded ? List.of("succeeded") : List.of("failed", "cancelled"), afterId, limit);
    }

    @Override
    public JobState stateOf(long jobId) {
        // Primary key; the state alone, not the payload and result a whole row would carry.
        return jdbc.sql("SELECT state FROM job WHERE id = :id")
                .param("id", jobId)
                .query(String.class)
                .optional()
                .map(JobState::fromWire)
                .orElse(null);
    }

    @Override
    public Instant lastFinishedInBatch(long batchId) {
        // Index: job_batch_idx (batch_id, id): every row of the batch, as its counts read them.
        return jdbc.sql("SELECT max(finished_at) FROM job WHERE batch_id = :batchId")
                .param("batchId", batchId)
                .query(java.sql.Timestamp.class)
                .optional()
                .map(java.sql.Timestamp::toInstant)
                .orElse(null);
    }

    private List<FinishedJob> finishedInBatch(long batchId, List<String> states, long afterId, int limit) {
        // Index: job_batch_idx (batch_id, id), from the cursor on; rows in the given final states.
        return jdbc.sql("""
                SELECT id, custom_id, state, result::text AS result, error FROM job
                WHERE batch_id = :batchId AND id > :after AND state IN (:states)
                ORDER BY id LIMIT :limit
                """)
                .param("states", states)
                .param("batchId", batchId)
                .param("after", afterId)
                .param("limit", limit)
                .query((rs, n) -> new FinishedJob(
                        rs.getLong("id"),
                        rs.getString("custom_id"),
                        JobState.fromWire(rs.getString("state")),
                        rs.getString("result"),
                        rs.getString("error")))
                .list();
    }

    @Override
    public List<Waits> waitsInBatch(long batchId, int limit) {
        // job_batch_idx (batch_id, id) backwards; the waits as job_timeline (V007) defines them.
        return jdbc.sql("""
                SELECT queue_wait_s, upstream_queue_wait_s FROM job_timeline
                WHERE batch_id = :batch AND finished_at IS NOT NULL
                ORDER BY job_id DESC LIMIT :limit
                """)
                .param("batch", batchId)
                .param("limit", limit)
                .query((rs, n) -> new Waits(
                        rs.getObject("queue_wait_s", Double.class),
                        rs.getObject("upstream_queue_wait_s", Double.class)))
                .list();
    }
}
