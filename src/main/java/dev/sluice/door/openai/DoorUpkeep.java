package dev.sluice.door.openai;

import dev.sluice.job.JobRepository;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.Pass;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The door's upkeep, every {@code sluice.doors.openai.expiry-interval}. It expires OpenAI batches
 * past their completion window, as OpenAI does: it cancels the jobs of such a batch that were not yet sent
 * (they go to its error file as {@code batch_expired}); the jobs already sent finish and keep their
 * results. A batch with nothing left to cancel only has its window closed, keeping its status.
 * It finishes cancels: a cancelled batch's unsent jobs past the first page the cancel call took.
 * And it forgets the chat door's requests older than the hour in which a retry finds its job.
 * Every instance may do it: the cancel skips rows another holds, and closing is idempotent.
 */
@Component
class DoorUpkeep implements Background {

    private static final Logger log = LoggerFactory.getLogger(DoorUpkeep.class);
    private static final int BATCHES_PER_PASS = 100;

    private final BatchStore store;
    private final DoorRequests requests;
    private final JobRepository jobs;
    private final OpenAiDoorProperties properties;
    private final Clock clock;
    private final Loop loop;

    DoorUpkeep(
            BatchStore store, DoorRequests requests, JobRepository jobs, OpenAiDoorProperties properties, Clock clock) {
        this.store = store;
        this.requests = requests;
        this.jobs = jobs;
        this.properties = properties;
        this.clock = clock;
        this.loop = new Loop("sluice-openai-door-upkeep", this::runOnce);
    }

    @Override
    public List<Loop> loops() {
        return List.of(loop);
    }

    /** One look for batches past their window, cancels to finish and old requests; what it did. */
    public Pass runOnce() {
        Instant now = clock.instant();
        int forgotten = requests.deleteCreatedBefore(now.minus(ChatDoor.RETRY_WINDOW));
        List<Long> due = store.findExpiring(now, BATCHES_PER_PASS);
        for (long batchId : due) {
            long cancelled = dev.sluice.batch.BatchActions.cancelUnsent(jobs, batchId, BatchOutput.EXPIRED, now);
            store.closeWindow(batchId, cancelled > 0, now);
            if (cancelled > 0) {
                log.info("batch_{} expired: {} job(s) not sent in its window were cancelled", batchId, cancelled);
            }
        }
        List<Long> cancelling = store.findCancelling(BATCHES_PER_PASS);
        for (long batchId : cancelling) {
            // Jobs a claimer held a moment ago were skipped by one statement and taken by the
            // next; the cancel is finished when a statement found nothing left.
            dev.sluice.batch.BatchActions.cancelUnsent(jobs, batchId, BatchOutput.CANCELLED, now);
            store.finishCancel(batchId);
        }
        int done = due.size() + cancelling.size() + forgotten;
        return due.size() == BATCHES_PER_PASS || cancelling.size() == BATCHES_PER_PASS
                ? Pass.busy(done)
                : Pass.after(done, properties.expiryInterval());
    }
}
