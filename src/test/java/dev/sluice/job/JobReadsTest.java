package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Reads ({@link JobReads}): a job's newest queue answer from its upstream, and a batch's finished
 * jobs page by page.
 */
@QuietSluiceTest
class JobReadsTest extends JobSqlTest {

    @Test
    void theLastSnapshotIsTheNewestQueueAnswerSinceTheGivenTime() {
        long id = insert(Priority.NORMAL);
        ClaimedJob c = claim(1).getFirst();
        jobs.markSubmitted(c.fence(), "r-1", "s-1", now, now, now);
        assertThat(jobs.lastUpstreamSnapshot(id, now.minusSeconds(60)))
                .as("no answer yet")
                .isEmpty();

        poll(new QueueFields("pending", "active", null, 9, 20, 4.0, null, null), now.plusSeconds(1));
        poll(new QueueFields("pending", "active", null, 3, 20, 1.5, null, null), now.plusSeconds(2));

        LastSnapshot last = jobs.lastUpstreamSnapshot(id, now.minusSeconds(60)).orElseThrow();
        assertThat(last.observedAt()).isEqualTo(now.plusSeconds(2));
        assertThat(last.httpStatus()).isEqualTo(408);
        assertThat(last.queue().queuePosition()).isEqualTo(3);
        assertThat(last.queue().estimatedWaitS()).isEqualTo(1.5);
        assertThat(jobs.lastUpstreamSnapshot(id, now.plusSeconds(3)))
                .as("nothing observed since")
                .isEmpty();
    }

    private void poll(QueueFields fields, Instant at) {
        PolledJob p = jobs.claimDuePolls(OWNER, at, at.plusSeconds(30), 1).getFirst();
        jobs.recordPoll(p.fence(), new UpstreamObservation(408, fields, null), at, at);
    }

    @Test
    void aBatchsFinishedJobsComePageByPageAndTheUnfinishedAreLeftOut() {
        long batchId = 7;
        jdbc.sql("INSERT INTO batch (id, created_at) VALUES (?, ?)")
                .params(batchId, java.sql.Timestamp.from(now))
                .update();
        long[] ids = new long[4];
        for (int i = 0; i < ids.length; i++) {
            ids[i] = insert(Priority.NORMAL);
        }
        jdbc.sql("UPDATE job SET batch_id = ?, custom_id = 'c-' || id")
                .param(batchId)
                .update();
        jobs.cancel(ids[0], now);
        jobs.cancel(ids[1], now);
        jobs.cancel(ids[3], now);

        List<FinishedJob> first = jobs.findFinishedInBatch(batchId, 0, 2);
        List<FinishedJob> next =
                jobs.findFinishedInBatch(batchId, first.getLast().id(), 2);

        assertThat(first).extracting(FinishedJob::id).containsExactly(ids[0], ids[1]);
        assertThat(first.getFirst().customId()).isEqualTo("c-" + ids[0]);
        assertThat(first.getFirst().state()).isEqualTo(JobState.CANCELLED);
        assertThat(next)
                .extracting(FinishedJob::id)
                .as("the queued one is left out")
                .containsExactly(ids[3]);
        assertThat(jobs.findFinishedInBatch(batchId, ids[3], 2)).isEmpty();
    }
}
