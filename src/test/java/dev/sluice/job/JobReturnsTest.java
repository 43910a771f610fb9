package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Back to the queue ({@link JobReturns}): a failure that used its attempt, a "not now" that did not.
 */
@QuietSluiceTest
class JobReturnsTest extends JobSqlTest {

    @Test
    void aDeferralGivesTheAttemptBack() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = claim(1).getFirst();

        assertThat(jobs.defer(claimed.fence(), now.plusSeconds(5), "HTTP 429: slow down", now))
                .isTrue();

        Job row = jobs.findById(id).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.QUEUED);
        assertThat(row.attempts()).isZero();
        assertThat(row.runAfter()).isEqualTo(now.plusSeconds(5));
        assertThat(row.error()).isEqualTo("HTTP 429: slow down");
        assertThat(claim(1)).isEmpty();
    }

    @Test
    void deferralsInARowAreOneHistoryRowAndTheirReclaimsAddNone() {
        long id = insert(Priority.HIGH);
        for (int i = 1; i <= 3; i++) {
            ClaimedJob claimed = claim(1).getFirst();
            assertThat(claimed.deferrals()).isEqualTo(i - 1);
            assertThat(jobs.defer(claimed.fence(), now, "not now " + i, now.plusSeconds(i)))
                    .isTrue();
        }
        ClaimedJob last = claim(1).getFirst();
        jobs.markSubmitted(last.fence(), "req-1", "s", now, now.plusSeconds(1), now.plusSeconds(9));

        List<java.util.Map<String, Object>> rows = Fixtures.history(jdbc, id);
        assertThat(rows).extracting(r -> r.get("state")).containsExactly("queued", "claimed", "queued", "submitted");
        assertThat(rows.get(2).get("repeats")).isEqualTo(3);
        assertThat(rows.get(2).get("detail")).isEqualTo("not now 3");
        assertThat(((java.sql.Timestamp) rows.get(2).get("last_observed_at")).toInstant())
                .isEqualTo(now.plusSeconds(3));
        assertThat(jdbc.sql("SELECT deferrals FROM job WHERE id = ?")
                        .param(id)
                        .query(Integer.class)
                        .single())
                .as("reaching the upstream ends the run")
                .isZero();
    }

    @Test
    void requeueKeepsTheAttemptUsed() {
        long id = insert(Priority.HIGH);
        jobs.requeue(claim(1).getFirst().fence(), now, "HTTP 503", now);

        ClaimedJob again = claim(1).getFirst();

        assertThat(again.id()).isEqualTo(id);
        assertThat(again.attempt()).isEqualTo(2);
    }

    @Test
    void aClaimThatWasNeverSentGoesBackToTheQueueAndForgetsItsSendMark() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = claim(1).getFirst();
        jobs.markSending(claimed.fence(), now);

        jobs.defer(claimed.fence(), now, "HTTP 429", now);
        ClaimedJob again = claim(1).getFirst();
        jobs.rescueExpiredClaims(now.plusSeconds(301), 100);

        assertThat(again.id()).isEqualTo(id);
        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.QUEUED);
    }
}
