package dev.sluice.batch;

import dev.sluice.job.Job;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobState;
import dev.sluice.job.Visibility;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.springframework.data.domain.Limit;
import org.springframework.stereotype.Service;

/** A batch's progress, derived from its jobs at the moment of asking, and its jobs page by page. */
@Service
public class BatchProgress {

    /** Counts per state; {@code finished} when no job is left to run. */
    public record Status(long id, Instant createdAt, long total, Map<JobState, Long> counts, boolean finished) {

        /**
         * The batch as its last count (by the batch tracker) has it: jobs at work are shown as
         * claimed, and it is finished once the tracker has marked it so.
         */
        public static Status of(BatchCatalog.Summary b) {
            Map<JobState, Long> counts = new java.util.EnumMap<>(JobState.class);
            for (JobState s : JobState.values()) {
                counts.put(s, 0L);
            }
            counts.put(JobState.QUEUED, b.counts().queued());
            counts.put(JobState.CLAIMED, b.counts().running());
            counts.put(JobState.SUCCEEDED, b.counts().succeeded());
            counts.put(JobState.FAILED, b.counts().failed());
            counts.put(JobState.CANCELLED, b.counts().cancelled());
            return new Status(b.id(), b.createdAt(), b.jobCount(), counts, b.finishedAt() != null);
        }
    }

    private final BatchRepository batches;
    private final JobRepository jobs;

    BatchProgress(BatchRepository batches, JobRepository jobs) {
        this.batches = batches;
        this.jobs = jobs;
    }

    /** The batch, if the caller sees it; else {@link BatchNotFoundException}, as for no batch. */
    static Batch find(BatchRepository batches, long batchId, Visibility visibility) {
        return batches.findById(batchId)
                .filter(b -> visibility.sees(b.projectId()))
                .orElseThrow(() -> new BatchNotFoundException(batchId));
    }

    public Status status(long batchId, Visibility visibility) {
        Batch batch = find(batches, batchId, visibility);
        Map<JobState, Long> counts = jobs.countByStateInBatch(batchId);
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        long open = counts.entrySet().stream()
                .filter(e -> !e.getKey().isFinal())
                .mapToLong(Map.Entry::getValue)
                .sum();
        return new Status(batch.id(), batch.createdAt(), total, counts, open == 0);
    }

    /** Up to {@code limit} jobs after the cursor, in creation order; state may be null (all). */
    public List<Job> jobs(long batchId, Visibility visibility, JobState state, long afterId, int limit) {
        find(batches, batchId, visibility);
        return state == null
                ? jobs.findByBatchIdAndIdGreaterThanOrderByIdAsc(batchId, afterId, Limit.of(limit))
                : jobs.findByBatchIdAndStateAndIdGreaterThanOrderByIdAsc(batchId, state, afterId, Limit.of(limit));
    }
}
