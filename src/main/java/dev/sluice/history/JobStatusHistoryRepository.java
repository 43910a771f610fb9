package dev.sluice.history;

import java.util.List;
import org.springframework.data.repository.Repository;

/**
 * Reads of a job's status history, oldest first, from the view job_history (V018): served by
 * job_status_history_job_idx (job_id, id) and job_pkey.
 */
public interface JobStatusHistoryRepository extends Repository<JobStatusHistory, Long> {

    List<JobStatusHistory> findByJobIdOrderByObservedAtAscOrdAscRowKeyAsc(long jobId);
}
