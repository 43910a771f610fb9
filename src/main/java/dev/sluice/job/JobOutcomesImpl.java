package dev.sluice.job;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The statements of {@link JobOutcomes}.
 * A job finished here gets its callback outbox row in the same statement, from the trigger in
 * {@code db/migration/V003__callbacks.sql}.
 */
class JobOutcomesImpl implements JobOutcomes {

    private final JdbcClient jdbc;

    JobOutcomesImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public boolean markSending(Fence fence, Instant now) {
        // Locks the one row by primary key; fenced like every write after the claim.
        return JobSql.fenced(
                fence,
                "send start",
                jdbc.sql("""
                UPDATE job SET send_started_at = :now
                WHERE id = :id AND state = 'claimed' AND lease_owner = :owner AND attempts = :attempt
                """)
                        .param("now", JobSql.ts(now))
                        .param("id", fence.jobId())
                        .param("owner", fence.leaseOwner())
                        .param("attempt", fence.attempt())
                        .update());
    }

    @Override
    public java.util.Map<Long, Integer> markSucceededAll(List<Success> outcomes) {
        int n = outcomes.size();
        long[] ids = new long[n];
        String[] owners = new String[n];
        int[] attempts = new int[n];
        String[] results = new String[n];
        String[] submitted = new String[n];
        String[] nows = new String[n];
        for (int i = 0; i < n; i++) {
            Success s = outcomes.get(i);
            ids[i] = s.fence().jobId();
            owners[i] = s.fence().leaseOwner();
            attempts[i] = s.fence().attempt();
            results[i] = s.resultJson();
            submitted[i] = s.submittedAt() == null ? null : s.submittedAt().toString();
            nows[i] = s.now().toString();
        }
        // Locks the listed rows by primary key, in whatever order the join reads them; no other
        // statement waits for a set of these rows while holding one (the lease renewer skips rows
        // held here, the rescuer and the claim skip locked rows, the rest lock one row each), so
        // the order cannot deadlock. (Locking them in id order first, SELECT ... ORDER BY id FOR
        // UPDATE, cost 2.6 x the drain rate: bench --only drain, 2026-12-01.) Each fenced as in
        // markSucceeded, and as there no history row is written; the callback trigger
        // (V003__callbacks.sql) fires for each here.
        // tokens_used: what the answer says (job_tokens_used, V012); each row returns it less the
        // token_count the limiter reserved, to correct the limiter by.
        java.util.Map<Long, Integer> moved = new java.util.HashMap<>();
        jdbc.sql("""
                WITH o AS (
                    -- Each answer parsed once, for the column and for its usage.
                    SELECT id, owner, attempt, CAST(result AS jsonb) AS result, submitted_at, now
                    FROM unnest(CAST(:ids AS bigint[]), CAST(:owners AS text[]), CAST(:attempts AS int[]),
                                CAST(:results AS text[]), CAST(:submitted AS timestamptz[]),
                                CAST(:nows AS timestamptz[]))
                         AS o(id, owner, attempt, result, submitted_at, now)
                    ORDER BY id),
                moved AS (
                    UPDATE job j
                    SET state = 'succeeded', lease_owner = NULL, lease_expires_at = NULL, deferrals = 0,
                        result = o.result, error = NULL, finished_at = o.now,
                        submitted_at = coalesce(o.submitted_at, j.submitted_at), next_poll_at = NULL,
                        tokens_used = job_tokens_used(o.result, j.payload)
                    FROM o
                    WHERE j.id = o.id AND j.state IN ('claimed', 'submitted') AND j.lease_owner = o.owner
                      AND j.attempts = o.attempt
                    RETURNING j.id, coalesce(j.tokens_used - j.token_count, 0) AS surplus)
                SELECT id, surplus FROM moved
                """)
                .param("ids", ids)
                .param("owners", owners)
                .param("attempts", attempts)
                .param("results", results)
                .param("submitted", submitted)
                .param("nows", nows)
                .query(rs -> {
                    moved.put(rs.getLong("id"), rs.getInt("surplus"));
                });
        for (Success s : outcomes) {
            if (!moved.containsKey(s.fence().jobId())) {
                JobSql.fenced(s.fence(), "write to succeeded", 0);
            }
        }
        return moved;
    }

    @Override
    public boolean markSubmitted(
            Fence fence, String requestId, String session, Instant submittedAt, Instant nextPollAt, Instant now) {
        // Locks the one row by primary key; fenced by lease owner and attempt. claimed -> submitted.
        // The upstream's first forecast is taken afresh from the polls of this request.
        int moved = jdbc.sql("""
                WITH moved AS (
                    UPDATE job
                    SET state = 'submitted', lease_owner = NULL, lease_expires_at = NULL, deferrals = 0,
                        upstream_request_id = :requestId, upstream_session = :session, submitted_at = :submittedAt,
                        next_poll_at = :nextPollAt, poll_errors = 0, submit_estimate_at = NULL,
                        submit_queue_position = NULL, submit_estimated_wait_s = NULL
                    WHERE id = :id AND state = 'claimed' AND lease_owner = :owner AND attempts = :attempt
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'submitted', attempts, 'upstream request id ' || :requestId FROM moved
                """)
                .param("requestId", requestId)
                .param("session", session)
                .param("submittedAt", JobSql.ts(submittedAt))
                .param("nextPollAt", JobSql.ts(nextPollAt))
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("now", JobSql.ts(now))
                .update();
        return JobSql.fenced(fence, "write to submitted", moved);
    }

    @Override
    public boolean markSucceeded(Fence fence, String resultJson, Instant submittedAt, Instant now) {
        // Locks the one row by primary key; fenced by lease owner and attempt. claimed or
        // submitted -> succeeded; its history row is the job row's finished_at (job_history, V018).
        // The trigger of V003__callbacks.sql writes the job's callback
        // outbox row in this same statement, when it has a callback_url. The answer is parsed once,
        // in o: job_tokens_used is inlined (V017), so a cast parameter passed to it (or a CTE the
        // planner inlined) would be parsed again at each of its four uses.
        int moved = jdbc.sql("""
                WITH o AS MATERIALIZED (SELECT CAST(:result AS jsonb) AS result)
                UPDATE job
                SET state = 'succeeded', lease_owner = NULL, lease_expires_at = NULL, deferrals = 0,
                    result = o.result, error = NULL, finished_at = :now, next_poll_at = NULL,
                    submitted_at = coalesce(CAST(:submittedAt AS timestamptz), submitted_at),
                    tokens_used = job_tokens_used(o.result, payload)
                FROM o
                WHERE id = :id AND state IN ('claimed', 'submitted') AND lease_owner = :owner
                  AND attempts = :attempt
                """)
                .param("result", resultJson)
                .param("submittedAt", JobSql.ts(submittedAt))
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("now", JobSql.ts(now))
                .update();
        return JobSql.fenced(fence, "write to succeeded", moved);
    }

    @Override
    public boolean markFailed(Fence fence, String error, Instant now) {
        // Locks the one row by primary key; fenced by lease owner and attempt. claimed or
        // submitted -> failed. The callback trigger (V003__callbacks.sql) fires here too.
        int moved = jdbc.sql("""
                WITH moved AS (
                    UPDATE job
                    SET state = 'failed', lease_owner = NULL, lease_expires_at = NULL, deferrals = 0,
                        error = :error, finished_at = :now, next_poll_at = NULL
                    WHERE id = :id AND state IN ('claimed', 'submitted') AND lease_owner = :owner
                      AND attempts = :attempt
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'failed', attempts, :error FROM moved
                """)
                .param("error", error)
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("now", JobSql.ts(now))
                .update();
        return JobSql.fenced(fence, "write to failed", moved);
    }
}
