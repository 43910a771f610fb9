package dev.sluice.project;

import dev.sluice.job.Priority;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** All SQL about the {@code project} table: a few rows, read by primary key or unique name. */
@Repository
public class Projects {

    /** A project's settings as an admin sets them; every field null leaves that setting as it is. */
    public record Settings(
            Integer weight,
            Long maxQueued,
            Set<Priority> allowedPriorities,
            Integer maxBatchJobs,
            String callbackSecret,
            boolean clearMaxQueued,
            boolean clearAllowedPriorities,
            boolean clearMaxBatchJobs,
            boolean clearCallbackSecret) {

        /** Hides the secret from anything that prints the settings. */
        @Override
        public String toString() {
            return "Settings[weight=" + weight + ", maxQueued=" + maxQueued + ", allowedPriorities=" + allowedPriorities
                    + ", maxBatchJobs=" + maxBatchJobs + ", callbackSecret="
                    + (callbackSecret == null ? "none" : "(set)")
                    + "]";
        }
    }

    private static final String COLUMNS =
            "id, name, weight, max_queued, allowed_priorities, max_batch_jobs, callback_secret IS NOT NULL AS has_secret";

    /** The columns {@link #project} reads, of a project aliased {@code p}, named so as not to clash in a join. */
    static final String COLUMNS_OF_P = "p.id AS p_id, p.name AS p_name, p.weight AS p_weight, "
            + "p.max_queued AS p_max_queued, p.allowed_priorities AS p_allowed_priorities, "
            + "p.max_batch_jobs AS p_max_batch_jobs, p.callback_secret IS NOT NULL AS p_has_secret";

    private final JdbcClient jdbc;

    Projects(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    public Optional<Project> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM project WHERE id = :id")
                .param("id", id)
                .query(Projects::plain)
                .optional();
    }

    public Optional<Project> findByName(String name) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM project WHERE name = :name")
                .param("name", name)
                .query(Projects::plain)
                .optional();
    }

    public List<Project> findAll() {
        return jdbc.sql("SELECT " + COLUMNS + " FROM project ORDER BY name")
                .query(Projects::plain)
                .list();
    }

    /** The project of this name, made now if there is none (two racing requests make one). */
    public Project findOrCreate(String name, Instant now) {
        jdbc.sql("INSERT INTO project (name, created_at) VALUES (:name, :now) ON CONFLICT (name) DO NOTHING")
                .param("name", name)
                .param("now", utc(now))
                .update();
        return findByName(name).orElseThrow();
    }

    /** Applies the settings to the project (made if missing) and answers it as it now is. */
    public Project update(String name, Settings s, Instant now) {
        findOrCreate(name, now);
        // One row, locked by its unique name for this statement.
        jdbc.sql("""
                UPDATE project SET
                    weight = coalesce(:weight, weight),
                    max_queued = CASE WHEN :clearMaxQueued THEN NULL ELSE coalesce(:maxQueued, max_queued) END,
                    allowed_priorities = CASE WHEN :clearPriorities THEN NULL
                                              ELSE coalesce(CAST(:priorities AS smallint[]), allowed_priorities) END,
                    max_batch_jobs = CASE WHEN :clearMaxBatchJobs THEN NULL
                                          ELSE coalesce(:maxBatchJobs, max_batch_jobs) END,
                    callback_secret = CASE WHEN :clearSecret THEN NULL ELSE coalesce(:secret, callback_secret) END
                WHERE name = :name
                """)
                .param("weight", s.weight(), java.sql.Types.INTEGER)
                .param("maxQueued", s.maxQueued(), java.sql.Types.BIGINT)
                .param("clearMaxQueued", s.clearMaxQueued())
                .param("priorities", ranks(s.allowedPriorities()), java.sql.Types.VARCHAR)
                .param("clearPriorities", s.clearAllowedPriorities())
                .param("maxBatchJobs", s.maxBatchJobs(), java.sql.Types.INTEGER)
                .param("clearMaxBatchJobs", s.clearMaxBatchJobs())
                .param("secret", s.callbackSecret(), java.sql.Types.VARCHAR)
                .param("clearSecret", s.clearCallbackSecret())
                .param("name", name)
                .update();
        return findByName(name).orElseThrow();
    }

    /** The callback signing secret of the project, if it has its own. */
    public Optional<String> callbackSecret(long projectId) {
        return jdbc.sql("SELECT callback_secret FROM project WHERE id = :id AND callback_secret IS NOT NULL")
                .param("id", projectId)
                .query(String.class)
                .optional();
    }

    /** PostgreSQL's text form of a smallint[] of ranks, or null. */
    private static String ranks(Set<Priority> priorities) {
        if (priorities == null) {
            return null;
        }
        return "{"
                + String.join(
                        ",",
                        priorities.stream().map(p -> Integer.toString(p.rank())).toList()) + "}";
    }

    private static Project plain(ResultSet rs, int n) throws SQLException {
        return read(rs, "");
    }

    /** A project from the {@link #COLUMNS_OF_P} of a join. */
    static Project project(ResultSet rs, int n) throws SQLException {
        return read(rs, "p_");
    }

    private static Project read(ResultSet rs, String prefix) throws SQLException {
        Array priorities = rs.getArray(prefix + "allowed_priorities");
        Set<Priority> allowed = null;
        if (priorities != null) {
            allowed = EnumSet.noneOf(Priority.class);
            for (Object rank : (Object[]) priorities.getArray()) {
                allowed.add(Priority.ofRank(((Number) rank).shortValue()));
            }
        }
        return new Project(
                rs.getLong(prefix + "id"),
                rs.getString(prefix + "name"),
                rs.getInt(prefix + "weight"),
                rs.getObject(prefix + "max_queued", Long.class),
                allowed,
                rs.getObject(prefix + "max_batch_jobs", Integer.class),
                rs.getBoolean(prefix + "has_secret"));
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
    }
}
