package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import org.junit.jupiter.api.Test;

/**
 * What a client or an operator does to one job ({@link JobActions}): cancel it while it has not
 * reached an answer, and send a failed one again with fresh attempts; each leaves a history row,
 * and neither applies in a state it does not name.
 */
@QuietSluiceTest
class JobActionsTest extends JobSqlTest {

    @Test
    void aQueuedOrClaimedJobCanBeCancelledAndSaysSo() {
        long queued = insert(Priority.NORMAL);
        long claimed = insert(Priority.HIGH);
        claim(1);

        assertThat(jobs.cancel(queued, now)).isTrue();
        assertThat(jobs.cancel(claimed, now)).isTrue();

        for (long id : new long[] {queued, claimed}) {
            Job row = jobs.findById(id).orElseThrow();
            assertThat(row.state()).isEqualTo(JobState.CANCELLED);
            assertThat(row.finishedAt()).isEqualTo(now);
            assertThat(row.leaseOwner()).isNull();
            assertThat(Fixtures.history(jdbc, id).getLast()).containsEntry("detail", "cancelled by client");
        }
    }

    @Test
    void aFinishedJobCannotBeCancelledNorAnUnknownOne() {
        long id = insert(Priority.NORMAL);
        ClaimedJob c = claim(1).getFirst();
        jobs.markSucceeded(c.fence(), "{\"ok\":true}", now, now);

        assertThat(jobs.cancel(id, now)).isFalse();
        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(jobs.cancel(id + 1000, now)).isFalse();
    }

    @Test
    void aFailedJobIsRetriedWithFreshAttemptsAndAQueuedOneIsNot() {
        long failed = insert(Priority.NORMAL);
        ClaimedJob c = claim(1).getFirst();
        jobs.markFailed(c.fence(), "the upstream said no", now);
        long queued = insert(Priority.NORMAL);

        assertThat(jobs.retry(failed, now.plusSeconds(5))).isTrue();
        assertThat(jobs.retry(queued, now.plusSeconds(5)))
                .as("only failed or submit_unknown")
                .isFalse();

        Job row = jobs.findById(failed).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.QUEUED);
        assertThat(row.attempts()).isZero();
        assertThat(row.finishedAt()).isNull();
        assertThat(Fixtures.history(jdbc, failed).getLast()).containsEntry("detail", "retried by operator");
        assertThat(jobs.claimNextBatch("noop", 10, OWNER, now.plusSeconds(5), now.plusSeconds(60)))
                .extracting(ClaimedJob::id)
                .contains(failed);
    }
}
