package dev.sluice.job;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The statements of {@link JobSearches}. A search reads index ranges, never the table in order:
 *
 * <ul>
 *   <li>With {@code batch_id}: {@code job_batch_idx (batch_id, id)} backwards from the cursor,
 *       its state and other filters checked on each row of that one batch.
 *   <li>{@code custom_id} has no index of its own (V008 dropped it: it cost a tenth of a batch's
 *       insert): with {@code batch_id} it is checked on that batch's rows; alone, by one
 *       (parallel) scan of the table, about a second at 10,000,000 jobs.
 *   <li>Otherwise: one branch per (project, state) asked, each planned for its values: failed,
 *       cancelled and submit_unknown from {@code job_project_state_idx (project_id, state, id)}
 *       (those states alone), queued from job_project_queued_idx, claimed and submitted from
 *       job_lease_idx, or the primary key backwards where a state is most of the table; each
 *       stops at {@code limit} matches, and they are merged newest first. A filter that matches few of
 *       a range's rows (a rare model) reads more of it; {@code JobService.search} bounds the
 *       whole statement in time.
 * </ul>
 *
 * A created range is also turned into an id range (ids grow with creation time), so every index
 * range read is cut to it. Only the filters asked for are written into the statement, so each
 * shape gets its own plan.
 * Reads only: no locks.
 */
class JobSearchesImpl implements JobSearches {

    private static final String COLUMNS = "j.id, j.project_id, j.batch_id, j.custom_id, j.upstream, j.priority,"
            + " j.model, j.state, j.attempts, j.created_at, j.finished_at, left(j.error, 300) AS error";

    private final JdbcClient jdbc;

    JobSearchesImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public List<JobSummary> search(JobFilter f, int limit) {
        List<String> conditions = new ArrayList<>();
        conditions.add("j.id < " + f.beforeId());
        if (f.priority() != null) {
            conditions.add("j.priority = :priority");
        }
        if (f.upstream() != null) {
            conditions.add("j.upstream = :upstream");
        }
        if (f.model() != null) {
            conditions.add("j.model = :model");
        }
        if (f.createdFrom() != null) {
            conditions.add("j.created_at >= :createdFrom");
            conditions.add("j.id >= " + firstIdCreatedAtOrAfter(f.createdFrom().minus(ID_ORDER_SLACK)));
        }
        if (f.createdTo() != null) {
            conditions.add("j.created_at < :createdTo");
            conditions.add("j.id < " + firstIdCreatedAtOrAfter(f.createdTo().plus(ID_ORDER_SLACK)));
        }
        if (f.customId() != null) {
            conditions.add("j.custom_id = :customId");
        }
        String projects = f.projects() == null ? "" : " AND %s = ANY(CAST(:projects AS bigint[]))";
        String sql;
        boolean oneStatement = f.batchId() != null || f.customId() != null;
        if (oneStatement) {
            // With batch_id: job_batch_idx (batch_id, id) backwards. With custom_id alone: no
            // index holds it, and one scan of the table (in parallel) is cheaper than reading
            // every project and state's range for one row.
            sql = "SELECT " + COLUMNS + " FROM job j WHERE "
                    + (f.batchId() != null ? "j.batch_id = :batchId AND " : "")
                    + "j.state = ANY(CAST(:states AS text[]))"
                    + projects.formatted("j.project_id") + " AND " + String.join(" AND ", conditions)
                    + " ORDER BY j.id DESC LIMIT :limit";
        } else {
            // One branch per project and state, their values written in: each branch is planned
            // for its own (a state with few rows reads job_project_state_idx; a state that is most
            // of the table may read the primary key backwards, finding its page at once). A
            // lateral join over the same pairs is planned once for any pair, and that plan read
            // the whole primary key for a state with no rows.
            List<Long> projectIds = f.projects() != null
                    ? f.projects()
                    : jdbc.sql("SELECT id FROM project ORDER BY id")
                            .query(Long.class)
                            .list();
            if ((long) projectIds.size() * f.states().size() > MAX_BRANCHES) {
                throw new SearchTooBroadException(
                        "with " + projectIds.size() + " projects, a search of every project must name a project or"
                                + " at most " + MAX_BRANCHES / projectIds.size() + " states");
            }
            List<String> branches = new ArrayList<>();
            for (long project : projectIds) {
                for (JobState state : f.states()) {
                    branches.add("(SELECT " + COLUMNS + " FROM job j WHERE j.project_id = " + project
                            + " AND j.state = '" + state.wireName() + "' AND " + String.join(" AND ", conditions)
                            + " ORDER BY j.id DESC LIMIT " + limit + ")");
                }
            }
            if (branches.isEmpty()) {
                return List.of();
            }
            sql = "SELECT * FROM (" + String.join(" UNION ALL ", branches) + ") j ORDER BY j.id DESC LIMIT :limit";
        }
        JdbcClient.StatementSpec statement = jdbc.sql(sql).param("limit", limit);
        if (oneStatement) {
            statement = statement.param(
                    "states", f.states().stream().map(JobState::wireName).toArray(String[]::new));
            if (f.projects() != null) {
                statement = statement.param("projects", f.projects().toArray(Long[]::new));
            }
        }
        if (f.batchId() != null) {
            statement = statement.param("batchId", f.batchId());
        }
        if (f.priority() != null) {
            statement = statement.param("priority", f.priority().rank());
        }
        if (f.upstream() != null) {
            statement = statement.param("upstream", f.upstream());
        }
        if (f.model() != null) {
            statement = statement.param("model", f.model());
        }
        if (f.createdFrom() != null) {
            statement = statement.param("createdFrom", JobSql.ts(f.createdFrom()));
        }
        if (f.createdTo() != null) {
            statement = statement.param("createdTo", JobSql.ts(f.createdTo()));
        }
        if (f.customId() != null) {
            statement = statement.param("customId", f.customId());
        }
        return statement.query((rs, n) -> read(rs)).list();
    }

    /**
     * How far apart in time two jobs can be whose ids are in the other order: a batch's jobs all
     * carry the time of its request while their ids are drawn during its COPY, and instances'
     * clocks differ a little. A created range is widened by this to bound ids, then checked exactly.
     */
    private static final Duration ID_ORDER_SLACK = Duration.ofHours(1);

    /** The most (project, state) branches one search is written with. */
    static final int MAX_BRANCHES = 700;

    /**
     * The first id whose job was created at or after {@code t} (one past the last id if none): ids
     * grow with creation time, so a binary search of the primary key finds it in some 25 probes of
     * one row each, and a created range becomes an id range every branch of a search reads within.
     */
    private long firstIdCreatedAtOrAfter(Instant t) {
        // Index: the primary key, both ends, then one row per probe.
        long[] ends = jdbc.sql("SELECT coalesce(min(id), 0), coalesce(max(id), 0) FROM job")
                .query((rs, n) -> new long[] {rs.getLong(1), rs.getLong(2)})
                .single();
        long lo = ends[0];
        long hi = ends[1] + 1;
        while (lo < hi) {
            long mid = lo + (hi - lo) / 2;
            Instant created = jdbc.sql("SELECT created_at FROM job WHERE id >= :mid ORDER BY id LIMIT 1")
                    .param("mid", mid)
                    .query((rs, n) -> rs.getObject(1, OffsetDateTime.class).toInstant())
                    .optional()
                    .orElse(Instant.MAX);
            if (created.isBefore(t)) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    @Override
    public void limitStatementTime(long millis) {
        // is_local = true: ends with the transaction, never left on the pooled connection. Each
        // search is planned for its own values: a plan made once for any (the driver prepares a
        // statement run five times) can read a whole index for a rare value.
        jdbc.sql(
                        "SELECT set_config('statement_timeout', :ms, true), set_config('plan_cache_mode', 'force_custom_plan', true)")
                .param("ms", Long.toString(millis))
                .query((rs, n) -> rs.getString(1))
                .single();
    }

    private static JobSummary read(ResultSet rs) throws SQLException {
        OffsetDateTime finished = rs.getObject("finished_at", OffsetDateTime.class);
        return new JobSummary(
                rs.getLong("id"),
                rs.getLong("project_id"),
                rs.getObject("batch_id", Long.class),
                rs.getString("custom_id"),
                rs.getString("upstream"),
                Priority.ofRank(rs.getShort("priority")),
                rs.getString("model"),
                JobState.fromWire(rs.getString("state")),
                rs.getInt("attempts"),
                rs.getObject("created_at", OffsetDateTime.class).toInstant(),
                finished == null ? null : finished.toInstant(),
                rs.getString("error"));
    }
}
