package dev.sluice.job;

import dev.sluice.upstream.UpstreamSnapshot;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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
        // The request's seq_id is drawn here, so it is committed before anything is sent and any
        // re-send of the same request (timeout, crash, 410) re-uses it.
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
                        lease_expires_at = :leaseUntil, claimed_at = coalesce(j.claimed_at, :now),
                        upstream_seq_id = coalesce(j.upstream_seq_id, nextval('upstream_seq_id'))
                    FROM next WHERE j.id = next.id
                    RETURNING j.id, j.upstream, j.endpoint, j.payload::text AS payload, j.token_count,
                              j.priority, j.attempts, j.max_attempts, j.idempotency_key,
                              j.upstream_session, j.upstream_seq_id, j.created_at,
                              j.claimed_at = CAST(:now AS timestamptz) AS first_claim, j.deferrals),
                -- A job claimed again after a "not now" adds no row: its deferral row counts the tries.
                history AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                    SELECT id, :now, 'queue', 'claimed', attempts FROM claimed WHERE deferrals = 0)
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
                        rs.getString("upstream_session"),
                        rs.getObject("upstream_seq_id", Long.class),
                        owner,
                        rs.getTimestamp("created_at").toInstant(),
                        rs.getBoolean("first_claim"),
                        rs.getInt("deferrals")))
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
                submitted_at = coalesce(CAST(:submittedAt AS timestamptz), submitted_at), next_poll_at = NULL""",
                params("result", resultJson, "submittedAt", ts(submittedAt)),
                null,
                now);
    }

    @Override
    public java.util.Set<Long> markSucceededAll(List<Success> outcomes) {
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
        // Locks the listed rows by primary key, in id order; each fenced as in moveFenced.
        java.util.Set<Long> moved = new java.util.HashSet<>(jdbc.sql("""
                WITH o AS (
                    SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:owners AS text[]), CAST(:attempts AS int[]),
                                         CAST(:results AS text[]), CAST(:submitted AS timestamptz[]),
                                         CAST(:nows AS timestamptz[]))
                             AS o(id, owner, attempt, result, submitted_at, now)
                    ORDER BY id),
                moved AS (
                    UPDATE job j
                    SET state = 'succeeded', lease_owner = NULL, lease_expires_at = NULL, deferrals = 0,
                        result = CAST(o.result AS jsonb), error = NULL, finished_at = o.now,
                        submitted_at = coalesce(o.submitted_at, j.submitted_at), next_poll_at = NULL
                    FROM o
                    WHERE j.id = o.id AND j.state IN ('claimed', 'submitted') AND j.lease_owner = o.owner
                      AND j.attempts = o.attempt
                    RETURNING j.id, j.attempts, o.now),
                history AS (
                    INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                    SELECT id, now, 'queue', 'succeeded', attempts FROM moved)
                SELECT id FROM moved
                """)
                .param("ids", ids)
                .param("owners", owners)
                .param("attempts", attempts)
                .param("results", results)
                .param("submitted", submitted)
                .param("nows", nows)
                .query(Long.class)
                .list());
        for (Success s : outcomes) {
            if (!moved.contains(s.fence().jobId())) {
                fenced(s.fence(), "write to succeeded", 0);
            }
        }
        return moved;
    }

    @Override
    public boolean markSubmitted(
            Fence fence, String requestId, String session, Instant submittedAt, Instant nextPollAt, Instant now) {
        return moveFenced(
                fence,
                JobState.SUBMITTED,
                """
                upstream_request_id = :requestId, upstream_session = :session, submitted_at = :submittedAt,
                next_poll_at = :nextPollAt, poll_errors = 0, submit_estimate_at = NULL,
                submit_queue_position = NULL, submit_estimated_wait_s = NULL""",
                params(
                        "requestId",
                        requestId,
                        "session",
                        session,
                        "submittedAt",
                        ts(submittedAt),
                        "nextPollAt",
                        ts(nextPollAt)),
                "upstream request id " + requestId,
                now);
    }

    @Override
    public boolean markFailed(Fence fence, String error, Instant now) {
        return moveFenced(
                fence,
                JobState.FAILED,
                "error = :error, finished_at = :now, next_poll_at = NULL",
                Map.of("error", error),
                error,
                now);
    }

    @Override
    public boolean requeue(Fence fence, Instant runAfter, boolean newRequest, String error, Instant now) {
        String assignments = "run_after = :runAfter, error = :error, upstream_request_id = NULL, next_poll_at = NULL,"
                + " send_started_at = NULL"
                + (newRequest ? ", upstream_session = NULL, upstream_seq_id = NULL" : "");
        return moveFenced(
                fence, JobState.QUEUED, assignments, Map.of("runAfter", ts(runAfter), "error", error), error, now);
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
                .param("runAfter", ts(runAfter))
                .param("why", why)
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("now", ts(now))
                .query(Integer.class)
                .single();
        return fenced(fence, "deferral", moved);
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
                .param("now", ts(now))
                .param("limit", limit)
                .param("owner", owner)
                .param("leaseUntil", ts(leaseUntil))
                .param("deadBefore", ts(ownersDeadBefore))
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
    public boolean recordPoll(Fence fence, UpstreamSnapshot s, Instant nextPollAt, Instant now) {
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
                .param("nextPollAt", ts(nextPollAt))
                .param("running", s.showsRunning())
                .param("now", ts(now))
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("httpStatus", s.httpStatus())
                .param("status", s.status())
                .param("queueState", s.queueState())
                .param("queueStateReason", s.queueStateReason())
                .param("queuePosition", s.queuePosition())
                .param("queueDepth", s.queueDepth())
                .param("estimatedWaitS", s.estimatedWaitS())
                .param("progress", s.progressJson())
                .param("retryAfterS", s.retryAfterS())
                .param("headers", s.headersJson())
                .update();
        return fenced(fence, "poll snapshot", written);
    }

    @Override
    public void recordObservation(long jobId, int attempt, UpstreamSnapshot s, Instant now) {
        jdbc.sql("""
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt, http_status, status,
                    queue_state, queue_position, queue_depth, estimated_wait_s, retry_after_s, headers)
                SELECT id, :now, 'upstream', state, :attempt, :httpStatus, :status, :queueState, :queuePosition,
                    :queueDepth, :estimatedWaitS, :retryAfterS, CAST(:headers AS jsonb)
                FROM job WHERE id = :id
                """)
                .param("now", ts(now))
                .param("attempt", attempt)
                .param("httpStatus", s.httpStatus())
                .param("status", s.status(), java.sql.Types.VARCHAR)
                .param("queueState", s.queueState(), java.sql.Types.VARCHAR)
                .param("queuePosition", s.queuePosition(), java.sql.Types.INTEGER)
                .param("queueDepth", s.queueDepth(), java.sql.Types.INTEGER)
                .param("estimatedWaitS", s.estimatedWaitS(), java.sql.Types.DOUBLE)
                .param("retryAfterS", s.retryAfterS(), java.sql.Types.DOUBLE)
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
                .param("nextPollAt", ts(nextPollAt))
                .param("now", ts(now))
                .param("id", fence.jobId())
                .param("owner", fence.leaseOwner())
                .param("attempt", fence.attempt())
                .param("httpStatus", httpStatus)
                .param("detail", error)
                .update();
        return fenced(fence, "poll error", written);
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
                """).param("id", jobId).param("now", ts(now)).update() == 1;
    }

    private static boolean fenced(Fence fence, String what, int written) {
        if (written == 0) {
            log.info(
                    "job {}: {} fenced out (lease owner {} attempt {} no longer holds it)",
                    fence.jobId(),
                    what,
                    fence.leaseOwner(),
                    fence.attempt());
        }
        return written == 1;
    }

    /** Map.of refuses nulls; SQL parameters may be null. */
    private static Map<String, Object> params(Object... keysAndValues) {
        Map<String, Object> m = new java.util.HashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
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
                    SET state = :target, lease_owner = NULL, lease_expires_at = NULL, deferrals = 0, %s
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
        return fenced(fence, "write to " + target.wireName(), moved);
    }

    @Override
    public boolean markSending(Fence fence, Instant now) {
        // Locks the one row by primary key; fenced like every write after the claim.
        return fenced(
                fence,
                "send start",
                jdbc.sql("""
                UPDATE job SET send_started_at = :now
                WHERE id = :id AND state = 'claimed' AND lease_owner = :owner AND attempts = :attempt
                """)
                        .param("now", ts(now))
                        .param("id", fence.jobId())
                        .param("owner", fence.leaseOwner())
                        .param("attempt", fence.attempt())
                        .update());
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
        // Locks the listed rows by primary key, in id order (no deadlock with another renewer or
        // the rescuer, which lock few rows each). A row whose fence moved on is left alone.
        return jdbc.sql("""
                UPDATE job j SET lease_expires_at = :until
                FROM (SELECT * FROM unnest(CAST(:ids AS bigint[]), CAST(:attempts AS int[])) ORDER BY 1) AS f(id, attempt)
                WHERE j.id = f.id AND j.attempts = f.attempt AND j.lease_owner = :owner
                  AND j.state = :state AND j.lease_expires_at < :until
                """)
                .param("state", state.wireName())
                .param("until", ts(until))
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
                .param("now", ts(now))
                .param("deadBefore", ts(ownersDeadBefore))
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
                .param("now", ts(now))
                .query(Integer.class)
                .single();
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
    public Map<String, Map<Priority, Long>> countQueuedByUpstreamAndPriority() {
        // A full index-only count over job_claim_idx: callers cache it (WaitEstimator).
        Map<String, Map<Priority, Long>> counts = new LinkedHashMap<>();
        jdbc.sql("SELECT upstream, priority, count(*) AS n FROM job WHERE state = 'queued' GROUP BY upstream, priority")
                .query(rs -> {
                    counts.computeIfAbsent(rs.getString("upstream"), u -> new EnumMap<>(Priority.class))
                            .put(Priority.ofRank(rs.getShort("priority")), rs.getLong("n"));
                });
        return counts;
    }

    @Override
    public long countQueuedBeside(String upstream, Priority priority, long jobId, boolean before, int cap) {
        // Index: job_claim_idx (upstream, priority, id) WHERE state = 'queued'; reads at most `cap`
        // entries next to the job, so the cost is bounded however deep the queue is. Locks nothing.
        String side = before ? "id < :id" : "id >= :id";
        return jdbc.sql("""
                SELECT count(*) FROM (
                    SELECT 1 FROM job
                    WHERE state = 'queued' AND upstream = :upstream AND priority = :priority AND %s
                    LIMIT :cap) beside
                """.formatted(side))
                .param("upstream", upstream)
                .param("priority", priority.rank())
                .param("id", jobId)
                .param("cap", cap)
                .query(Long.class)
                .single();
    }

    @Override
    public long countQueuedHigher(String upstream, Priority priority, int cap) {
        // Index: job_claim_idx, the entries before (upstream, priority); at most `cap` of them.
        return jdbc.sql("""
                SELECT count(*) FROM (
                    SELECT 1 FROM job
                    WHERE state = 'queued' AND upstream = :upstream AND priority < :priority
                    LIMIT :cap) higher
                """)
                .param("upstream", upstream)
                .param("priority", priority.rank())
                .param("cap", cap)
                .query(Long.class)
                .single();
    }

    @Override
    public long[] queuedIdRange(String upstream, Priority priority) {
        // Two probes of job_claim_idx: its first and last entry for (upstream, priority).
        return jdbc.sql("""
                SELECT min(id), max(id) FROM job WHERE state = 'queued' AND upstream = :upstream AND priority = :priority
                """)
                .param("upstream", upstream)
                .param("priority", priority.rank())
                .query((rs, n) -> rs.getObject(1) == null ? null : new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
    }

    @Override
    public Optional<LastSnapshot> lastUpstreamSnapshot(long jobId, Instant since) {
        // Index: job_status_history_job_idx (job_id, id) of the partitions from `since` on, read
        // backwards to the newest upstream row.
        return jdbc.sql("""
                SELECT observed_at, http_status, status, queue_state, queue_state_reason, queue_position,
                       queue_depth, estimated_wait_s, progress::text AS progress, retry_after_s
                FROM job_status_history
                WHERE job_id = :id AND source = 'upstream' AND http_status IN (200, 408)
                  AND observed_at >= :since
                ORDER BY id DESC LIMIT 1
                """)
                .param("id", jobId)
                .param("since", ts(since))
                .query((rs, n) -> new LastSnapshot(
                        rs.getObject("observed_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("http_status", Integer.class),
                        rs.getString("status"),
                        rs.getString("queue_state"),
                        rs.getString("queue_state_reason"),
                        rs.getObject("queue_position", Integer.class),
                        rs.getObject("queue_depth", Integer.class),
                        rs.getObject("estimated_wait_s", Double.class),
                        rs.getString("progress"),
                        rs.getObject("retry_after_s", Double.class)))
                .optional();
    }

    @Override
    public List<FinishedJob> findFinishedInBatch(long batchId, long afterId, int limit) {
        // Index: job_batch_idx (batch_id, id), from the cursor on; finished rows only.
        return jdbc.sql("""
                SELECT id, custom_id, state, result::text AS result, error FROM job
                WHERE batch_id = :batchId AND id > :after AND state IN ('succeeded', 'failed', 'cancelled')
                ORDER BY id LIMIT :limit
                """)
                .param("batchId", batchId)
                .param("after", afterId)
                .param("limit", limit)
                .query((rs, n) -> new FinishedJob(
                        rs.getLong("id"),
                        rs.getString("custom_id"),
                        JobState.fromWire(rs.getString("state")),
                        rs.getString("result"),
                        rs.getString("error")))
                .list();
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
