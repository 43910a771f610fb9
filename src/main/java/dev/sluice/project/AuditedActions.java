package dev.sluice.project;

import dev.sluice.job.Job;
import dev.sluice.job.JobService;
import java.util.Map;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Changes to jobs that say who made them: the change and its {@code audit_event} row commit
 * together, so there is never one without the other.
 */
@Service
public class AuditedActions {

    private final JobService jobs;
    private final AuditLog audit;
    private final TransactionTemplate transaction;

    AuditedActions(JobService jobs, AuditLog audit, TransactionTemplate transaction) {
        this.jobs = jobs;
        this.audit = audit;
        this.transaction = transaction;
    }

    /** Cancels the job if the caller sees it; true when it was cancelled now. */
    public boolean cancel(Caller by, long id) {
        return Boolean.TRUE.equals(transaction.execute(status -> {
            boolean cancelled = jobs.cancel(id, by.visibility());
            audit.record(by, "job.cancel", "job:" + id, Map.of("cancelled", cancelled));
            return cancelled;
        }));
    }

    /**
     * Retries the job if the caller sees it, within its project's queue limit when the caller's
     * project is the job's (an admin acting on another project's job is not limited).
     */
    public Job retry(Caller by, long id) {
        return transaction.execute(status -> {
            Job retried = jobs.retry(id, by.visibility(), by.owner());
            audit.record(
                    by,
                    "job.retry",
                    "job:" + id,
                    Map.of("state", retried.state().wireName()));
            return retried;
        });
    }
}
