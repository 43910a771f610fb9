package dev.sluice.job;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.repository.Repository;

/**
 * All SQL about the {@code job} table, by the stage it serves: {@link JobIntake}, {@link JobClaims},
 * {@link JobOutcomes}, {@link JobReturns}, {@link JobPolls}, {@link JobLeases}, {@link JobActions},
 * {@link JobCounts}, {@link JobReads}, {@link JobSearches} and {@link JobRetention}, each a file of whole native
 * statements (its {@code Impl}) with what it locks and the index it uses; every change of state
 * appends its status-history row in the same statement. Simple reads are derived queries on the
 * read-only {@link Job} entity, here.
 */
public interface JobRepository
        extends Repository<Job, Long>,
                JobIntake,
                JobClaims,
                JobOutcomes,
                JobReturns,
                JobPolls,
                JobLeases,
                JobActions,
                JobCounts,
                JobReads,
                JobSearches,
                JobRetention {

    Optional<Job> findById(long id);

    Optional<Job> findByProjectIdAndIdempotencyKey(long projectId, String idempotencyKey);

    /** A page of a batch's jobs in creation order, after the cursor; served by job_batch_idx. */
    List<Job> findByBatchIdAndIdGreaterThanOrderByIdAsc(long batchId, long afterId, Limit limit);

    List<Job> findByBatchIdAndStateAndIdGreaterThanOrderByIdAsc(
            long batchId, JobState state, long afterId, Limit limit);
}
