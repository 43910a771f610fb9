package dev.sluice.job;

import java.time.Instant;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The statements of {@link JobClaims}. */
class JobClaimsImpl implements JobClaims {

    private final JdbcClient jdbc;

    JobClaimsImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<ClaimedJob> claimNextBatch(
            String upstream,
            List<String> skipModels,
            String onlyModel,
            int limit,
            String owner,
            Instant now,
            Instant leaseUntil) {
        // Locks: the rows it returns, and only those (SKIP LOCKED passes over rows another claimer
        // holds, so claimers never wait on each other). Order: priority, then the job's turn
        // (fair_tag: projects take turns by weight, each first-in-first-out; V011), then id.
        // Index: job_claim_idx (upstream, priority, fair_tag, id) WHERE state = 'queued', read in order and
        // stopped after `limit` rows; run_after is filtered on the heap row. Under READ COMMITTED
        // a row another transaction claimed and committed is re-checked and skipped, and `first`
        // (no claim before this one: first_claim) is read from the row as locked.
        // The request's seq_id is drawn here, so it is committed before anything is sent and any
        // re-send of the same request (timeout, crash, 410) re-uses it. Models to pass over are
        // filtered on the heap row as the index is read (only when there are any: the usual
        // statement is unchanged); their jobs keep their places.
        String skip = onlyModel != null
                ? "AND model = :only"
                : skipModels.isEmpty() ? "" : "AND (model IS NULL OR model <> ALL(CAST(:skip AS text[])))";
        JdbcClient.StatementSpec claim = jdbc.sql("""
                WITH next AS (
                    SELECT id, claimed_at IS NULL AS first FROM job
                    WHERE state = 'queued' AND upstream = :upstream AND run_after <= :now %s
                    ORDER BY priority, fair_tag, id
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE job j
                    SET state = 'claimed', attempts = j.attempts + 1, lease_owner = :owner,
                        lease_expires_at = :leaseUntil, claimed_at = coalesce(j.claimed_at, :now),
                        upstream_seq_id = coalesce(j.upstream_seq_id, nextval('upstream_seq_id'))
                    FROM next WHERE j.id = next.id
                    RETURNING j.id, j.upstream, j.endpoint, j.payload::text AS payload, j.token_count,
                              j.priority, j.attempts, j.max_attempts, j.idempotency_key,
                              j.upstream_session, j.upstream_seq_id, j.created_at,
                              next.first AS first_claim, j.deferrals,
                              j.fair_tag, j.model),
                -- A job claimed again after a "not now" adds no row: its deferral row counts the tries.
                -- Nor does a job's first claim, attempt 1: its claimed_at is that row (job_history, V018).
                history AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                    SELECT id, :now, 'queue', 'claimed', attempts FROM claimed
                    WHERE deferrals = 0 AND NOT (first_claim AND attempts = 1))
                -- UPDATE ... RETURNING does not keep the CTE's order: sent in claim order.
                SELECT * FROM claimed ORDER BY priority, fair_tag, id
                """.formatted(skip))
                .param("upstream", upstream)
                .param("limit", limit)
                .param("owner", owner)
                .param("now", JobSql.ts(now))
                .param("leaseUntil", JobSql.ts(leaseUntil));
        if (onlyModel != null) {
            claim = claim.param("only", onlyModel);
        } else if (!skipModels.isEmpty()) {
            claim = claim.param("skip", skipModels.toArray(String[]::new));
        }
        return claim.query((rs, n) -> new ClaimedJob(
                        rs.getLong("id"),
                        rs.getString("upstream"),
                        rs.getString("endpoint"),
                        rs.getString("payload"),
                        rs.getInt("token_count"),
                        Priority.ofRank(rs.getShort("priority")),
                        rs.getInt("attempts"),
                        rs.getInt("max_attempts"),
                        rs.getString("idempotency_key"),
                        rs.getString("upstream_session"),
                        rs.getObject("upstream_seq_id", Long.class),
                        owner,
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getBoolean("first_claim"),
                        rs.getInt("deferrals"),
                        rs.getString("model")))
                .list();
    }

    @Override
    public boolean hasClaimable(String upstream, Instant now) {
        // Reads the first entry of job_claim_idx for this upstream; locks nothing.
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM job
                               WHERE state = 'queued' AND upstream = :upstream AND run_after <= :now)
                """)
                .param("upstream", upstream)
                .param("now", JobSql.ts(now))
                .query(Boolean.class)
                .single();
    }
}
