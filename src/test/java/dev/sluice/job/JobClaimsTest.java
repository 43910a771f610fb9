package dev.sluice.job;

import static dev.sluice.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import java.sql.Connection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;

/**
 * The claim statement on real PostgreSQL, with real commits: every claim here is its own
 * transaction (autocommit), as in production, since SKIP LOCKED only shows with commits.
 */
@QuietSluiceTest
class JobClaimsTest extends JobSqlTest {

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
        assertThat(jdbc.sql("SELECT state FROM job_history WHERE job_id = ? ORDER BY observed_at, ord, row_key")
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
        assertThat(jdbc.sql("SELECT count(*) FROM job_history WHERE state = 'claimed'")
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
}
