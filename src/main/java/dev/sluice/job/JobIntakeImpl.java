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

/** The statements of {@link JobIntake}. */
class JobIntakeImpl implements JobIntake {

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    JobIntakeImpl(JdbcClient jdbc, DataSource dataSource) {
        this.jdbc = jdbc;
        this.dataSource = dataSource;
    }

    @Override
    public OptionalLong insert(NewJob job, Instant now) {
        // ON CONFLICT waits for a concurrent insert of the same key to commit, then does nothing:
        // two racing requests with one key make exactly one job.
        List<Long> ids = jdbc.sql("""
                WITH ins AS (
                    INSERT INTO job (upstream, endpoint, payload, token_count, priority, state,
                                     idempotency_key, callback_url, max_attempts, run_after, created_at)
                    VALUES (:upstream, :endpoint, CAST(:payload AS jsonb), :tokenCount, :priority, 'queued',
                            :idempotencyKey, :callbackUrl, :maxAttempts, :now, :now)
                    ON CONFLICT (idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
                    RETURNING id),
                history AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                    SELECT id, :now, 'queue', 'queued', 0 FROM ins)
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
                .query(Long.class)
                .list();
        return ids.isEmpty() ? OptionalLong.empty() : OptionalLong.of(ids.getFirst());
    }

    @Override
    public long copyIn(long batchId, InputStream encodedRows, Instant now) {
        Connection connection = DataSourceUtils.getConnection(dataSource);
        long rows;
        try {
            rows = connection.unwrap(PGConnection.class).getCopyAPI().copyIn("""
                    COPY job (batch_id, custom_id, upstream, endpoint, payload, token_count, priority,
                              state, callback_url, max_attempts, run_after, created_at)
                    FROM STDIN (FORMAT text)""", encodedRows, 1 << 16);
        } catch (SQLException | IOException e) {
            throw new DataAccessResourceFailureException("COPY of batch " + batchId + " into job failed", e);
        } finally {
            DataSourceUtils.releaseConnection(connection, dataSource);
        }
        // Reads the batch's new rows through job_batch_idx.
        jdbc.sql("""
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                SELECT id, :now, 'queue', 'queued', 0 FROM job WHERE batch_id = :batchId
                """).param("now", JobSql.ts(now)).param("batchId", batchId).update();
        return rows;
    }
}
