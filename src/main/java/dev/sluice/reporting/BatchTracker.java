package dev.sluice.reporting;

import dev.sluice.batch.BatchActions;
import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobState;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.Pass;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Counts each unfinished batch's jobs by state every {@code snapshot-interval}: the counts go on
 * the batch row (what batch lists show without counting) and into {@code batch_progress} (its
 * progress over time, and its rate for the ETA). A batch with nothing left to run is marked
 * finished and no longer counted. A cancelled batch's unsent jobs that a claimer held at the
 * moment of the cancel are cancelled here. Instances share the work: each batch is counted under
 * its row lock, taken with SKIP LOCKED, by whichever instance finds it due.
 */
@Component
class BatchTracker implements Background {

    /** Batches counted per pass at most; a pass with more due runs again at once. */
    private static final int PER_PASS = 100;

    private final JdbcClient jdbc;
    private final JobRepository jobs;
    private final BatchActions actions;
    private final TransactionTemplate tx;
    private final ReportingProperties properties;
    private final DispatchProperties dispatch;
    private final Clock clock;
    private final Loop loop;

    BatchTracker(
            JdbcClient jdbc,
            JobRepository jobs,
            BatchActions actions,
            TransactionTemplate tx,
            ReportingProperties properties,
            DispatchProperties dispatch,
            Clock clock) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.actions = actions;
        this.tx = tx;
        this.properties = properties;
        this.dispatch = dispatch;
        this.clock = clock;
        this.loop = new Loop("sluice-batch-tracker", this::runOnce).firstPassOnStart();
    }

    /**
     * When a batch is due: 80% of the interval after its last count, one interval more for each
     * 100,000 jobs it has (a count reads every job of the batch: a million-job batch is counted
     * every eleven intervals, so counting never takes more than a small share of the database).
     */
    private static final String DUE = "(counted_at IS NULL OR counted_at <= CAST(:now AS timestamptz)"
            + " - make_interval(secs => :intervalS * (0.8 + coalesce(job_count, 0) / 100000.0)))";

    /** Counts the unfinished batches that are due; done is how many. */
    public Pass runOnce() {
        Instant now = clock.instant();
        // Index: batch_open_idx (id) WHERE finished_at IS NULL: only the unfinished batches.
        List<Long> ids = jdbc.sql(
                        "SELECT id FROM batch WHERE finished_at IS NULL AND " + DUE + " ORDER BY id LIMIT :limit")
                .param("now", Timestamp.from(now))
                .param("intervalS", properties.snapshotInterval().toMillis() / 1000.0)
                .param("limit", PER_PASS)
                .query(Long.class)
                .list();
        int counted = 0;
        for (long id : ids) {
            if (Boolean.TRUE.equals(tx.execute(status -> count(id, now)))) {
                counted++;
            }
        }
        return ids.size() == PER_PASS ? Pass.busy(counted) : Pass.after(counted, properties.snapshotInterval());
    }

    /** Counts one batch under its row lock; false when another instance holds it or counted it. */
    private boolean count(long id, Instant now) {
        // The batch row's lock, as BatchActions takes it: a retry reopening it waits for this count.
        List<Boolean> cancelled = jdbc.sql("SELECT cancelled_at IS NOT NULL FROM batch WHERE id = :id"
                        + " AND finished_at IS NULL AND " + DUE + " FOR UPDATE SKIP LOCKED")
                .param("id", id)
                .param("now", Timestamp.from(now))
                .param("intervalS", properties.snapshotInterval().toMillis() / 1000.0)
                .query(Boolean.class)
                .list();
        if (cancelled.isEmpty()) {
            return false;
        }
        if (cancelled.getFirst()) {
            actions.cancelUnsent(id, now);
        }
        // Index: job_batch_idx (batch_id, id); every job of the batch is read.
        Map<JobState, Long> byState = jobs.countByStateInBatch(id);
        long queued = byState.get(JobState.QUEUED);
        long running =
                byState.get(JobState.CLAIMED) + byState.get(JobState.SUBMITTED) + byState.get(JobState.SUBMIT_UNKNOWN);
        jdbc.sql("""
                WITH counted AS (
                    UPDATE batch SET counted_at = :now, queued = :queued, running = :running,
                        succeeded = :succeeded, failed = :failed, cancelled = :cancelled,
                        job_count = coalesce(job_count, :queued + :running + :succeeded + :failed + :cancelled),
                        finished_at = CASE WHEN :queued + :running = 0 THEN CAST(:now AS timestamptz) END
                    WHERE id = :id
                    RETURNING id)
                INSERT INTO batch_progress (batch_id, taken_at, queued, running, succeeded, failed, cancelled)
                SELECT id, :now, :queued, :running, :succeeded, :failed, :cancelled FROM counted
                ON CONFLICT (batch_id, taken_at) DO NOTHING
                """)
                .param("id", id)
                .param("now", Timestamp.from(now))
                .param("queued", queued)
                .param("running", running)
                .param("succeeded", byState.get(JobState.SUCCEEDED))
                .param("failed", byState.get(JobState.FAILED))
                .param("cancelled", byState.get(JobState.CANCELLED))
                .update();
        return true;
    }

    @Override
    public List<Loop> loops() {
        return dispatch.onlyWhereEnabled(loop);
    }
}
