package dev.sluice.job;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The statements of {@link JobActions}.
 * A job cancelled here gets its callback outbox row in the same statement, from the trigger in
 * {@code db/migration/V003__callbacks.sql}.
 */
class JobActionsImpl implements JobActions {

    private final JdbcClient jdbc;

    JobActionsImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean cancel(long jobId, Instant now) {
        // Locks the one row by primary key. A claimed job's worker will find its fence gone.
        return jdbc.sql("""
                WITH cancelled AS (
                    UPDATE job
                    SET state = 'cancelled', finished_at = :now, lease_owner = NULL, lease_expires_at = NULL,
                        deferrals = 0
                    WHERE id = :id AND state IN ('queued', 'claimed', 'submit_unknown')
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'cancelled', attempts, 'cancelled by client' FROM cancelled
                """).param("id", jobId).param("now", JobSql.ts(now)).update() == 1;
    }

    @Override
    public boolean retry(long jobId, Instant now) {
        return jdbc.sql("""
                WITH retried AS (
                    UPDATE job
                    SET state = 'queued', attempts = 0, run_after = :now, finished_at = NULL,
                        upstream_session = NULL, upstream_seq_id = NULL, upstream_request_id = NULL,
                        next_poll_at = NULL, poll_errors = 0, send_started_at = NULL, lease_owner = NULL,
                        lease_expires_at = NULL, deferrals = 0
                    WHERE id = :id AND state IN ('failed', 'submit_unknown')
                    RETURNING id)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'queued', 0, 'retried by operator' FROM retried
                """).param("id", jobId).param("now", JobSql.ts(now)).update() == 1;
    }
}
