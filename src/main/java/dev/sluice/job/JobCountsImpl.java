package dev.sluice.job;

import java.time.Instant;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The statements of {@link JobCounts}. */
class JobCountsImpl implements JobCounts {

    private final JdbcClient jdbc;

    JobCountsImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
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
    public long countQueuedBefore(Job job, int cap) {
        // Index: job_claim_idx (upstream, priority, fair_tag, id) WHERE state = 'queued'; reads at
        // most `cap` entries before the job (in claim order), so the cost is bounded however deep
        // the queue is. Locks nothing.
        return jdbc.sql("""
                SELECT count(*) FROM (
                    SELECT 1 FROM job
                    WHERE state = 'queued' AND upstream = :upstream AND priority = :priority
                      AND (fair_tag, id) < (:fairTag, :id)
                    LIMIT :cap) before
                """)
                .param("upstream", job.upstream())
                .param("priority", job.priority().rank())
                .param("fairTag", job.fairTag())
                .param("id", job.id())
                .param("cap", cap)
                .query(Long.class)
                .single();
    }

    @Override
    public long countQueuedFrom(Job job, int cap) {
        // Index: job_claim_idx, at most `cap` entries from the job on. Locks nothing.
        return jdbc.sql("""
                SELECT count(*) FROM (
                    SELECT 1 FROM job
                    WHERE state = 'queued' AND upstream = :upstream AND priority = :priority
                      AND (fair_tag, id) >= (:fairTag, :id)
                    LIMIT :cap) from_here
                """)
                .param("upstream", job.upstream())
                .param("priority", job.priority().rank())
                .param("fairTag", job.fairTag())
                .param("id", job.id())
                .param("cap", cap)
                .query(Long.class)
                .single();
    }

    @Override
    public Map<Priority, Long> countQueuedInProjectByPriority(long projectId) {
        // An index-only count over job_project_queued_idx (project_id, priority) WHERE state = 'queued'.
        Map<Priority, Long> counts = new EnumMap<>(Priority.class);
        for (Priority p : Priority.values()) {
            counts.put(p, 0L);
        }
        jdbc.sql(
                        "SELECT priority, count(*) AS n FROM job WHERE state = 'queued' AND project_id = :project GROUP BY priority")
                .param("project", projectId)
                .query(rs -> {
                    counts.put(Priority.ofRank(rs.getShort("priority")), rs.getLong("n"));
                });
        return counts;
    }

    @Override
    public long countInBatch(long batchId) {
        // Index: job_batch_idx (batch_id, id), an index-only count of the batch's entries.
        return jdbc.sql("SELECT count(*) FROM job WHERE batch_id = :batchId")
                .param("batchId", batchId)
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
    public long[] queuedTurnRange(String upstream, Priority priority) {
        // Two probes of job_claim_idx: its first and last entry for (upstream, priority).
        return jdbc.sql("""
                SELECT min(fair_tag), max(fair_tag) FROM job
                WHERE state = 'queued' AND upstream = :upstream AND priority = :priority
                """)
                .param("upstream", upstream)
                .param("priority", priority.rank())
                .query((rs, n) -> rs.getObject(1) == null ? null : new long[] {rs.getLong(1), rs.getLong(2)})
                .list() // one row; min and max are null when none is queued (single() refuses a null row)
                .getFirst();
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
    public java.util.List<Usage> usageSince(Instant day, Instant minute) {
        // Reads job_sent_idx (upstream, model, submitted_at) WHERE submitted_at IS NOT NULL: the
        // rows sent in the last day, with their heap rows for the tokens. Locks nothing.
        return jdbc.sql("""
                SELECT upstream, model, count(*) AS requests_day,
                       coalesce(sum(coalesce(tokens_used, token_count)), 0) AS tokens_day,
                       count(*) FILTER (WHERE submitted_at > :minute) AS requests_minute,
                       coalesce(sum(coalesce(tokens_used, token_count)) FILTER (WHERE submitted_at > :minute), 0)
                           AS tokens_minute
                FROM job WHERE submitted_at IS NOT NULL AND submitted_at > :day
                GROUP BY upstream, model ORDER BY upstream, model
                """)
                .param("day", JobSql.ts(day))
                .param("minute", JobSql.ts(minute))
                .query((rs, n) -> new Usage(
                        rs.getString("upstream"),
                        rs.getString("model"),
                        rs.getLong("requests_day"),
                        rs.getLong("tokens_day"),
                        rs.getLong("requests_minute"),
                        rs.getLong("tokens_minute")))
                .list();
    }

    @Override
    public long[] sentSince(String upstream, String model, Instant since) {
        // A range of job_sent_idx (upstream, model, submitted_at), with the heap rows for tokens.
        return jdbc.sql("""
                SELECT count(*) AS requests, coalesce(sum(coalesce(tokens_used, token_count)), 0) AS tokens
                FROM job WHERE upstream = :upstream AND model = :model AND submitted_at IS NOT NULL
                  AND submitted_at > :since
                """)
                .param("upstream", upstream)
                .param("model", model)
                .param("since", JobSql.ts(since))
                .query((rs, n) -> new long[] {rs.getLong("requests"), rs.getLong("tokens")})
                .single();
    }

    @Override
    public Map<String, Long> countRunningByUpstreamInProject(long projectId) {
        // Served by job_lease_idx's predicate (claimed or submitted rows, at most the in-flight
        // limits), filtered on the heap row.
        Map<String, Long> counts = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT upstream, count(*) AS n FROM job
                WHERE state IN ('claimed', 'submitted') AND project_id = :project GROUP BY upstream ORDER BY upstream
                """).param("project", projectId).query(rs -> {
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

    @Override
    public Map<String, long[]> countLeasesByOwner() {
        // Served by job_lease_idx's predicate (claimed or submitted rows only).
        Map<String, long[]> leases = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT lease_owner, count(*) FILTER (WHERE state = 'claimed') AS claimed,
                       count(*) FILTER (WHERE state = 'submitted') AS polled
                FROM job WHERE state IN ('claimed', 'submitted') AND lease_owner IS NOT NULL
                GROUP BY lease_owner
                """).query(rs -> {
            leases.put(rs.getString("lease_owner"), new long[] {rs.getLong("claimed"), rs.getLong("polled")});
        });
        return leases;
    }

    @Override
    public List<DepthCount> countQueueDepths() {
        // Served by the partial indexes: job_claim_idx (queued), job_lease_idx (claimed,
        // submitted), job_submit_unknown_idx; never a scan of the finished jobs. The oldest
        // queued job of a priority is its lowest id (ids are drawn in created order).
        return jdbc.sql("""
                SELECT upstream, 'queued' AS state, priority, count(*) AS n,
                       (SELECT created_at FROM job o WHERE o.id = min(q.id)) AS oldest
                FROM job q WHERE state = 'queued' GROUP BY upstream, priority
                UNION ALL
                SELECT upstream, state, NULL, count(*), NULL FROM job
                WHERE state IN ('claimed', 'submitted') GROUP BY upstream, state
                UNION ALL
                SELECT upstream, state, NULL, count(*), NULL FROM job
                WHERE state = 'submit_unknown' GROUP BY upstream, state
                """)
                .query((rs, i) -> new DepthCount(
                        rs.getString("upstream"),
                        rs.getString("state"),
                        rs.getObject("priority", Integer.class),
                        rs.getInt("n"),
                        rs.getTimestamp("oldest") == null
                                ? null
                                : rs.getTimestamp("oldest").toInstant()))
                .list();
    }

    @Override
    public List<ProjectLoad> countProjectLoads() {
        // job_project_queued_idx (project_id, priority) WHERE queued, read index-only where the
        // visibility map allows; the jobs at work through job_lease_idx and job_submit_unknown_idx.
        return jdbc.sql("""
                SELECT project_id, priority, sum(queued) AS queued, sum(running) AS running FROM (
                    SELECT project_id, priority, count(*) AS queued, 0 AS running
                    FROM job WHERE state = 'queued' GROUP BY project_id, priority
                    UNION ALL
                    SELECT project_id, priority, 0, count(*) FROM job
                    WHERE state IN ('claimed', 'submitted') GROUP BY project_id, priority
                    UNION ALL
                    SELECT project_id, priority, 0, count(*) FROM job
                    WHERE state = 'submit_unknown' GROUP BY project_id, priority) l
                GROUP BY project_id, priority
                """)
                .query((rs, n) -> new ProjectLoad(
                        rs.getLong("project_id"),
                        Priority.ofRank(rs.getInt("priority")),
                        rs.getLong("queued"),
                        rs.getLong("running")))
                .list();
    }

    @Override
    public List<FinishedWindow> finishedBetween(Instant after, Instant upTo) {
        // job_finished_brin (finished_at): only the block ranges that hold recently finished rows.
        // The waits as job_timeline (V007) defines them.
        return jdbc.sql("""
                SELECT project_id, priority,
                       count(*) FILTER (WHERE state = 'succeeded') AS succeeded,
                       count(*) FILTER (WHERE state = 'failed') AS failed,
                       count(*) FILTER (WHERE state = 'cancelled') AS cancelled,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY queue_wait_s) AS q50,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY queue_wait_s) AS q99,
                       percentile_cont(0.5) WITHIN GROUP (ORDER BY upstream_wait_s) AS u50,
                       percentile_cont(0.99) WITHIN GROUP (ORDER BY upstream_wait_s) AS u99
                FROM (
                    SELECT project_id, priority, state,
                           extract(epoch FROM claimed_at - created_at) AS queue_wait_s,
                           CASE WHEN submitted_at IS NOT NULL
                                     AND coalesce(started_at, CASE WHEN upstream_request_id IS NULL
                                                                   THEN submitted_at END) IS NOT NULL
                                THEN greatest(extract(epoch FROM coalesce(started_at, submitted_at) - submitted_at), 0)
                           END AS upstream_wait_s
                    FROM job WHERE finished_at > :after AND finished_at <= :upTo) f
                GROUP BY project_id, priority
                """)
                .param("after", JobSql.ts(after))
                .param("upTo", JobSql.ts(upTo))
                .query((rs, n) -> new FinishedWindow(
                        rs.getLong("project_id"),
                        Priority.ofRank(rs.getInt("priority")),
                        rs.getInt("succeeded"),
                        rs.getInt("failed"),
                        rs.getInt("cancelled"),
                        rs.getObject("q50", Double.class),
                        rs.getObject("q99", Double.class),
                        rs.getObject("u50", Double.class),
                        rs.getObject("u99", Double.class)))
                .list();
    }

    @Override
    public Map<String, Map<Priority, Long>> countQueuedByUpstreamAndPriorityInProject(long projectId) {
        // job_project_queued_idx (project_id, priority) WHERE queued, the upstream from each row.
        Map<String, Map<Priority, Long>> out = new java.util.TreeMap<>();
        jdbc.sql("SELECT upstream, priority, count(*) AS n FROM job WHERE state = 'queued' AND project_id = :project"
                        + " GROUP BY upstream, priority")
                .param("project", projectId)
                .query(rs -> {
                    out.computeIfAbsent(rs.getString("upstream"), u -> new EnumMap<>(Priority.class))
                            .put(Priority.ofRank(rs.getInt("priority")), rs.getLong("n"));
                });
        return out;
    }
}
