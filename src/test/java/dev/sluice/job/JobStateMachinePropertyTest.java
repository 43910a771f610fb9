package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Random interleavings of everything that moves a job (claims, outcomes, polls, cancels, retries,
 * rescues, crashes that leave stale fences behind, shutdown hand-backs) on real PostgreSQL. No step
 * may break a CHECK constraint, and every job's history must walk only along JobState's edges.
 */
@QuietSluiceTest
class JobStateMachinePropertyTest {

    @Autowired
    JobRepository jobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @BeforeEach
    void clean() {
        Fixtures.truncate(jdbc);
    }

    private static final String NOT_NOW = "not now";

    @RepeatedTest(3)
    void randomInterleavingsNeverReachAnIllegalState(org.junit.jupiter.api.RepetitionInfo repetition) {
        Random random = new Random(1000L + repetition.getCurrentRepetition());
        Instant t = clock.instant();
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            ids.add(jobs.insert(Fixtures.job(Priority.values()[i % 3]), t).orElseThrow());
        }
        // Fences handed out, never forgotten: a crashed worker may come back with any of them.
        List<Fence> fences = new ArrayList<>();
        UpstreamObservation snapshot = new UpstreamObservation(
                408, new QueueFields("queued", "active", null, 3, 9, 1.5, null, 1.0), "{\"retry-after\":\"1\"}");
        for (int step = 0; step < 1500; step++) {
            t = t.plusMillis(random.nextInt(3000));
            Fence fence = fences.isEmpty() ? null : fences.get(random.nextInt(fences.size()));
            long id = ids.get(random.nextInt(ids.size()));
            String owner = "node-" + random.nextInt(3);
            switch (random.nextInt(12)) {
                case 0 ->
                    jobs.claimNextBatch("noop", 1 + random.nextInt(4), owner, t, t.plusSeconds(10))
                            .forEach(j -> fences.add(j.fence()));
                case 1 -> {
                    if (fence != null) {
                        jobs.markSucceeded(fence, "{\"ok\":true}", random.nextBoolean() ? t : null, t);
                    }
                }
                case 2 -> {
                    if (fence != null) {
                        jobs.markFailed(fence, "boom", t);
                    }
                }
                case 3 -> {
                    if (fence != null && random.nextBoolean()) {
                        if (random.nextBoolean()) {
                            jobs.requeue(fence, t, "retry", t);
                        } else {
                            jobs.requeueAsNewRequest(fence, t, "retry", t);
                        }
                    } else if (fence != null) {
                        jobs.defer(fence, t, NOT_NOW, t);
                    }
                }
                case 4 -> {
                    if (fence != null) {
                        jobs.markSubmitted(fence, "req-" + step, "s", t, t.plusSeconds(1), t);
                    }
                }
                case 5 -> jobs.cancel(id, t);
                case 6 -> jobs.retry(id, t);
                case 7 -> jobs.rescueExpiredClaims(t, 10);
                case 8 -> {
                    if (fence != null) {
                        jobs.markSending(fence, t);
                    }
                }
                case 9 -> jobs.claimDuePolls(owner, t, t.plusSeconds(10), 5).forEach(p -> fences.add(p.fence()));
                case 10 -> {
                    if (fence != null) {
                        if (random.nextBoolean()) {
                            jobs.recordPoll(fence, snapshot, t.plusSeconds(1), t);
                        } else {
                            jobs.recordPollError(fence, 503, "busy", t.plusSeconds(2), t);
                        }
                    }
                }
                default -> jobs.releaseLeases(owner, t);
            }
        }

        java.util.Set<String> reached = new java.util.TreeSet<>(jdbc.sql("SELECT DISTINCT state FROM job_history")
                .query(String.class)
                .list());
        assertThat(reached).as("the walk reached every state").hasSize(JobState.values().length);
        for (long id : ids) {
            List<Map<String, Object>> changes = Fixtures.history(jdbc, id).stream()
                    .filter(r -> "queue".equals(r.get("source")))
                    .toList();
            JobState state = JobState.fromWire((String) changes.getFirst().get("state"));
            assertThat(state).isEqualTo(JobState.QUEUED);
            boolean deferred = false;
            for (Map<String, Object> change : changes.subList(1, changes.size())) {
                JobState next = JobState.fromWire((String) change.get("state"));
                // A deferral row stands for its re-claims too: they add no row of their own.
                boolean allowed = state.canMoveTo(next) || deferred && JobState.CLAIMED.canMoveTo(next);
                assertThat(allowed)
                        .as("job %d: %s -> %s (%s)", id, state, next, change.get("detail"))
                        .isTrue();
                state = next;
                deferred = NOT_NOW.equals(change.get("detail"));
            }
            // After a deferral row the job may have been claimed again (which adds no row).
            assertThat(jobs.findById(id).orElseThrow().state())
                    .as("job %d ends where its history does", id)
                    .isIn(deferred ? List.of(state, JobState.CLAIMED) : List.of(state));
        }
    }
}
