package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Leases ({@link JobLeases}): renewed while work runs, rescued when expired or when their instance
 * stopped heartbeating, and what a rescue does to a job that may have reached the upstream.
 */
@QuietSluiceTest
class JobLeasesTest extends JobSqlTest {

    @Test
    void rescuesExpiredClaimsAndLeavesLiveOnes() {
        long expired = insert(Priority.HIGH);
        long live = insert(Priority.HIGH);
        jobs.claimNextBatch("noop", 1, "dead-node", now, now.plusSeconds(10));
        jobs.claimNextBatch("noop", 1, "live-node", now, now.plusSeconds(600));

        int rescued = jobs.rescueExpiredClaims(now.plus(Duration.ofSeconds(11)), 100);

        assertThat(rescued).isEqualTo(1);
        assertThat(jobs.findById(expired).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.findById(live).orElseThrow().state()).isEqualTo(JobState.CLAIMED);
        assertThat(jdbc.sql("SELECT detail FROM job_status_history WHERE job_id = ? ORDER BY id DESC LIMIT 1")
                        .param(expired)
                        .query(String.class)
                        .single())
                .isEqualTo("lease of dead-node expired");
    }

    @Test
    void failsAJobWhoseLeaseExpiredOnItsLastAttempt() {
        long id = jobs.insert(new NewJob("noop", "/e", "{}", 1, Priority.HIGH, null, null, 1, null), now)
                .orElseThrow();
        jobs.claimNextBatch("noop", 1, "dead-node", now, now.plusSeconds(10));

        jobs.rescueExpiredClaims(now.plusSeconds(11), 100);

        Job row = jobs.findById(id).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.FAILED);
        assertThat(row.error()).contains("expired on the last attempt");
        assertThat(row.finishedAt()).isNotNull();
    }

    @Test
    void aJobSentWhereResendsAreNotRecognisedWaitsInSubmitUnknownWhenItsWorkerDies() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = jobs.claimNextBatch("noop", 1, "dead-node", now, now.plusSeconds(10))
                .getFirst();
        assertThat(jobs.markSending(claimed.fence(), now)).isTrue();

        assertThat(jobs.rescueExpiredClaims(now.plusSeconds(11), 100)).isEqualTo(1);

        Job row = jobs.findById(id).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.SUBMIT_UNKNOWN);
        assertThat(row.error()).contains("may have been served").contains("retry or cancel");
        assertThat(row.finishedAt()).isNull();
        assertThat(row.leaseOwner()).isNull();
        assertThat(jobs.claimNextBatch("noop", 10, OWNER, now.plusSeconds(20), now.plusSeconds(300)))
                .as("never re-sent by itself")
                .isEmpty();

        assertThat(jobs.retry(id, now.plusSeconds(30))).isTrue();
        Job retried = jobs.findById(id).orElseThrow();
        assertThat(retried.state()).isEqualTo(JobState.QUEUED);
        assertThat(retried.attempts()).isZero();
        assertThat(jdbc.sql("SELECT send_started_at IS NULL FROM job WHERE id = ?")
                        .param(id)
                        .query(Boolean.class)
                        .single())
                .isTrue();
    }

    @Test
    void aJobInSubmitUnknownCanBeCancelled() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = jobs.claimNextBatch("noop", 1, "dead-node", now, now.plusSeconds(10))
                .getFirst();
        jobs.markSending(claimed.fence(), now);
        jobs.rescueExpiredClaims(now.plusSeconds(11), 100);

        assertThat(jobs.cancel(id, now.plusSeconds(12))).isTrue();

        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

    @Test
    void renewingExtendsOnlyTheLeasesStillHeldUnderTheirFences() {
        insert(Priority.HIGH);
        insert(Priority.HIGH);
        insert(Priority.HIGH);
        List<ClaimedJob> claimed = jobs.claimNextBatch("noop", 2, OWNER, now, now.plusSeconds(10));
        Fence sent = claimed.get(0).fence();
        Fence stale = new Fence(claimed.get(1).id(), OWNER, claimed.get(1).attempt() + 1);
        ClaimedJob others = jobs.claimNextBatch("noop", 1, "other-node", now, now.plusSeconds(10))
                .getFirst();
        Fence othersJob = new Fence(others.id(), OWNER, others.attempt());
        Instant until = now.plusSeconds(70);

        int renewed = jobs.renewLeases(OWNER, JobState.CLAIMED, List.of(sent, stale, othersJob), until);

        assertThat(renewed).isEqualTo(1);
        assertThat(leaseOf(sent.jobId())).isEqualTo(until);
        assertThat(leaseOf(stale.jobId())).isEqualTo(now.plusSeconds(10));
        assertThat(leaseOf(othersJob.jobId())).isEqualTo(now.plusSeconds(10));
        assertThat(jobs.rescueExpiredClaims(now.plusSeconds(11), 100))
                .as("the renewed claim is live; the other two expired")
                .isEqualTo(2);
        assertThat(jobs.findById(sent.jobId()).orElseThrow().state()).isEqualTo(JobState.CLAIMED);
    }

    @Test
    void aClaimRenewalNeverPutsALeaseOnAJobThatMovedOnToPolling() {
        insert(Priority.HIGH);
        ClaimedJob claimed = claim(1).getFirst();
        jobs.markSubmitted(claimed.fence(), "req-1", null, now, now.plusSeconds(1), now);

        assertThat(jobs.renewLeases(OWNER, JobState.CLAIMED, List.of(claimed.fence()), now.plusSeconds(60)))
                .isZero();
        assertThat(jobs.claimDuePolls("poller", now.plusSeconds(2), now.plusSeconds(60), 10))
                .as("still due for polling at once")
                .hasSize(1);
    }

    @Test
    void theClaimsAndPollsOfAnInstanceThatStoppedHeartbeatingAreTakenOverBeforeTheirLeasesExpire() {
        heartbeat("dead-node", now.minusSeconds(30));
        heartbeat("live-node", now);
        long deadClaim = insert(Priority.HIGH);
        long liveClaim = insert(Priority.HIGH);
        long deadPoll = insert(Priority.HIGH);
        jobs.claimNextBatch("noop", 1, "dead-node", now, now.plusSeconds(600));
        jobs.claimNextBatch("noop", 1, "live-node", now, now.plusSeconds(600));
        ClaimedJob toPoll =
                jobs.claimNextBatch("noop", 1, OWNER, now, now.plusSeconds(600)).getFirst();
        jobs.markSubmitted(toPoll.fence(), "req-1", null, now, now, now);
        assertThat(jobs.claimDuePolls("dead-node", now, now.plusSeconds(600), 10))
                .hasSize(1);
        Instant deadBefore = now.minusSeconds(10);

        assertThat(jobs.rescueExpiredClaims(now, deadBefore, 100)).isEqualTo(1);
        List<PolledJob> takenOver = jobs.claimDuePolls("live-node", now, now.plusSeconds(60), deadBefore, 10);

        assertThat(jobs.findById(deadClaim).orElseThrow().state()).isEqualTo(JobState.QUEUED);
        assertThat(jobs.findById(liveClaim).orElseThrow().state()).isEqualTo(JobState.CLAIMED);
        assertThat(jdbc.sql("SELECT detail FROM job_status_history WHERE job_id = ? ORDER BY id DESC LIMIT 1")
                        .param(deadClaim)
                        .query(String.class)
                        .single())
                .isEqualTo("lease of dead-node ended: its instance stopped heartbeating");
        assertThat(takenOver).extracting(PolledJob::id).containsExactly(deadPoll);
        assertThat(jobs.claimDuePolls("third-node", now, now.plusSeconds(60), deadBefore, 10))
                .as("the live instance's poll lease is respected")
                .isEmpty();
        jdbc.sql("DELETE FROM node WHERE id IN ('dead-node', 'live-node')").update();
    }
}
