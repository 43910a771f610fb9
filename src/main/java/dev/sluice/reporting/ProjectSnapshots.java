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
        return rows.size();
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

    /** Deletes the rows taken before {@code cutoff}; how many. Index: project_snapshot_taken_idx. */
    int deleteBefore(Instant cutoff) {
        return jdbc.sql("DELETE FROM project_snapshot WHERE taken_at < :cutoff")
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
