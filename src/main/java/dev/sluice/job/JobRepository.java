package dev.sluice.job;

import java.util.List;
import java.util.Optional;
import org.springframework.data.domain.Limit;
import org.springframework.data.repository.Repository;

/**
 * All SQL about the {@code job} table. Simple reads are derived queries on the read-only
 * {@link Job} entity; every write, and the hot-path reads, are native statements in
 * {@link JobCommands}, each of which appends its status-history rows in the same statement.
 */
public interface JobRepository extends Repository<Job, Long>, JobCommands {

    Optional<Job> findById(long id);

    Optional<Job> findByIdempotencyKey(String idempotencyKey);

    /** A page of a batch's jobs in creation order, after the cursor; served by job_batch_idx. */
    List<Job> findByBatchIdAndIdGreaterThanOrderByIdAsc(long batchId, long afterId, Limit limit);

    List<Job> findByBatchIdAndStateAndIdGreaterThanOrderByIdAsc(
            long batchId, JobState state, long afterId, Limit limit);
}
