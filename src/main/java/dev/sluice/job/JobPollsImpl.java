package dev.sluice.job;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The statements of {@link JobPolls}. */
class JobPollsImpl implements JobPolls {

    private final JdbcClient jdbc;

    JobPollsImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<PolledJob> claimDuePolls(
            String owner, Instant now, Instant leaseUntil, Instant ownersDeadBefore, int limit) {
        // Locks: the due rows it returns, SKIP LOCKED, so pollers on many nodes share the work.
        // Order: next_poll_at. Index: job_poll_idx (next_poll_at) WHERE state = 'submitted'.
        // A row whose poll lease is live is being polled elsewhere and is passed over, unless the
        // instance holding it stopped heartbeating (a hashed subplan over the small node table).
        return jdbc.sql("""
                WITH due AS (
                    SELECT id FROM job
                    WHERE state = 'submitted' AND next_poll_at <= :now
                      AND (lease_expires_at IS NULL OR lease_expires_at < :now
                           OR lease_owner IN (SELECT id FROM node WHERE heartbeat_at < :deadBefore))
                    ORDER BY next_poll_at
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED)
                UPDATE job j SET lease_owner = :owner, lease_expires_at = :leaseUntil, polls = j.polls + 1
                FROM due WHERE j.id = due.id
                RETURNING j.id, j.upstream, j.upstream_request_id, j.attempts, j.max_attempts, j.poll_errors,
                          j.submitted_at, j.started_at IS NOT NULL
                """)
                .param("now", JobSql.ts(now))
                .param("limit", limit)
                .param("owner", owner)
                .param("leaseUntil", JobSql.ts(leaseUntil))
                .param("deadBefore", JobSql.ts(ownersDeadBefore))
                .query((rs, n) -> new PolledJob(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        rs.getInt(5),
                        rs.getInt(6),
                        owner,
                        rs.getTimestamp(7) == null ? null : rs.getTimestamp(7).toInstant(),
                        rs.getBoolean(8)))
                .list();
    }

    @Override
    public boolean recordPoll(Fence fence, UpstreamObservation s, Instant nextPollAt, Instant now) {
        // Locks the one row by primary key; fenced by the poll lease. Nullable parameters are cast:
        // in a SELECT list PostgreSQL cannot infer their types.
        int written = jdbc.sql("""
                WITH polled AS (
                    UPDATE job
                    SET next_poll_at = :nextPollAt, poll_errors = 0, lease_owner = NULL, lease_expires_at = NULL,
                        started_at = CASE WHEN :running THEN coalesce(started_at, :now) ELSE started_at END,
                        -- The upstream's forecast, from the first snapshot after the send that gives one.
                        submit_estimate_at = CASE WHEN submit_estimate_at IS NULL
                                                   AND (CAST(:queuePosition AS integer) IS NOT NULL
                                                        OR CAST(:estimatedWaitS AS double precision) IS NOT NULL)
                                                  THEN CAST(:now AS timestamptz) ELSE submit_estimate_at END,
                        submit_queue_position = CASE WHEN submit_estimate_at IS NULL
                                                     THEN CAST(:queuePosition AS integer) ELSE submit_queue_position END,
                        submit_estimated_wait_s = CASE WHEN submit_estimate_at IS NULL
                                                       THEN CAST(:estimatedWaitS AS double precision)
                                                       ELSE submit_estimated_wait_s END
                    WHERE id = :id AND state = 'submitted' AND lease_owner = :owner AND attempts = :attempt
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, http_status, status,
                    queue_state, queue_state_reason, queue_position, queue_depth, estimated_wait_s, progress,
                    retry_after_s, headers)
                SELECT id, :now, 'upstream', 'submitted', attempts, CAST(:httpStatus AS integer),
                    CAST(:status AS text), CAST(:queueState AS text), CAST(:queueStateReason AS text),
                    CAST(:queuePosition AS integer), CAST(:queueDepth AS integer),
                    CAST(:estimatedWaitS AS double precision), CAST(:progress AS jsonb),
                    CAST(:retryAfterS AS double precision), CAST(:headers AS jsonb)
                FROM polled
                """)
                .param("nextPollAt", JobSql.ts(nextPollAt))
                .param("running", s.showsRunning())
                .param("now", JobSql.ts(now))
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("httpStatus", s.httpStatus())
                .param("status", s.queue().status())
                .param("queueState", s.queue().queueState())
                .param("queueStateReason", s.queue().queueStateReason())
                .param("queuePosition", s.queue().queuePosition())
                .param("queueDepth", s.queue().queueDepth())
                .param("estimatedWaitS", s.queue().estimatedWaitS())
                .param("progress", s.queue().progressJson())
                .param("retryAfterS", s.queue().retryAfterS())
                .param("headers", s.headersJson())
                .update();
        return JobSql.fenced(fence, "poll snapshot", written);
    }

    @Override
    public void recordObservation(long jobId, int attempt, UpstreamObservation s, Instant now) {
        jdbc.sql("""
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, http_status, status,
                    queue_state, queue_position, queue_depth, estimated_wait_s, retry_after_s, headers)
                SELECT id, :now, 'upstream', state, :attempt, :httpStatus, :status, :queueState, :queuePosition,
                    :queueDepth, :estimatedWaitS, :retryAfterS, CAST(:headers AS jsonb)
                FROM job WHERE id = :id
                """)
                .param("now", JobSql.ts(now))
                .param("attempt", attempt)
                .param("httpStatus", s.httpStatus())
                .param("status", s.queue().status(), java.sql.Types.VARCHAR)
                .param("queueState", s.queue().queueState(), java.sql.Types.VARCHAR)
                .param("queuePosition", s.queue().queuePosition(), java.sql.Types.INTEGER)
                .param("queueDepth", s.queue().queueDepth(), java.sql.Types.INTEGER)
                .param("estimatedWaitS", s.queue().estimatedWaitS(), java.sql.Types.DOUBLE)
                .param("retryAfterS", s.queue().retryAfterS(), java.sql.Types.DOUBLE)
                .param("headers", s.headersJson())
                .param("id", jobId)
                .update();
    }

    @Override
    public boolean recordPollError(Fence fence, Integer httpStatus, String error, Instant nextPollAt, Instant now) {
        int written = jdbc.sql("""
                WITH polled AS (
                    UPDATE job
                    SET next_poll_at = :nextPollAt, poll_errors = poll_errors + 1, lease_owner = NULL,
                        lease_expires_at = NULL
                    WHERE id = :id AND state = 'submitted' AND lease_owner = :owner AND attempts = :attempt
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, http_status, detail)
                SELECT id, :now, 'upstream', 'submitted', attempts, CAST(:httpStatus AS integer), :detail
                FROM polled
                """)
                .param("nextPollAt", JobSql.ts(nextPollAt))
                .param("now", JobSql.ts(now))
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("httpStatus", httpStatus)
                .param("detail", error)
                .update();
        return JobSql.fenced(fence, "poll error", written);
    }
}
