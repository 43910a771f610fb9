package dev.sluice.job;

import java.time.Instant;
import java.util.Map;
import java.util.stream.Collectors;
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

    /**
     * What an operator's retry sets on a job {@code j}: queued, fresh attempts, nothing of its last
     * request. Its turn: the head of its queue (first in line, as an old job should be, but never
     * behind the head, so a job that failed days ago cannot pull the head of the queue back and let
     * new projects' jobs in ahead of everyone). The head is the first ready entry of
     * job_claim_idx, or with none the last turn given.
     */
    private static final String REQUEUE = """
                    SET state = 'queued', attempts = 0, run_after = :now, finished_at = NULL,
                        fair_tag = greatest(j.fair_tag, coalesce(
                            (SELECT q.fair_tag FROM job q
                             WHERE q.state = 'queued' AND q.upstream = j.upstream AND q.priority = j.priority
                               AND q.run_after <= :now
                             ORDER BY q.fair_tag LIMIT 1),
                            (SELECT max(l.next_tag) FROM fair_lane l
                             WHERE l.upstream = j.upstream AND l.priority = j.priority),
                            0)),
                        upstream_session = NULL, upstream_seq_id = NULL, upstream_request_id = NULL,
                        next_poll_at = NULL, poll_errors = 0, send_started_at = NULL, lease_owner = NULL,
                        lease_expires_at = NULL, deferrals = 0
            """;

    @Override
    public boolean retry(long jobId, Instant now) {
        return jdbc.sql("""
                WITH retried AS (
                    UPDATE job j
                """ + REQUEUE + """
                    WHERE j.id = :id AND j.state IN ('failed', 'submit_unknown')
                    RETURNING j.id, j.attempts, j.batch_id),
                -- Its batch is open again and no longer cancelled (a cancelled batch's tracker
                -- would cancel the job again). JobService.retry locked the batch row first.
                reopened AS (
                    UPDATE batch SET finished_at = NULL, cancelled_at = NULL
                    WHERE id = (SELECT batch_id FROM retried))
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'queued', attempts, 'retried by operator' FROM retried
                """)
                        .param("id", jobId)
                        .param("now", JobSql.ts(now))
                        .update()
                == 1;
    }

    @Override
    public void lockBatchOf(long jobId) {
        // Index: the job's and the batch's primary keys.
        jdbc.sql("SELECT id FROM batch WHERE id = (SELECT batch_id FROM job WHERE id = :id) FOR UPDATE")
                .param("id", jobId)
                .query(Long.class)
                .list();
    }

    @Override
    public int cancelUnsentInBatch(long batchId, String detail, int limit, Instant now) {
        // Index: job_batch_idx (batch_id, id). Rows a claimer or sender holds are skipped (SKIP
        // LOCKED), never waited for: the caller calls again until nothing is left, and a row sent
        // meanwhile is no longer unsent. A claimed job's worker finds its fence gone.
        return jdbc.sql("""
                WITH unsent AS (
                    SELECT id FROM job
                    WHERE batch_id = :batch AND state IN ('queued', 'claimed', 'submit_unknown')
                    ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED),
                cancelled AS (
                    UPDATE job j
                    SET state = 'cancelled', finished_at = :now, error = :detail, lease_owner = NULL,
                        lease_expires_at = NULL, deferrals = 0
                    FROM unsent WHERE j.id = unsent.id
                    RETURNING j.id, j.attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'cancelled', attempts, :detail FROM cancelled
                """)
                .param("batch", batchId)
                .param("detail", detail)
                .param("limit", limit)
                .param("now", JobSql.ts(now))
                .update();
    }

    @Override
    public Map<String, Integer> retryFailedInBatch(long batchId, int limit, Instant now) {
        // Index: job_project_state_idx is not used (the batch is named): job_batch_idx (batch_id,
        // id), its failed rows locked (no worker holds a failed job; SKIP LOCKED only passes over a
        // row another retry of the same batch is taking). Turns as in retry(), per row.
        return jdbc
                .sql("""
                WITH failed AS (
                    SELECT id FROM job
                    WHERE batch_id = :batch AND state = 'failed'
                    ORDER BY id LIMIT :limit FOR UPDATE SKIP LOCKED),
                retried AS (
                    UPDATE job j
                """ + REQUEUE + """
                    FROM failed WHERE j.id = failed.id
                    RETURNING j.id, j.attempts, j.upstream),
                history AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                    SELECT id, :now, 'queue', 'queued', attempts, 'batch retried by operator' FROM retried)
                SELECT upstream, count(*)::int AS n FROM retried GROUP BY upstream
                """)
                .param("batch", batchId)
                .param("limit", limit)
                .param("now", JobSql.ts(now))
                .query((rs, n) -> Map.entry(rs.getString("upstream"), rs.getInt("n")))
                .list()
                .stream()
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
    }

    @Override
    public long countFailedInBatch(long batchId) {
        // Index: job_batch_idx (batch_id, id), each row's state read from the heap.
        return jdbc.sql("SELECT count(*) FROM job WHERE batch_id = :batch AND state = 'failed'")
                .param("batch", batchId)
                .query(Long.class)
                .single();
    }
}
