package dev.sluice.reporting;

import dev.sluice.job.Priority;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;

/**
 * The overview's charts over a range, from {@code project_snapshot} alone: per time bucket and
 * priority, the deepest the queue was, the jobs at work, how many finished, and the waits in
 * Sluice's queue and the upstream's. A bucket's p50 is the mean of its snapshots' p50s weighted
 * by their finished jobs; its p99, the highest of theirs (an upper bound, never an average that
 * would hide a bad minute).
 */
@Service
public class OverviewSeries {

    /** The ranges the dashboard offers, each with its bucket. */
    public enum Range {
        HOUR("1h", Duration.ofHours(1), Duration.ofMinutes(1)),
        DAY("24h", Duration.ofDays(1), Duration.ofMinutes(5)),
        WEEK("7d", Duration.ofDays(7), Duration.ofMinutes(30));

        private final String wireName;
        private final Duration length;
        private final Duration bucket;

        Range(String wireName, Duration length, Duration bucket) {
            this.wireName = wireName;
            this.length = length;
            this.bucket = bucket;
        }

        public String wireName() {
            return wireName;
        }

        public Duration length() {
            return length;
        }

        public Duration bucket() {
            return bucket;
        }

        /** The range for a wire name; the hour when the name is none of 1h, 24h, 7d. */
        public static Range fromWire(String value) {
            for (Range r : values()) {
                if (r.wireName.equals(value)) {
                    return r;
                }
            }
            return HOUR;
        }
    }

    /** One bucket of one priority. Waits are null where no job finished with a known wait. */
    public record Point(
            Instant at,
            Priority priority,
            long queued,
            long running,
            long finished,
            long failed,
            Double queueWaitP50,
            Double queueWaitP99,
            Double upstreamWaitP50,
            Double upstreamWaitP99) {}

    private final JdbcClient jdbc;

    OverviewSeries(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /**
     * The buckets of {@code range} ending at {@code now}, oldest first; one project's, or every
     * project's summed when {@code project} is null. The hour is read from each snapshot
     * (project_snapshot_project_idx (project_id, taken_at) for one project,
     * project_snapshot_taken_idx for all); a day or a week from the five-minute buckets
     * (project_snapshot_5m's primary key (project_id, bucket, priority); project 0 is all).
     */
    public List<Point> series(Long project, Range range, Instant now) {
        long width = range.bucket().toSeconds();
        JdbcClient.StatementSpec statement = range == Range.HOUR ? fromSnapshots(project) : fromBuckets(project);
        return statement
                .param("from", Timestamp.from(now.minus(range.length())))
                .param("to", Timestamp.from(now))
                .param("width", width)
                .query((rs, n) -> new Point(
                        rs.getObject("bucket", OffsetDateTime.class).toInstant(),
                        Priority.ofRank(rs.getInt("priority")),
                        rs.getLong("queued"),
                        rs.getLong("running"),
                        rs.getLong("finished"),
                        rs.getLong("failed"),
                        rs.getObject("q50", Double.class),
                        rs.getObject("q99", Double.class),
                        rs.getObject("u50", Double.class),
                        rs.getObject("u99", Double.class)))
                .list();
    }

    private JdbcClient.StatementSpec fromSnapshots(Long project) {
        JdbcClient.StatementSpec statement =
                jdbc.sql("""
                WITH t AS (
                    SELECT taken_at, priority, sum(queued) AS queued, sum(running) AS running,
                           sum(succeeded + failed + cancelled) AS finished, sum(failed) AS failed,
                           sum(queue_wait_p50_s * (succeeded + failed + cancelled)) AS qw,
                           sum(CASE WHEN queue_wait_p50_s IS NOT NULL THEN succeeded + failed + cancelled END) AS qn,
                           max(queue_wait_p99_s) AS q99,
                           sum(upstream_wait_p50_s * (succeeded + failed + cancelled)) AS uw,
                           sum(CASE WHEN upstream_wait_p50_s IS NOT NULL THEN succeeded + failed + cancelled END) AS un,
                           max(upstream_wait_p99_s) AS u99
                    FROM project_snapshot
                    WHERE taken_at > :from AND taken_at <= :to
                """ + (project == null ? "" : " AND project_id = :project") + """
                    GROUP BY taken_at, priority)
                SELECT to_timestamp(floor(extract(epoch FROM taken_at) / :width) * :width) AS bucket, priority,
                       max(queued) AS queued, max(running) AS running, sum(finished) AS finished,
                       sum(failed) AS failed, sum(qw) / nullif(sum(qn), 0) AS q50, max(q99) AS q99,
                       sum(uw) / nullif(sum(un), 0) AS u50, max(u99) AS u99
                FROM t GROUP BY 1, 2 ORDER BY 1, 2
                """);
        return project == null ? statement : statement.param("project", project);
    }

    private JdbcClient.StatementSpec fromBuckets(Long project) {
        return jdbc.sql("""
                SELECT to_timestamp(floor(extract(epoch FROM bucket) / :width) * :width) AS bucket, priority,
                       max(queued_max) AS queued, max(running_max) AS running, sum(finished) AS finished,
                       sum(failed) AS failed, sum(queue_wait_weighted) / nullif(sum(queue_wait_jobs), 0) AS q50,
                       max(queue_wait_p99_max) AS q99,
                       sum(upstream_wait_weighted) / nullif(sum(upstream_wait_jobs), 0) AS u50,
                       max(upstream_wait_p99_max) AS u99
                FROM project_snapshot_5m
                WHERE project_id = :project AND bucket > CAST(:from AS timestamptz) - interval '5 minutes'
                  AND bucket <= :to
                GROUP BY 1, 2 ORDER BY 1, 2
                """).param("project", project == null ? 0L : project);
    }
}
