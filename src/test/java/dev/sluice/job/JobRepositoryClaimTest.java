package dev.sluice.job;

import static dev.sluice.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The claim statement on real PostgreSQL, with real commits: every claim here is its own
 * transaction (autocommit), as in production, since SKIP LOCKED only shows with commits.
 */
@QuietSluiceTest
class JobRepositoryClaimTest {

    private static final String OWNER = "test-node";

    @Autowired
    JobRepository jobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    Clock clock;

    private Instant now;

    @BeforeEach
    void clean() {
        Fixtures.truncate(jdbc);
        // To the microsecond, as PostgreSQL keeps it, so what is read back equals what was written.
        now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    private long insert(Priority p) {
        return jobs.insert(job(p), now).orElseThrow();
    }

    private List<ClaimedJob> claim(int n) {
        return jobs.claimNextBatch("noop", n, OWNER, now, now.plusSeconds(300));
    }

    @Test
    void claimsHighestPriorityFirstAndOldestFirstWithinAPriority() {
        long low1 = insert(Priority.LOW);
        long normal1 = insert(Priority.NORMAL);
        long high1 = insert(Priority.HIGH);
        long low2 = insert(Priority.LOW);
        long high2 = insert(Priority.HIGH);
        long normal2 = insert(Priority.NORMAL);

        List<Long> order = new ArrayList<>();
        for (List<ClaimedJob> batch = claim(2); !batch.isEmpty(); batch = claim(2)) {
            batch.forEach(j -> order.add(j.id()));
        }

        assertThat(order).containsExactly(high1, high2, normal1, normal2, low1, low2);
    }

    @Test
    void returnsABatchInPriorityOrderAndMarksItClaimedWithHistory() {
        long low = insert(Priority.LOW);
        long high = insert(Priority.HIGH);

        List<ClaimedJob> claimed = claim(10);

        assertThat(claimed).extracting(ClaimedJob::id).containsExactly(high, low);
        assertThat(claimed).allSatisfy(j -> {
            assertThat(j.attempt()).isEqualTo(1);
            assertThat(j.leaseOwner()).isEqualTo(OWNER);
        });
        Job row = jobs.findById(high).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.CLAIMED);
        assertThat(row.leaseOwner()).isEqualTo(OWNER);
        assertThat(row.leaseExpiresAt()).isEqualTo(now.plusSeconds(300));
        assertThat(row.claimedAt()).isEqualTo(now);
        assertThat(jdbc.sql("SELECT state FROM job_status_history WHERE job_id = ? ORDER BY id")
                        .param(high)
                        .query(String.class)
                        .list())
                .containsExactly("queued", "claimed");
    }

    @Test
    void leavesJobsWhoseRunAfterIsInTheFuture() {
        long later = insert(Priority.HIGH);
        jdbc.sql("UPDATE job SET run_after = ? WHERE id = ?")
                .param(now.plusSeconds(60).atOffset(java.time.ZoneOffset.UTC))
                .param(later)
                .update();
        long ready = insert(Priority.LOW);

        assertThat(claim(10)).extracting(ClaimedJob::id).containsExactly(ready);
        assertThat(jobs.claimNextBatch("noop", 10, OWNER, now.plusSeconds(61), now.plusSeconds(400)))
                .extracting(ClaimedJob::id)
                .containsExactly(later);
    }

    @Test
    void claimsOnlyTheNamedUpstream() {
        jobs.insert(job("other", Priority.HIGH, 1), now);
        long mine = insert(Priority.LOW);

        assertThat(claim(10)).extracting(ClaimedJob::id).containsExactly(mine);
    }

    @Test
    void skipsRowsLockedByAnotherTransaction() throws Exception {
        long first = insert(Priority.HIGH);
        long second = insert(Priority.HIGH);
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            try (var s = other.prepareStatement("SELECT id FROM job WHERE id = ? FOR UPDATE")) {
                s.setLong(1, first);
                s.executeQuery().close();
            }
            // The first row is locked: the claim neither waits nor takes it.
            assertThat(claim(10)).extracting(ClaimedJob::id).containsExactly(second);
            other.rollback();
        }
        assertThat(claim(10)).extracting(ClaimedJob::id).containsExactly(first);
    }

    @Test
    void manyConcurrentClaimersNeverClaimAJobTwiceAndSkipNone() throws Exception {
        int total = 5000;
        jdbc.sql("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after, created_at)
                SELECT 'noop', '/e', '{}', 1, g % 3, 'queued', 3, :now, :now FROM generate_series(1, :n) g
                """)
                .param("now", now.atOffset(java.time.ZoneOffset.UTC))
                .param("n", total)
                .update();

        int threads = 12;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Callable<List<Long>>> claimers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            String owner = "claimer-" + t;
            claimers.add(() -> {
                List<Long> mine = new ArrayList<>();
                while (true) {
                    int n = ThreadLocalRandom.current().nextInt(1, 60);
                    List<ClaimedJob> got = jobs.claimNextBatch("noop", n, owner, now, now.plusSeconds(300));
                    if (got.isEmpty()) {
                        return mine;
                    }
                    got.forEach(j -> mine.add(j.id()));
                }
            });
        }
        List<Long> all = new ArrayList<>();
        for (Future<List<Long>> f : pool.invokeAll(claimers)) {
            all.addAll(f.get());
        }
        pool.shutdown();

        Set<Long> distinct = new HashSet<>(all);
        assertThat(all).hasSize(total);
        assertThat(distinct).hasSize(total);
        assertThat(jdbc.sql("SELECT count(*) FROM job WHERE state = 'claimed' AND attempts = 1")
                        .query(Long.class)
                        .single())
                .isEqualTo(total);
        assertThat(jdbc.sql("SELECT count(*) FROM job_status_history WHERE state = 'claimed'")
                        .query(Long.class)
                        .single())
                .isEqualTo(total);
    }

    @Test
    void keepsStrictPriorityAndFifoUnderConcurrentEnqueue() throws Exception {
        int producers = 6;
        int perProducer = 200;
        ExecutorService pool = Executors.newFixedThreadPool(producers);
        List<Callable<List<Long>>> tasks = new ArrayList<>();
        for (int t = 0; t < producers; t++) {
            tasks.add(() -> {
                List<Long> inserted = new ArrayList<>();
                for (int i = 0; i < perProducer; i++) {
                    Priority p = Priority.values()[ThreadLocalRandom.current().nextInt(3)];
                    inserted.add(jobs.insert(job(p), now).orElseThrow());
                }
                return inserted;
            });
        }
        List<List<Long>> insertedByProducer = new ArrayList<>();
        for (Future<List<Long>> f : pool.invokeAll(tasks)) {
            insertedByProducer.add(f.get());
        }
        pool.shutdown();

        List<ClaimedJob> order = new ArrayList<>();
        for (List<ClaimedJob> b = claim(37); !b.isEmpty(); b = claim(37)) {
            order.addAll(b);
        }

        assertThat(order).hasSize(producers * perProducer);
        // Every high before any normal, every normal before any low.
        assertThat(order).extracting(ClaimedJob::priority).isSortedAccordingTo(java.util.Comparator.naturalOrder());
        // First in, first out: what one producer enqueued at one priority comes out in its order.
        java.util.Map<Long, Integer> position = new java.util.HashMap<>();
        for (int i = 0; i < order.size(); i++) {
            position.put(order.get(i).id(), i);
        }
        java.util.Map<Long, Priority> priorityOf = new java.util.HashMap<>();
        order.forEach(j -> priorityOf.put(j.id(), j.priority()));
        for (List<Long> inserted : insertedByProducer) {
            for (Priority p : Priority.values()) {
                List<Integer> positions = inserted.stream()
                        .filter(id -> priorityOf.get(id) == p)
                        .map(position::get)
                        .toList();
                assertThat(positions).isSorted();
            }
        }
    }

    @Test
    void writesAfterTheClaimAreFencedByOwnerAndAttempt() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = claim(1).getFirst();

        assertThat(jobs.markSucceeded(new Fence(id, "someone-else", 1), "{}", now, now))
                .isFalse();
        assertThat(jobs.markSucceeded(new Fence(id, OWNER, 2), "{}", now, now)).isFalse();
        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.CLAIMED);

        assertThat(jobs.markSucceeded(claimed.fence(), "{\"ok\":true}", now, now.plusSeconds(1)))
                .isTrue();
        Job done = jobs.findById(id).orElseThrow();
        assertThat(done.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(done.leaseOwner()).isNull();
        assertThat(done.finishedAt()).isEqualTo(now.plusSeconds(1));
        // A second write with the same fence finds the job no longer claimed.
        assertThat(jobs.markFailed(claimed.fence(), "late", now)).isFalse();
        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.SUCCEEDED);
    }

    @Test
    void aWorkerCannotOverwriteACancelledJob() {
        long id = insert(Priority.HIGH);
        ClaimedJob claimed = claim(1).getFirst();

        assertThat(jobs.cancel(id, now)).isTrue();
        assertThat(jobs.markSucceeded(claimed.fence(), "{}", now, now)).isFalse();

        assertThat(jobs.findById(id).orElseThrow().state()).isEqualTo(JobState.CANCELLED);
    }

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

    @Test
    void successesWrittenTogetherAreEachFencedAndEachGetAHistoryRow() {
        insert(Priority.HIGH);
        insert(Priority.HIGH);
        insert(Priority.HIGH);
        List<ClaimedJob> claimed = claim(3);
        Fence stale = new Fence(claimed.get(2).id(), OWNER, claimed.get(2).attempt() + 1);

        Set<Long> moved = jobs.markSucceededAll(List.of(
                new Success(claimed.get(0).fence(), "{\"a\":1}", now, now.plusSeconds(1)),
                new Success(claimed.get(1).fence(), "{\"b\":2}", null, now.plusSeconds(2)),
                new Success(stale, "{\"c\":3}", now, now.plusSeconds(3))));

        assertThat(moved)
                .containsExactlyInAnyOrder(claimed.get(0).id(), claimed.get(1).id());
        Job first = jobs.findById(claimed.get(0).id()).orElseThrow();
        assertThat(first.state()).isEqualTo(JobState.SUCCEEDED);
        assertThat(first.finishedAt()).isEqualTo(now.plusSeconds(1));
        assertThat(first.leaseOwner()).isNull();
        assertThat(jobs.findById(stale.jobId()).orElseThrow().state()).isEqualTo(JobState.CLAIMED);
        assertThat(jdbc.sql("SELECT count(*) FROM job_status_history WHERE state = 'succeeded'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    private Instant leaseOf(long id) {
        return jdbc.sql("SELECT lease_expires_at FROM job WHERE id = ?")
                .param(id)
                .query(java.time.OffsetDateTime.class)
                .single()
                .toInstant();
    }

    private void heartbeat(String node, Instant at) {
        jdbc.sql("""
                INSERT INTO node (id, host, pid, started_at, heartbeat_at) VALUES (?, 'h', 1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at""")
                .params(node, java.sql.Timestamp.from(at), java.sql.Timestamp.from(at))
                .update();
    }
}
