package dev.sluice.job;

import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.postgresql.PGConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.datasource.DataSourceUtils;

/**
 * The native statements behind {@link JobRepository}. Each state change is one statement: a
 * data-modifying CTE that updates {@code job} and inserts the matching {@code job_status_history}
 * row, so the two can never disagree and each write is one round trip.
 */
class JobCommandsImpl implements JobCommands {

    private static final Logger log = LoggerFactory.getLogger(JobCommandsImpl.class);

    private final JdbcClient jdbc;
    private final DataSource dataSource;

    JobCommandsImpl(JdbcClient jdbc, DataSource dataSource) {
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
                    ON CONFLICT (idempotency_key) DO NOTHING
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
                .param("now", ts(now))
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
                """).param("now", ts(now)).param("batchId", batchId).update();
        return rows;
    }

    @Override
    public List<ClaimedJob> claimNextBatch(String upstream, int limit, String owner, Instant now, Instant leaseUntil) {
        // Locks: the rows it returns, and only those (SKIP LOCKED passes over rows another claimer
        // holds, so claimers never wait on each other). Order: priority, then id (FIFO).
        // Index: job_claim_idx (upstream, priority, id) WHERE state = 'queued', read in order and
        // stopped after `limit` rows; run_after is filtered on the heap row. Under READ COMMITTED
        // a row another transaction claimed and committed is re-checked and skipped.
        List<ClaimedJob> claimed = new ArrayList<>(jdbc.sql("""
                WITH next AS (
                    SELECT id FROM job
                    WHERE state = 'queued' AND upstream = :upstream AND run_after <= :now
                    ORDER BY priority, id
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED),
                claimed AS (
                    UPDATE job j
                    SET state = 'claimed', attempts = j.attempts + 1, lease_owner = :owner,
                        lease_expires_at = :leaseUntil, claimed_at = coalesce(j.claimed_at, :now)
                    FROM next WHERE j.id = next.id
                    RETURNING j.id, j.upstream, j.endpoint, j.payload::text AS payload, j.token_count,
                              j.priority, j.attempts, j.max_attempts, j.idempotency_key),
                history AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                    SELECT id, :now, 'queue', 'claimed', attempts FROM claimed)
                SELECT * FROM claimed
                """)
                .param("upstream", upstream)
                .param("limit", limit)
                .param("owner", owner)
                .param("now", ts(now))
                .param("leaseUntil", ts(leaseUntil))
                .query((rs, n) -> new ClaimedJob(
                        rs.getLong("id"),
                        rs.getString("upstream"),
                        rs.getString("endpoint"),
                        rs.getString("payload"),
                        rs.getInt("token_count"),
                        Priority.ofRank(rs.getShort("priority")),
                        rs.getInt("attempts"),
                        rs.getInt("max_attempts"),
                        rs.getString("idempotency_key"),
                        owner))
                .list());
        // UPDATE ... RETURNING does not keep the CTE's order.
        claimed.sort(Comparator.comparing(ClaimedJob::priority).thenComparingLong(ClaimedJob::id));
        return claimed;
    }

    @Override
    public boolean hasClaimable(String upstream, Instant now) {
        // Reads the first entry of job_claim_idx for this upstream; locks nothing.
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM job
                               WHERE state = 'queued' AND upstream = :upstream AND run_after <= :now)
                """)
                .param("upstream", upstream)
                .param("now", ts(now))
                .query(Boolean.class)
                .single();
    }

    @Override
    public boolean markSucceeded(Fence fence, String resultJson, Instant submittedAt, Instant now) {
        return moveFenced(
                fence,
                JobState.SUCCEEDED,
                """
                result = CAST(:result AS jsonb), error = NULL, finished_at = :now,
                submitted_at = :submittedAt""",
                Map.of("result", resultJson, "submittedAt", ts(submittedAt)),
                null,
                now);
    }

    @Override
    public boolean markSubmitted(Fence fence, String requestId, Instant submittedAt, Instant nextPollAt, Instant now) {
        return moveFenced(
                fence,
                JobState.SUBMITTED,
                """
                upstream_request_id = :requestId, submitted_at = :submittedAt, next_poll_at = :nextPollAt""",
                Map.of("requestId", requestId, "submittedAt", ts(submittedAt), "nextPollAt", ts(nextPollAt)),
                "upstream request id " + requestId,
                now);
    }

    @Override
    public boolean markFailed(Fence fence, String error, Instant now) {
        return moveFenced(
                fence, JobState.FAILED, "error = :error, finished_at = :now", Map.of("error", error), error, now);
    }

    @Override
    public boolean requeue(Fence fence, Instant runAfter, boolean countAttempt, String error, Instant now) {
        String attempts = countAttempt ? "" : ", attempts = attempts - 1";
        return moveFenced(
                fence,
                JobState.QUEUED,
                "run_after = :runAfter, error = :error" + attempts,
                Map.of("runAfter", ts(runAfter), "error", error),
                error,
                now);
    }

    /**
     * Moves a job this node holds to {@code target}, fenced by lease owner and attempt, and appends
     * the history row. Locks the one row by primary key. A fence that no longer matches (the job
     * was cancelled, rescued or re-claimed meanwhile) changes nothing and is logged.
     */
    private boolean moveFenced(
            Fence fence, JobState target, String assignments, Map<String, ?> params, String detail, Instant now) {
        // The states this node can hold a lease in, narrowed to those with an edge to target.
        List<String> sources = Stream.of(JobState.CLAIMED, JobState.SUBMITTED)
                .filter(s -> s.canMoveTo(target))
                .map(JobState::wireName)
                .toList();
        int moved = jdbc.sql("""
                WITH moved AS (
                    UPDATE job
                    SET state = :target, lease_owner = NULL, lease_expires_at = NULL, %s
                    WHERE id = :id AND state IN (:sources) AND lease_owner = :owner AND attempts = :attempt
                    RETURNING id, state, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', state, attempts, :detail FROM moved
                """.formatted(assignments))
                .params(params)
                .param("target", target.wireName())
                .param("id", fence.jobId())
                .param("sources", sources)
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("detail", detail)
                .param("now", ts(now))
                .update();
        if (moved == 0) {
            log.info(
                    "job {}: write to {} fenced out (lease owner {} attempt {} no longer holds it)",
                    fence.jobId(),
                    target.wireName(),
                    fence.leaseOwner(),
                    fence.attempt());
        }
        return moved == 1;
    }

    @Override
    public int rescueExpiredClaims(Instant now, int limit) {
        // Locks: the expired rows it returns, SKIP LOCKED (a worker writing its outcome right now
        // holds its row; the next pass sees what it wrote). Index: job_lease_idx, oldest expiry first.
        // The attempt stays used: the job may have reached the upstream before its worker died.
        return jdbc.sql("""
                WITH expired AS (
                    SELECT id, lease_owner FROM job
                    WHERE state = 'claimed' AND lease_expires_at < :now
                    ORDER BY lease_expires_at
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED),
                rescued AS (
                    UPDATE job j
                    SET state = CASE WHEN j.attempts >= j.max_attempts THEN 'failed' ELSE 'queued' END,
                        finished_at = CASE WHEN j.attempts >= j.max_attempts THEN CAST(:now AS timestamptz) END,
                        error = CASE WHEN j.attempts >= j.max_attempts
                                     THEN 'lease of ' || expired.lease_owner || ' expired on the last attempt'
                                     ELSE j.error END,
                        run_after = :now, lease_owner = NULL, lease_expires_at = NULL
                    FROM expired WHERE j.id = expired.id
                    RETURNING j.id, j.state, j.attempts, expired.lease_owner)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', state, attempts, 'lease of ' || lease_owner || ' expired' FROM rescued
                """).param("now", ts(now)).param("limit", limit).update();
    }

    @Override
    public boolean cancel(long jobId, Instant now) {
        // Locks the one row by primary key. A claimed job's worker will find its fence gone.
        return jdbc.sql("""
                WITH cancelled AS (
                    UPDATE job
                    SET state = 'cancelled', finished_at = :now, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = :id AND state IN ('queued', 'claimed')
                    RETURNING id, attempts)
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, detail)
                SELECT id, :now, 'queue', 'cancelled', attempts, 'cancelled by client' FROM cancelled
                """).param("id", jobId).param("now", ts(now)).update() == 1;
    }

    @Override
    public Map<Priority, Long> countQueuedByPriority() {
        // An index-only count over job_claim_idx: it holds exactly the queued rows.
        Map<Priority, Long> counts = new EnumMap<>(Priority.class);
        for (Priority p : Priority.values()) {
            counts.put(p, 0L);
        }
        jdbc.sql("SELECT priority, count(*) AS n FROM job WHERE state = 'queued' GROUP BY priority")
                .query(rs -> {
                    counts.put(Priority.ofRank(rs.getShort("priority")), rs.getLong("n"));
                });
        return counts;
    }

    @Override
    public Map<String, Long> countRunningByUpstream() {
        // Served by job_lease_idx's predicate (claimed or submitted rows only).
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT upstream, count(*) AS n FROM job
                WHERE state IN ('claimed', 'submitted') GROUP BY upstream ORDER BY upstream
                """).query(rs -> {
            counts.put(rs.getString("upstream"), rs.getLong("n"));
        });
        return counts;
    }

    @Override
    public Map<JobState, Long> countByStateInBatch(long batchId) {
        Map<JobState, Long> counts = new EnumMap<>(JobState.class);
        for (JobState s : JobState.values()) {
            counts.put(s, 0L);
        }
        jdbc.sql("SELECT state, count(*) AS n FROM job WHERE batch_id = :batchId GROUP BY state")
                .param("batchId", batchId)
                .query(rs -> {
                    counts.put(JobState.fromWire(rs.getString("state")), rs.getLong("n"));
                });
        return counts;
    }

    /** timestamptz parameters go as OffsetDateTime, which pgjdbc binds without a zone guess. */
    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
