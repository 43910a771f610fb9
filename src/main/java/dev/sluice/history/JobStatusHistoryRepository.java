package dev.sluice.history;

import java.util.List;
import org.springframework.data.repository.Repository;

/** Reads of the status history; served by job_status_history_job_idx (job_id, id). */
public interface JobStatusHistoryRepository extends Repository<JobStatusHistory, Long> {

    List<JobStatusHistory> findByJobIdOrderByIdAsc(long jobId);
}
