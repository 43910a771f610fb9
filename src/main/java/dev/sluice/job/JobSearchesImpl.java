package dev.sluice.job;

import java.sql.ResultSet;
import java.sql.SQLException;
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
 *   <li>With {@code custom_id} alone (only batch lines carry one): each of the projects' batches,
 *       newest first, probed on {@code job_batch_custom_id_idx (batch_id, custom_id)}.
 *   <li>Otherwise: one range of {@code job_project_state_idx (project_id, state, id)} per
 *       (project, state) asked, each read backwards from the cursor and stopped at {@code limit}
 *       matches, merged newest first. A filter that matches few of a range's rows (a rare model)
 *       reads more of it; {@code JobService.search} bounds the whole statement in time.
 * </ul>
 *
 * Only the filters asked for are written into the statement, so each shape gets its own plan.
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
        conditions.add("j.id < :before");
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
        }
        if (f.createdTo() != null) {
            conditions.add("j.created_at < :createdTo");
        }
        if (f.customId() != null) {
            conditions.add("j.custom_id = :customId");
        }
        String projects = f.projects() == null ? "" : " AND %s = ANY(CAST(:projects AS bigint[]))";
        String sql;
        if (f.batchId() != null) {
            sql = "SELECT " + COLUMNS
                    + " FROM job j WHERE j.batch_id = :batchId AND j.state = ANY(CAST(:states AS text[]))"
                    + projects.formatted("j.project_id") + " AND " + String.join(" AND ", conditions)
                    + " ORDER BY j.id DESC LIMIT :limit";
        } else if (f.customId() != null) {
            sql = "SELECT " + COLUMNS + " FROM batch b CROSS JOIN LATERAL (SELECT * FROM job j"
                    + " WHERE j.batch_id = b.id AND j.state = ANY(CAST(:states AS text[])) AND "
                    + String.join(" AND ", conditions)
                    + ") j WHERE b.id IS NOT NULL" + projects.formatted("b.project_id")
                    + " ORDER BY j.id DESC LIMIT :limit";
        } else {
            sql = "SELECT j.* FROM project p CROSS JOIN unnest(CAST(:states AS text[])) AS s(state)"
                    + " CROSS JOIN LATERAL (SELECT " + COLUMNS + " FROM job j"
                    + " WHERE j.project_id = p.id AND j.state = s.state AND " + String.join(" AND ", conditions)
                    + " ORDER BY j.id DESC LIMIT :limit) j WHERE p.id IS NOT NULL" + projects.formatted("p.id")
                    + " ORDER BY j.id DESC LIMIT :limit";
        }
        JdbcClient.StatementSpec statement = jdbc.sql(sql)
                .param("before", f.beforeId())
                .param("limit", limit)
                .param("states", f.states().stream().map(JobState::wireName).toArray(String[]::new));
        if (f.projects() != null) {
            statement = statement.param("projects", f.projects().toArray(Long[]::new));
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

    @Override
    public void limitStatementTime(long millis) {
        // is_local = true: ends with the transaction, never left on the pooled connection.
        jdbc.sql("SELECT set_config('statement_timeout', :ms, true)")
                .param("ms", Long.toString(millis))
                .query(String.class)
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
