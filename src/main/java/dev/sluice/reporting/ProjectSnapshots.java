package dev.sluice.reporting;

import dev.sluice.job.JobCounts;
import dev.sluice.job.JobRepository;
import dev.sluice.job.Priority;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * Writes {@code project_snapshot}: per project and priority, the jobs queued and at work now, and
 * the jobs that finished since the last snapshot with their waits. Called by
 * {@link QueueSnapshotter} in its transaction, by the one instance that takes the interval's
 * snapshot.
 */
@Component
class ProjectSnapshots {

    /** A finish committed this long after its finished_at is still counted, in the next window. */
    private static final Duration COMMIT_LAG = Duration.ofSeconds(2);

    /** The longest window counted at once (after a long stop, the rest is not counted). */
    private static final Duration MAX_WINDOW = Duration.ofHours(1);

    /** How long each snapshot is kept (its five-minute bucket, as long as snapshot-retention). */
    private static final Duration RAW_KEPT = Duration.ofDays(2);

    private final JdbcClient jdbc;
    private final JobRepository jobs;

    ProjectSnapshots(JdbcClient jdbc, JobRepository jobs) {
        this.jdbc = jdbc;
        this.jobs = jobs;
    }

    /** Takes the snapshot at {@code now}; the rows written. */
    int take(Instant now, Duration interval) {
        Instant upTo = now.minus(COMMIT_LAG);
        // Index: project_snapshot_taken_idx, backwards: the newest row's window end.
        Instant after = jdbc.sql("SELECT counted_to FROM project_snapshot ORDER BY taken_at DESC LIMIT 1")
                .query(OffsetDateTime.class)
                .optional()
                .map(OffsetDateTime::toInstant)
                .orElse(upTo.minus(interval));
        if (after.isBefore(upTo.minus(MAX_WINDOW))) {
            after = upTo.minus(MAX_WINDOW);
        }
        if (!after.isBefore(upTo)) {
            return 0;
        }
        Map<String, Row> rows = new LinkedHashMap<>();
        for (JobCounts.ProjectLoad l : jobs.countProjectLoads()) {
            Row r = rows.computeIfAbsent(l.projectId() + "/" + l.priority(), k -> new Row(l.projectId(), l.priority()));
            r.queued = l.queued();
            r.running = l.running();
        }
        for (JobCounts.FinishedWindow f : jobs.finishedBetween(after, upTo)) {
            rows.computeIfAbsent(f.projectId() + "/" + f.priority(), k -> new Row(f.projectId(), f.priority()))
                    .finished = f;
        }
        for (Row r : rows.values()) {
            insert(now, upTo, r);
        }
        rollUp(now);
        return rows.size();
    }

    /**
     * Adds the snapshot taken at {@code now} into its five-minute bucket, per project and for every
     * project together (project 0). Index: project_snapshot_taken_idx for the snapshot's rows; the
     * bucket rows by primary key (ON CONFLICT), updated in place.
     */
    private void rollUp(Instant now) {
        jdbc.sql("""
                WITH s AS (
                    SELECT date_bin('5 minutes', taken_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket,
                           project_id, priority, queued, running, succeeded + failed + cancelled AS finished, failed,
                           queue_wait_p50_s, queue_wait_p99_s, upstream_wait_p50_s, upstream_wait_p99_s
                    FROM project_snapshot WHERE taken_at = :now),
                rows AS (
                    SELECT bucket, project_id, priority, queued, running, finished, failed,
                           coalesce(queue_wait_p50_s * finished, 0) AS qw,
                           CASE WHEN queue_wait_p50_s IS NULL THEN 0 ELSE finished END AS qn, queue_wait_p99_s AS q99,
                           coalesce(upstream_wait_p50_s * finished, 0) AS uw,
                           CASE WHEN upstream_wait_p50_s IS NULL THEN 0 ELSE finished END AS un,
                           upstream_wait_p99_s AS u99
                    FROM s
                    UNION ALL
                    SELECT bucket, 0, priority, sum(queued), sum(running), sum(finished), sum(failed),
                           sum(coalesce(queue_wait_p50_s * finished, 0)),
                           sum(CASE WHEN queue_wait_p50_s IS NULL THEN 0 ELSE finished END), max(queue_wait_p99_s),
                           sum(coalesce(upstream_wait_p50_s * finished, 0)),
                           sum(CASE WHEN upstream_wait_p50_s IS NULL THEN 0 ELSE finished END), max(upstream_wait_p99_s)
                    FROM s GROUP BY bucket, priority)
                INSERT INTO project_snapshot_5m AS t (bucket, project_id, priority, queued_max, running_max, finished,
                    failed, queue_wait_weighted, queue_wait_jobs, queue_wait_p99_max, upstream_wait_weighted,
                    upstream_wait_jobs, upstream_wait_p99_max)
                SELECT * FROM rows
                ON CONFLICT (project_id, bucket, priority) DO UPDATE SET
                    queued_max = greatest(t.queued_max, EXCLUDED.queued_max),
                    running_max = greatest(t.running_max, EXCLUDED.running_max),
                    finished = t.finished + EXCLUDED.finished,
                    failed = t.failed + EXCLUDED.failed,
                    queue_wait_weighted = t.queue_wait_weighted + EXCLUDED.queue_wait_weighted,
                    queue_wait_jobs = t.queue_wait_jobs + EXCLUDED.queue_wait_jobs,
                    queue_wait_p99_max = greatest(t.queue_wait_p99_max, EXCLUDED.queue_wait_p99_max),
                    upstream_wait_weighted = t.upstream_wait_weighted + EXCLUDED.upstream_wait_weighted,
                    upstream_wait_jobs = t.upstream_wait_jobs + EXCLUDED.upstream_wait_jobs,
                    upstream_wait_p99_max = greatest(t.upstream_wait_p99_max, EXCLUDED.upstream_wait_p99_max)
                """).param("now", Timestamp.from(now)).update();
    }

    private void insert(Instant now, Instant upTo, Row r) {
        JobCounts.FinishedWindow f = r.finished;
        jdbc.sql("""
                INSERT INTO project_snapshot (taken_at, counted_to, project_id, priority, queued, running, succeeded,
                    failed, cancelled, queue_wait_p50_s, queue_wait_p99_s, upstream_wait_p50_s, upstream_wait_p99_s)
                VALUES (:takenAt, :countedTo, :project, :priority, :queued, :running, :succeeded, :failed, :cancelled,
                    :q50, :q99, :u50, :u99)
                """)
                .param("takenAt", Timestamp.from(now))
                .param("countedTo", Timestamp.from(upTo))
                .param("project", r.projectId)
                .param("priority", r.priority.rank())
                .param("queued", r.queued)
                .param("running", r.running)
                .param("succeeded", f == null ? 0 : f.succeeded())
                .param("failed", f == null ? 0 : f.failed())
                .param("cancelled", f == null ? 0 : f.cancelled())
                .param("q50", f == null ? null : f.queueWaitP50(), java.sql.Types.DOUBLE)
                .param("q99", f == null ? null : f.queueWaitP99(), java.sql.Types.DOUBLE)
                .param("u50", f == null ? null : f.upstreamWaitP50(), java.sql.Types.DOUBLE)
                .param("u99", f == null ? null : f.upstreamWaitP99(), java.sql.Types.DOUBLE)
                .update();
    }

    /**
     * Deletes the snapshots and buckets from before {@code cutoff}; how many rows. Index:
     * project_snapshot_taken_idx, project_snapshot_5m_bucket_idx.
     */
    int deleteBefore(Instant cutoff, Instant now) {
        // Only the last hour is ever drawn from each snapshot (a day and a week from the buckets):
        // the snapshots themselves are kept two days.
        Instant raw = cutoff.isAfter(now.minus(RAW_KEPT)) ? cutoff : now.minus(RAW_KEPT);
        return jdbc.sql("DELETE FROM project_snapshot WHERE taken_at < :cutoff")
                        .param("cutoff", Timestamp.from(raw))
                        .update()
                + jdbc.sql("DELETE FROM project_snapshot_5m WHERE bucket < :cutoff")
                        .param("cutoff", Timestamp.from(cutoff))
                        .update();
    }

    private static final class Row {
        final long projectId;
        final Priority priority;
        long queued;
        long running;
        JobCounts.FinishedWindow finished;

        Row(long projectId, Priority priority) {
            this.projectId = projectId;
            this.priority = priority;
        }
    }
}
