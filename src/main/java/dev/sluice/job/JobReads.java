package dev.sluice.job;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Reads of one job's last upstream snapshot, and of a batch's finished jobs. */
public interface JobReads {

    /**
     * The newest snapshot the upstream gave for the job, if any, looking only at history observed
     * from {@code since} on (history is partitioned by day: older partitions are not read).
     */
    Optional<LastSnapshot> lastUpstreamSnapshot(long jobId, Instant since);

    /** One page of a batch's finished jobs (succeeded, failed, cancelled) after the cursor, by id. */
    List<FinishedJob> findFinishedInBatch(long batchId, long afterId, int limit);

    /** As {@link #findFinishedInBatch}, only the succeeded jobs ({@code succeeded}) or only the others. */
    List<FinishedJob> findFinishedInBatch(long batchId, boolean succeeded, long afterId, int limit);

    /** The job's state alone (null when there is no such job): what a waiting client polls. */
    JobState stateOf(long jobId);

    /** When the batch's last finished job finished; null while none has. */
    Instant lastFinishedInBatch(long batchId);

    /** One finished job's waits in Sluice's queue and the upstream's, seconds (null: not known). */
    record Waits(Double queueWaitS, Double upstreamWaitS) {}

    /** The waits of the batch's last {@code limit} finished jobs (by id). */
    List<Waits> waitsInBatch(long batchId, int limit);
}
