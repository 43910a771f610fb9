package dev.sluice.job;

import java.time.Instant;
import java.util.Collection;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The statements of {@link JobLeases}.
 * A job a rescue fails (its last attempt) gets its callback outbox row in the same statement, from
 * the trigger in {@code db/migration/V003__callbacks.sql}.
 */
class JobLeasesImpl implements JobLeases {

    private final JdbcClient jdbc;

    JobLeasesImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public int renewLeases(String owner, JobState state, Collection<Fence> fences, Instant until) {
        if (fences.isEmpty()) {
            return 0;
        }
        long[] ids = new long[fences.size()];
        int[] attempts = new int[fences.size()];
        int i = 0;
        for (Fence f : fences) {
            ids[i] = f.jobId();
            attempts[i++] = f.attempt();
        }
        // Locks the listed rows by primary key, SKIP LOCKED: a row another statement holds (its
        // outcome being written now) is left alone rather than waited for, so renewing can never
        // deadlock with an outcome write (waiting, it did: under 256 sends in flight, 19 answered
        // jobs went to submit_unknown, bench --only openai_batch, 2026-12-01); the next renewal, a
        // third of a lease later, takes the row if it is still leased. A row whose fence moved on
        // is left alone.
        return jdbc.sql("""
                UPDATE job j SET lease_expires_at = :until
                FROM (SELECT job.id FROM job
                      JOIN unnest(CAST(:ids AS bigint[]), CAST(:attempts AS int[])) AS f(id, attempt)
                        ON job.id = f.id AND job.attempts = f.attempt
                      WHERE job.lease_owner = :owner AND job.state = :state AND job.lease_expires_at < :until
                      ORDER BY job.id FOR UPDATE OF job SKIP LOCKED) AS due
                WHERE j.id = due.id
                """)
                .param("state", state.wireName())
                .param("until", JobSql.ts(until))
                .param("ids", ids)
                .param("attempts", attempts)
                .param("owner", owner)
                .update();
    }

    @Override
    public int rescueExpiredClaims(Instant now, Instant ownersDeadBefore, int limit) {
        // Locks: the expired rows it returns, SKIP LOCKED (a worker writing its outcome right now
        // holds its row; the next pass sees what it wrote). Index: job_lease_idx, oldest expiry first;
        // the claims of a dead instance (few: its in-flight work) come from the same index.
        // The attempt stays used: the job may have reached the upstream before its worker died. A
        // job whose request went to an upstream without idempotency goes to submit_unknown.
        return jdbc.sql("""
                WITH expired AS (
                    SELECT id, lease_owner, lease_expires_at < :now AS timed_out FROM job
                    WHERE state = 'claimed'
                      AND (lease_expires_at < :now
                           OR lease_owner IN (SELECT id FROM node WHERE heartbeat_at < :deadBefore))
                    ORDER BY lease_expires_at
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED),
                rescued AS (
                    UPDATE job j
                    SET state = CASE WHEN j.send_started_at IS NOT NULL THEN 'submit_unknown'
                                     WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
                        finished_at = CASE WHEN j.send_started_at IS NULL AND j.attempts >= j.max_attempts
                                           THEN CAST(:now AS timestamptz) END,
                        error = CASE WHEN j.send_started_at IS NOT NULL
                                     THEN 'lease of ' || expired.lease_owner || ' expired after the request was sent to '
                                          || j.upstream || ', which cannot recognise a re-send: it may have been served;'
                                          || ' retry or cancel the job'
                                     WHEN j.attempts >= j.max_attempts
                                     THEN 'lease of ' || expired.lease_owner || ' expired on the last attempt'
                                     ELSE j.error END,
                        run_after = :now, lease_owner = NULL, lease_expires_at = NULL, deferrals = 0
                    FROM expired WHERE j.id = expired.id
                    RETURNING j.id, j.state, j.attempts, expired.lease_owner, expired.timed_out)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', state, attempts, 'lease of ' || lease_owner
                       || CASE WHEN timed_out THEN ' expired' ELSE ' ended: its instance stopped heartbeating' END
                FROM rescued
                """)
                .param("now", JobSql.ts(now))
                .param("deadBefore", JobSql.ts(ownersDeadBefore))
                .param("limit", limit)
                .update();
    }

    @Override
    public int releaseLeases(String owner, Instant now) {
        // Locks the owner's rows (few: its in-flight work); served by job_lease_idx's predicate.
        return jdbc.sql("""
                WITH held AS (
                    SELECT id, state FROM job
                    WHERE lease_owner = :owner AND state IN ('claimed', 'submitted')
                    FOR UPDATE),
                released AS (
                    UPDATE job j
                    SET state = CASE WHEN held.state <> 'claimed' THEN j.state
                                     WHEN j.send_started_at IS NOT NULL THEN 'submit_unknown' ELSE 'queued' END,
                        run_after = CASE WHEN held.state = 'claimed' THEN CAST(:now AS timestamptz) ELSE j.run_after END,
                        lease_owner = NULL, lease_expires_at = NULL, deferrals = 0
                    FROM held WHERE j.id = held.id
                    RETURNING j.id, j.state, j.attempts, held.state AS was),
                history AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                    SELECT id, :now, 'queue', state, attempts, 'handed back by ' || :owner || ' at shutdown'
                    FROM released WHERE was = 'claimed')
                SELECT count(*) FROM released
                """)
                .param("owner", owner)
                .param("now", JobSql.ts(now))
                .query(Integer.class)
                .single();
    }
}
