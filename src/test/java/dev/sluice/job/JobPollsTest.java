package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Polls ({@link JobPolls}): due polls are leased soonest first and never twice at once, an answer
 * is written only under its poll lease, and each leaves its history row with the queue fields the
 * upstream gave.
 */
@QuietSluiceTest
class JobPollsTest extends JobSqlTest {

    private static final QueueFields WAITING =
            new QueueFields("pending", "active", null, 12, 40, 3.5, "{\"done\":0.25}", 1.0);

    /** A submitted job, its first poll due {@code dueInSeconds} from now. */
    private long submitted(int dueInSeconds) {
        long id = insert(Priority.NORMAL);
        ClaimedJob c =
                jobs.claimNextBatch("noop", 1, OWNER, now, now.plusSeconds(60)).getFirst();
        assertThat(c.id()).isEqualTo(id);
        assertThat(jobs.markSubmitted(c.fence(), "req-" + id, "s-1", now, now.plusSeconds(dueInSeconds), now))
                .isTrue();
        return id;
    }

    @Test
    void duePollsAreLeasedSoonestFirstAndALiveLeaseIsPassedOver() {
        long later = submitted(2);
        long sooner = submitted(1);
        submitted(60);

        List<PolledJob> first = jobs.claimDuePolls("poller-a", now.plusSeconds(5), now.plusSeconds(30), 1);
        List<PolledJob> second = jobs.claimDuePolls("poller-b", now.plusSeconds(5), now.plusSeconds(30), 10);

        assertThat(first).extracting(PolledJob::id).containsExactly(sooner);
        assertThat(first.getFirst().upstreamRequestId()).isEqualTo("req-" + sooner);
        assertThat(second)
                .extracting(PolledJob::id)
                .as("the leased one and the one not due are left")
                .containsExactly(later);
        assertThat(jobs.claimDuePolls("poller-c", now.plusSeconds(31), now.plusSeconds(60), 10))
                .extracting(PolledJob::id)
                .as("expired poll leases are due again")
                .containsExactlyInAnyOrder(sooner, later);
    }

    @Test
    void aPendingAnswerIsWrittenUnderItsLeaseWithItsQueueFields() {
        long id = submitted(0);
        PolledJob polled =
                jobs.claimDuePolls("poller-a", now, now.plusSeconds(30), 10).getFirst();
        UpstreamObservation answer = new UpstreamObservation(408, WAITING, "{\"x-queue-depth\":\"40\"}");

        Fence stranger = new Fence(id, "poller-b", polled.attempt());
        assertThat(jobs.recordPoll(stranger, answer, now.plusSeconds(9), now))
                .as("not its lease")
                .isFalse();
        assertThat(jobs.recordPoll(polled.fence(), answer, now.plusSeconds(1), now.plusSeconds(1)))
                .isTrue();

        Map<String, Object> row = Fixtures.history(jdbc, id).getLast();
        assertThat(row)
                .containsEntry("source", "upstream")
                .containsEntry("state", "submitted")
                .containsEntry("http_status", 408)
                .containsEntry("status", "pending")
                .containsEntry("queue_state", "active")
                .containsEntry("queue_position", 12)
                .containsEntry("queue_depth", 40)
                .containsEntry("estimated_wait_s", 3.5)
                .containsEntry("retry_after_s", 1.0);
        assertThat(String.valueOf(row.get("progress"))).contains("\"done\": 0.25");
        Job job = jobs.findById(id).orElseThrow();
        assertThat(job.leaseOwner()).as("the poll lease is given back").isNull();
        assertThat(job.startedAt()).as("still waiting upstream").isNull();
    }

    @Test
    void aFailedPollCountsAndIsRecordedWithItsStatus() {
        long id = submitted(0);
        PolledJob polled =
                jobs.claimDuePolls("poller-a", now, now.plusSeconds(30), 10).getFirst();

        assertThat(jobs.recordPollError(polled.fence(), 503, "upstream unavailable", now.plusSeconds(2), now))
                .isTrue();

        assertThat(Fixtures.history(jdbc, id).getLast())
                .containsEntry("http_status", 503)
                .containsEntry("detail", "upstream unavailable");
        PolledJob again = jobs.claimDuePolls("poller-a", now.plusSeconds(2), now.plusSeconds(30), 10)
                .getFirst();
        assertThat(again.pollErrors()).isEqualTo(1);
    }
}
