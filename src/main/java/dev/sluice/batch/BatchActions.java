package dev.sluice.batch;

import dev.sluice.job.JobRepository;
import dev.sluice.job.JobService;
import dev.sluice.job.JobsEnqueued;
import dev.sluice.project.AuditLog;
import dev.sluice.project.Caller;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * What an operator does to a whole batch: cancel what is not yet sent, or send its failed jobs
 * again. Each takes the batch row's lock first (the order BatchTracker takes it in too), so a
 * count never marks a batch finished that a retry is reopening; each writes its audit row.
 */
@Service
public class BatchActions {

    /** Jobs changed per statement: short statements, few row locks at a time. */
    private static final int CHUNK = 5_000;

    /** What a cancel or a retry did: how many jobs it moved. */
    public record Outcome(long batchId, long jobs) {}

    private final JdbcClient jdbc;
    private final JobRepository jobs;
    private final BatchRepository batches;
    private final AuditLog audit;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    BatchActions(
            JdbcClient jdbc,
            JobRepository jobs,
            BatchRepository batches,
            AuditLog audit,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            Clock clock) {
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.batches = batches;
        this.audit = audit;
        this.transaction = transaction;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Marks the batch cancelled and cancels every job of it not yet sent (queued, claimed,
     * submit_unknown); jobs already sent finish as they will. A job a claimer holds at this moment
     * is passed over here and cancelled by BatchTracker's next pass.
     */
    public Outcome cancel(Caller by, long batchId) {
        Instant now = clock.instant();
        transaction.executeWithoutResult(status -> {
            lockVisible(by, batchId);
            // A finished batch stays finished: there is nothing left to cancel.
            jdbc.sql(
                            "UPDATE batch SET cancelled_at = coalesce(cancelled_at, :now) WHERE id = :id AND finished_at IS NULL")
                    .param("now", Timestamp.from(now))
                    .param("id", batchId)
                    .update();
        });
        long cancelled = cancelUnsent(batchId, now);
        audit.record(by, "batch.cancel", "batch:" + batchId, Map.of("cancelled", cancelled));
        return new Outcome(batchId, cancelled);
    }

    /** Cancels the batch's unsent jobs as an operator's cancel does; how many. */
    public long cancelUnsent(long batchId, Instant now) {
        return cancelUnsent(jobs, batchId, "batch cancelled by operator", now);
    }

    /**
     * Cancels the batch's unsent jobs with {@code detail} as their error, a chunk per statement,
     * until a statement finds none; how many.
     */
    public static long cancelUnsent(JobRepository jobs, long batchId, String detail, Instant now) {
        long cancelled = 0;
        for (int n = jobs.cancelUnsentInBatch(batchId, detail, CHUNK, now);
                n > 0;
                n = jobs.cancelUnsentInBatch(batchId, detail, CHUNK, now)) {
            cancelled += n;
        }
        return cancelled;
    }

    /**
     * Queues the batch's failed jobs again, with fresh attempts, at the head of their queues, and
     * reopens the batch; all or nothing, within the project's queue limit when the batch is the
     * caller's project's.
     */
    public Outcome retryFailed(Caller by, long batchId) {
        Instant now = clock.instant();
        Map<String, Long> retried = new HashMap<>();
        transaction.executeWithoutResult(status -> {
            // Locks in the one order: the project's enqueue lock (checkRoom), the batch row, jobs.
            long project = BatchProgress.find(batches, batchId, by.visibility()).projectId();
            if (project == by.project().id()) {
                JobService.checkRoom(jobs, by.owner(), jobs.countFailedInBatch(batchId));
            }
            lockVisible(by, batchId);
            for (Map<String, Integer> chunk = jobs.retryFailedInBatch(batchId, CHUNK, now);
                    !chunk.isEmpty();
                    chunk = jobs.retryFailedInBatch(batchId, CHUNK, now)) {
                chunk.forEach((upstream, n) -> retried.merge(upstream, (long) n, Long::sum));
            }
            if (!retried.isEmpty()) {
                // Index: the primary key. BatchTracker counts it again from its next pass.
                jdbc.sql("UPDATE batch SET finished_at = NULL, cancelled_at = NULL WHERE id = :id")
                        .param("id", batchId)
                        .update();
            }
            audit.record(by, "batch.retry_failed", "batch:" + batchId, Map.of("retried", total(retried)));
        });
        if (!retried.isEmpty()) {
            events.publishEvent(new JobsEnqueued(retried.keySet()));
        }
        return new Outcome(batchId, total(retried));
    }

    private static long total(Map<String, Long> byUpstream) {
        return byUpstream.values().stream().mapToLong(Long::longValue).sum();
    }

    /**
     * Locks the batch row (FOR UPDATE, by primary key) until the caller's transaction ends, if the
     * caller sees it; its project.
     */
    private long lockVisible(Caller by, long batchId) {
        Long project = jdbc.sql("SELECT project_id FROM batch WHERE id = :id FOR UPDATE")
                .param("id", batchId)
                .query(Long.class)
                .optional()
                .orElse(null);
        if (project == null || !by.visibility().sees(project)) {
            throw new BatchNotFoundException(batchId);
        }
        return project;
    }
}
