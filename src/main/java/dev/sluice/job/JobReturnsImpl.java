package dev.sluice.job;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The statements of {@link JobReturns}. */
class JobReturnsImpl implements JobReturns {

    private final JdbcClient jdbc;

    JobReturnsImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean defer(Fence fence, Instant runAfter, String why, Instant now) {
        // Locks the one row by primary key, fenced like every write after the claim. The history
        // row to add to is this job's newest row of our own (job_status_history_job_idx, one
        // probe per partition): after a deferral, every other write of a 'queue' row sets
        // deferrals back to 0, so while it is above 1 that row is the deferral before this one,
        // whose count goes up (with this reason, and this time) instead of a new row going in.
        Integer moved = jdbc.sql("""
                WITH moved AS (
                    UPDATE job
                    SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, run_after = :runAfter,
                        error = :why, upstream_request_id = NULL, next_poll_at = NULL, send_started_at = NULL,
                        attempts = attempts - 1, deferrals = deferrals + 1
                    WHERE id = :id AND state = 'claimed' AND lease_owner = :owner AND attempts = :attempt
                    RETURNING id, attempts, deferrals),
                newest AS (
                    SELECT h.id, h.observed_at, h.state FROM job_status_history h, moved
                    WHERE h.job_id = moved.id AND h.source = 'queue' AND moved.deferrals > 1
                    ORDER BY h.id DESC LIMIT 1),
                bumped AS (
                    UPDATE job_status_history h SET repeats = h.repeats + 1, last_observed_at = :now, detail = :why
                    FROM newest
                    WHERE h.id = newest.id AND h.observed_at = newest.observed_at AND newest.state = 'queued'
                    RETURNING h.id),
                inserted AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                    SELECT id, :now, 'queue', 'queued', attempts, :why FROM moved
                    WHERE NOT EXISTS (SELECT 1 FROM bumped))
                SELECT count(*) FROM moved
                """)
                .param("runAfter", JobSql.ts(runAfter))
                .param("why", why)
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("now", JobSql.ts(now))
                .query(Integer.class)
                .single();
        return JobSql.fenced(fence, "deferral", moved);
    }

    @Override
    public boolean requeue(Fence fence, Instant runAfter, String error, Instant now) {
        // Locks the one row by primary key; fenced by lease owner and attempt. claimed or
        // submitted -> queued. The request's key (session, seq_id) stays, so a re-send is the same
        // request upstream.
        int moved = jdbc.sql("""
                WITH moved AS (
                    UPDATE job
                    SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, deferrals = 0,
                        run_after = :runAfter, error = :error, upstream_request_id = NULL, next_poll_at = NULL,
                        send_started_at = NULL
                    WHERE id = :id AND state IN ('claimed', 'submitted') AND lease_owner = :owner
                      AND attempts = :attempt
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'queued', attempts, :error FROM moved
                """)
                .param("runAfter", JobSql.ts(runAfter))
                .param("error", error)
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("now", JobSql.ts(now))
                .update();
        return JobSql.fenced(fence, "write to queued", moved);
    }

    @Override
    public boolean requeueAsNewRequest(Fence fence, Instant runAfter, String error, Instant now) {
        // As requeue, but the request's key (session, seq_id) is dropped: the next send is a new
        // request upstream.
        int moved = jdbc.sql("""
                WITH moved AS (
                    UPDATE job
                    SET state = 'queued', lease_owner = NULL, lease_expires_at = NULL, deferrals = 0,
                        run_after = :runAfter, error = :error, upstream_request_id = NULL, next_poll_at = NULL,
                        send_started_at = NULL, upstream_session = NULL, upstream_seq_id = NULL
                    WHERE id = :id AND state IN ('claimed', 'submitted') AND lease_owner = :owner
                      AND attempts = :attempt
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'queued', attempts, :error FROM moved
                """)
                .param("runAfter", JobSql.ts(runAfter))
                .param("error", error)
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("now", JobSql.ts(now))
                .update();
        return JobSql.fenced(fence, "write to queued", moved);
    }
}
