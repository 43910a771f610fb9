package dev.sluice.job;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.OptionalLong;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** The statements of {@link JobIntake}. */
class JobIntakeImpl implements JobIntake {

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    JobIntakeImpl(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    @Override
    public long reserveTurns(Owner owner, String upstream, Priority priority, long count, Instant now) {
        // Locks: the lane's fair_lane row (project, upstream, priority), from the upsert to this
        // statement's commit; other projects' lanes are not touched. The head of the shared queue
        // is the first entry of job_claim_idx for (upstream, priority), or with none queued the
        // last turn given in any lane there (fair_lane_queue_idx); a job waiting out a backoff
        // (run_after later) is not the head, so it cannot hold the head back while it waits. set_config(..., true)
        // makes this
        // one transaction commit without waiting for the WAL flush, so the lock is held for
        // microseconds: a turn lost in a crash costs nothing, and the job that uses it commits
        // (and flushes the WAL up to and past this commit) before anyone can see it.
        if (TransactionSynchronizationManager.isActualTransactionActive()) {
            // Its asynchronous commit would be the caller's transaction's, and could lose a job.
            throw new IllegalStateException("turns are reserved outside any transaction");
        }
        long span = count * owner.stride();
        return jdbc.sql("""
                WITH async AS (SELECT set_config('synchronous_commit', 'off', true)),
                head AS (
                    SELECT coalesce(
                        (SELECT fair_tag FROM job WHERE state = 'queued' AND upstream = :upstream
                                                    AND priority = :priority AND run_after <= :now
                         ORDER BY fair_tag LIMIT 1),
                        (SELECT max(next_tag) FROM fair_lane WHERE upstream = :upstream AND priority = :priority),
                        0) AS tag
                    FROM async)
                INSERT INTO fair_lane AS l (project_id, upstream, priority, next_tag)
                SELECT :project, :upstream, :priority, head.tag + :span FROM head
                ON CONFLICT (project_id, upstream, priority)
                DO UPDATE SET next_tag = greatest(l.next_tag, EXCLUDED.next_tag - :span) + :span
                RETURNING next_tag - :span
                """)
                .param("project", owner.projectId())
                .param("upstream", upstream)
                .param("priority", priority.rank())
                .param("span", span)
                .param("now", JobSql.ts(now))
                .query(Long.class)
                .single();
    }

    @Override
    public void releaseTurns(Owner owner, String upstream, Priority priority, long first, long count) {
        // Locks the lane's row for this statement; a no-op when later turns were given since.
        jdbc.sql("""
                UPDATE fair_lane SET next_tag = :first
                WHERE project_id = :project AND upstream = :upstream AND priority = :priority
                  AND next_tag = :first + :span
                """)
                .param("first", first)
                .param("span", count * owner.stride())
                .param("project", owner.projectId())
                .param("upstream", upstream)
                .param("priority", priority.rank())
                .update();
    }

    @Override
    public void lockProjectQueue(long projectId) {
        // A transaction-scoped advisory lock in Sluice's namespace (0x534C, "SL"): no table row.
        jdbc.sql("SELECT pg_advisory_xact_lock(21324, CAST(:project AS integer))")
                .param("project", projectId)
                .query((rs, n) -> 1)
                .single();
    }

    @Override
    public long countQueuedInProject(long projectId, long cap) {
        // Index: job_project_queued_idx (project_id, priority) WHERE state = 'queued'; at most
        // `cap` entries read. Locks nothing.
        return jdbc.sql("""
                SELECT count(*) FROM (
                    SELECT 1 FROM job WHERE state = 'queued' AND project_id = :project LIMIT :cap) queued
                """)
                .param("project", projectId)
                .param("cap", cap)
                .query(Long.class)
                .single();
    }

    @Override
    public OptionalLong insert(NewJob job, Owner owner, long fairTag, Instant now) {
        // ON CONFLICT waits for a concurrent insert of the same key in the same project to commit,
        // then does nothing: two racing requests with one key make exactly one job.
        List<Long> ids = jdbc.sql("""
                WITH ins AS (
                    INSERT INTO job (upstream, endpoint, payload, token_count, priority, state,
                                     idempotency_key, callback_url, max_attempts, run_after, created_at,
                                     project_id, api_key_id, fair_tag, model, token_estimated)
                    VALUES (:upstream, :endpoint, CAST(:payload AS jsonb), :tokenCount, :priority, 'queued',
                            :idempotencyKey, :callbackUrl, :maxAttempts, :now, :now, :project, :apiKey, :fairTag,
                            :model, :tokenEstimated)
                    ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING id)
                SELECT id FROM ins
                """)
                .param("upstream", job.upstream())
                .param("endpoint", job.endpoint())
                .param("payload", job.payloadJson())
                .param("tokenCount", job.tokenCount())
                .param("priority", job.priority().rank())
                .param("idempotencyKey", job.idempotencyKey())
                .param("callbackUrl", job.callbackUrl())
                .param("maxAttempts", job.maxAttempts())
                .param("now", JobSql.ts(now))
                .param("project", owner.projectId())
                .param("apiKey", owner.apiKeyId(), java.sql.Types.BIGINT)
                .param("fairTag", fairTag)
                .param("model", job.model())
                .param("tokenEstimated", job.tokenEstimated())
                .query(Long.class)
                .list();
        return ids.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ids.getFirst());
    }

    @Override
    public long copyIn(long batchId, InputStream encodedRows) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        long rows;
        try {
            rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("""
                    COPY job (fair_tag, batch_id, custom_id, upstream, endpoint, payload, token_count,
                              priority, state, callback_url, max_attempts, run_after, created_at,
                              project_id, api_key_id, model, token_estimated)
                    FROM STDIN (FORMAT text)""", encodedRows, 1 << 16);
        } catch (SQLException | IOException e) {
            throw new DataAccessResourceFailureException("COPY of batch " + batchId + " into job failed", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
        return rows;
    }
}
