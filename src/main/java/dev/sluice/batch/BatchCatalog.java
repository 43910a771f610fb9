package dev.sluice.batch;

import dev.sluice.job.Visibility;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * Batches newest first, with the counts {@code reporting.BatchTracker} last took (exact once a
 * batch is finished), their rate and ETA; and one batch's progress over time. Reads the
 * {@code batch} and {@code batch_progress} tables only: a list never counts a batch's jobs.
 */
@Service
public class BatchCatalog {

    /** A batch's state as lists show it. */
    public enum State {
        /** Some jobs are still to run. */
        RUNNING,
        /** A cancel was asked; jobs already sent are still finishing. */
        CANCELLING,
        /** Every job has ended. */
        FINISHED,
        /** Every job has ended, after a cancel. */
        CANCELLED;

        public String wireName() {
            return name().toLowerCase();
        }

        /** The state for a wire name, or null. */
        public static State fromWire(String value) {
            for (State s : values()) {
                if (s.wireName().equals(value)) {
                    return s;
                }
            }
            return null;
        }

        private String condition() {
            return switch (this) {
                case RUNNING -> "b.finished_at IS NULL AND b.cancelled_at IS NULL";
                case CANCELLING -> "b.finished_at IS NULL AND b.cancelled_at IS NOT NULL";
                case FINISHED -> "b.finished_at IS NOT NULL AND b.cancelled_at IS NULL";
                case CANCELLED -> "b.finished_at IS NOT NULL AND b.cancelled_at IS NOT NULL";
            };
        }
    }

    /** What to list; null fields are not filtered on. {@code beforeId}: the cursor. */
    public record Filter(State state, Instant createdFrom, Instant createdTo, long beforeId) {}

    /** Counts by state, as last taken ({@code countedAt}; before the first count: all queued). */
    public record Counts(long queued, long running, long succeeded, long failed, long cancelled) {

        public long done() {
            return succeeded + failed + cancelled;
        }

        public long total() {
            return queued + running + done();
        }
    }

    /**
     * One batch: {@code jobsPerSecond} is how fast its jobs ended over the last five minutes of
     * counts, {@code etaSeconds} how long the rest would take at that rate (null when finished or
     * when nothing ended lately).
     */
    public record Summary(
            long id,
            long projectId,
            Instant createdAt,
            long jobCount,
            Counts counts,
            Instant countedAt,
            State state,
            Instant finishedAt,
            Instant cancelledAt,
            Double jobsPerSecond,
            Double etaSeconds) {}

    /** One count of a batch's jobs. */
    public record Point(Instant at, Counts counts) {}

    private final JdbcClient jdbc;

    BatchCatalog(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * Up to {@code limit} batches the caller sees, newest first. Index: batch_project_idx
     * (project_id, id) backwards for one project, the primary key backwards for an admin; the
     * rate's first point, one probe of batch_progress's primary key (batch_id, taken_at) per batch.
     */
    public List<Summary> list(Visibility visibility, Filter filter, int limit) {
        List<String> conditions = new ArrayList<>(List.of("b.id < :before"));
        if (visibility.onlyProject() != null) {
            conditions.add("b.project_id = :project");
        }
        if (filter.state() != null) {
            conditions.add(filter.state().condition());
        }
        if (filter.createdFrom() != null) {
            conditions.add("b.created_at >= :createdFrom");
        }
        if (filter.createdTo() != null) {
            conditions.add("b.created_at < :createdTo");
        }
        JdbcClient.StatementSpec statement = jdbc.sql(
                        SELECT + " WHERE " + String.join(" AND ", conditions) + " ORDER BY b.id DESC LIMIT :limit")
                .param("before", filter.beforeId())
                .param("limit", limit);
        if (visibility.onlyProject() != null) {
            statement = statement.param("project", visibility.onlyProject());
        }
        if (filter.createdFrom() != null) {
            statement = statement.param("createdFrom", Timestamp.from(filter.createdFrom()));
        }
        if (filter.createdTo() != null) {
            statement = statement.param("createdTo", Timestamp.from(filter.createdTo()));
        }
        return statement.query((rs, n) -> read(rs)).list();
    }

    /** The batch, if the caller sees it; else {@link BatchNotFoundException}. */
    public Summary get(long batchId, Visibility visibility) {
        return jdbc.sql(SELECT + " WHERE b.id = :id")
                .param("id", batchId)
                .query((rs, n) -> read(rs))
                .optional()
                .filter(b -> visibility.sees(b.projectId()))
                .orElseThrow(() -> new BatchNotFoundException(batchId));
    }

    /**
     * The batch's counts from {@code since} on, oldest first, at most {@code max} points evenly
     * thinned. Index: batch_progress's primary key (batch_id, taken_at).
     */
    public List<Point> progress(long batchId, Instant since, int max) {
        return jdbc.sql("""
                SELECT taken_at, queued, running, succeeded, failed, cancelled FROM (
                    SELECT *, row_number() OVER (ORDER BY taken_at) AS n, count(*) OVER () AS total
                    FROM batch_progress WHERE batch_id = :id AND taken_at >= :since) p
                WHERE (n - 1) % greatest(1, ceil(total::numeric / :max)::int) = 0 OR n = total
                ORDER BY taken_at
                """)
                .param("id", batchId)
                .param("since", Timestamp.from(since))
                .param("max", max)
                .query((rs, n) ->
                        new Point(rs.getObject("taken_at", OffsetDateTime.class).toInstant(), counts(rs)))
                .list();
    }

    private static final String SELECT = """
            SELECT b.id, b.project_id, b.created_at, coalesce(b.job_count, 0) AS job_count, b.counted_at,
                   b.queued, b.running, b.succeeded, b.failed, b.cancelled, b.finished_at, b.cancelled_at,
                   r.taken_at AS rate_from, r.done AS rate_done
            FROM batch b
            LEFT JOIN LATERAL (
                SELECT p.taken_at, p.succeeded + p.failed + p.cancelled AS done FROM batch_progress p
                WHERE p.batch_id = b.id AND p.taken_at >= b.counted_at - interval '5 minutes'
                ORDER BY p.taken_at LIMIT 1) r ON b.finished_at IS NULL
            """;

    private static Summary read(ResultSet rs) throws SQLException {
        Counts counts = counts(rs);
        Instant countedAt = instant(rs, "counted_at");
        Instant finishedAt = instant(rs, "finished_at");
        Instant cancelledAt = instant(rs, "cancelled_at");
        State state = finishedAt == null
                ? (cancelledAt == null ? State.RUNNING : State.CANCELLING)
                : (cancelledAt == null ? State.FINISHED : State.CANCELLED);
        Double rate = null;
        Double eta = null;
        Instant rateFrom = instant(rs, "rate_from");
        if (rateFrom != null && countedAt != null && countedAt.isAfter(rateFrom)) {
            double seconds = (countedAt.toEpochMilli() - rateFrom.toEpochMilli()) / 1000.0;
            rate = (counts.done() - rs.getLong("rate_done")) / seconds;
            long left = counts.queued() + counts.running();
            eta = rate > 0 ? left / rate : null;
        }
        return new Summary(
                rs.getLong("id"),
                rs.getLong("project_id"),
                instant(rs, "created_at"),
                rs.getLong("job_count"),
                counts,
                countedAt,
                state,
                finishedAt,
                cancelledAt,
                rate,
                eta);
    }

    private static Counts counts(ResultSet rs) throws SQLException {
        return new Counts(
                rs.getLong("queued"),
                rs.getLong("running"),
                rs.getLong("succeeded"),
                rs.getLong("failed"),
                rs.getLong("cancelled"));
    }

    private static Instant instant(ResultSet rs, String column) throws SQLException {
        OffsetDateTime t = rs.getObject(column, OffsetDateTime.class);
        return t == null ? null : t.toInstant();
    }
}
