package dev.sluice.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Three Sluice JVMs and the emulator on one database. One test kills the busiest instance with
 * SIGKILL (no shutdown hook, no hand-back) every few seconds and starts it again, up to 15 times or
 * until every job has finished, then lets the cluster finish: nothing may be lost, and the
 * emulator must see no work done twice. The other runs the three against one configured rate and
 * checks what they sent and what the emulator saw, per second and per minute.
 *
 * <p>Both count requests in each second and minute, so the build runs this class alone, after the
 * others (pom.xml): the instances run niced, and beside another fork's work their senders waited
 * for a core between a permit and the write, which bunched arrivals the pacing had spread.
 */
@Tag("measures-rates")
class ClusterFaultTest {

    private static final int JOBS = 2000;
    private static final int INSTANCES = 3;
    private static final Duration KILL_EVERY = Duration.ofSeconds(4);
    /** The kill test's shared limit: 6,000 a minute, 100 a second, over the three instances. */
    private static final String SHARED_LIMIT = "--sluice.upstreams.mint.requests-per-minute=6000";
    /**
     * Kills, then the cluster is left to finish. Without a bound, how long the test ran was a
     * lottery on a loaded 2-core machine: an instance needs about 15 s to start there, the victim
     * is always the one holding most jobs, and it holds nearly all of them.
     */
    private static final int MAX_KILLS = 15;

    private static final Duration DEADLINE = Duration.ofSeconds(300);

    private final FaultRig rig = new FaultRig();

    @AfterEach
    void stopEverything() {
        rig.close();
    }

    @Test
    void killingInstancesWithSigkillLosesNothingAndSendsNothingTwice() throws Exception {
        rig.emulator(
                        "--sluice.emulator.workers=32",
                        "--sluice.emulator.tokens-per-second=400",
                        "--sluice.emulator.max-in-flight=4000")
                .freshDatabase();
        for (int i = 0; i < INSTANCES; i++) {
            rig.start(SHARED_LIMIT);
        }
        rig.awaitSchema();
        rig.execute("CREATE TABLE fault_kill (job_id bigint NOT NULL, killed_at timestamptz NOT NULL)");
        rig.insertJobs(JOBS);

        Random random = new Random(7);
        long deadline = System.nanoTime() + DEADLINE.toNanos();
        int kills = 0;
        while (kills < MAX_KILLS && !allFinishedWithin(KILL_EVERY) && System.nanoTime() < deadline) {
            int index = victim(random);
            Process victim = rig.instances().get(index);
            // What the victim holds as it dies: claims being sent and polls under its lease.
            rig.execute("""
                    INSERT INTO fault_kill
                    SELECT j.id, clock_timestamp() FROM job j JOIN node n ON n.id = j.lease_owner
                    WHERE n.pid = %d AND j.state IN ('claimed', 'submitted')""".formatted(victim.pid()));
            rig.killAndRestart(index, SHARED_LIMIT);
            kills++;
        }
        allFinishedWithin(Duration.ofNanos(Math.max(1_000_000, deadline - System.nanoTime())));

        assertThat(rig.finished()).as("finished jobs after %d kills", kills).isEqualTo(JOBS);
        assertThat(rig.count("SELECT count(*) FROM job WHERE state = 'succeeded'"))
                .as("lost or failed jobs")
                .isEqualTo(JOBS);
        JsonNode stats = rig.emulatorStats();
        assertThat(stats.get("duplicate_submissions").asLong()).isZero();
        assertThat(stats.get("distinct_requests").asLong()).isEqualTo(JOBS);
        long held = rig.count("SELECT count(*) FROM fault_kill");
        assertThat(held).as("jobs held by instances as they were killed").isPositive();
        // Recovery: from the kill to the next thing done for each job the victim held (a claim,
        // a poll, an outcome) by a live instance.
        String recovery = rig.text("""
                SELECT percentile_disc(0.5) WITHIN GROUP (ORDER BY s) || ' s p50, '
                       || percentile_disc(0.99) WITHIN GROUP (ORDER BY s) || ' s p99, '
                       || max(s) || ' s max'
                FROM (SELECT round(extract(epoch FROM (
                               SELECT min(h.observed_at) FROM job_history h
                               WHERE h.job_id = k.job_id AND h.observed_at > k.killed_at
                                 AND coalesce(h.detail, '') NOT LIKE 'lease of %') - k.killed_at)::numeric, 1) AS s
                      FROM fault_kill k) recovered""");
        long busiestSecond = stats.get("max_submissions_per_second").asLong();
        long busiestMinute = stats.get("max_submissions_per_minute").asLong();
        long sentSide = busiestWindowOfSendMoments("999 ms");
        System.out.printf(
                "kill -9 test: %d jobs, %d kills holding %d jobs, recovery %s; at 100/s configured the busiest"
                        + " 1-s window held %d by Sluice's send times, %d at the emulator (%.2f x), the busiest"
                        + " 60-s window %d; emulator %s%n",
                JOBS, kills, held, recovery, sentSide, busiestSecond, busiestSecond / 100.0, busiestMinute, stats);
        // However the sends bunch (instances killed and started, jobs rescued, sessions made): in
        // any second, sends within 1.05 s of permits (a permit is good for 50 ms after its moment)
        // plus one at each instance's window edge; in any minute at the emulator, the configured
        // amount plus one refresh period's permits (5 at 6,000 a minute).
        //
        // The second is judged by Sluice's send moments, the minute by arrivals. Here, on 2 cores
        // running the emulator, PostgreSQL and three Sluice JVMs of which one is nearly always
        // starting, the machine stalls: a packet capture on 2026-12-01 saw all three instances send
        // nothing for 100-450 ms, then 15-20 requests within 50 ms, so the emulator counted 115-121 in
        // a second where the send moments held 105. That is the machine between the send and the
        // wire, not the pacing; the rate test below, with no JVM starting, judges the second by
        // arrivals as well. (A send made by an instance that was then killed, and made again by another,
        // keeps only its second moment in submitted_at.)
        assertThat(sentSide).as("busiest 1-s window of send moments at 100/s").isLessThanOrEqualTo(108);
        assertThat(busiestMinute).as("busiest 60-s window at 6,000/min").isLessThanOrEqualTo(6005);
    }

    /**
     * The instance to kill: the one holding the most work in flight right now (claims being sent,
     * polls under way), so that each kill hits work whatever the timing; a random one when none
     * holds any. A poll holds its lease only while it runs, so a victim picked blindly often holds
     * nothing at the instant it dies.
     */
    private int victim(Random random) throws Exception {
        String busiest = rig.text("""
                SELECT coalesce((SELECT n.pid FROM job j JOIN node n ON n.id = j.lease_owner
                                 WHERE j.state IN ('claimed', 'submitted')
                                 GROUP BY n.pid ORDER BY count(*) DESC LIMIT 1), 0)""");
        for (int i = 0; i < INSTANCES; i++) {
            if (Long.toString(rig.instances().get(i).pid()).equals(busiest)) {
                return i;
            }
        }
        return random.nextInt(INSTANCES);
    }

    @Test
    void threeInstancesTogetherStayWithinTheConfiguredRatePerSecondAndPerMinute() throws Exception {
        rig.emulator(
                        "--sluice.emulator.workers=16",
                        "--sluice.emulator.tokens-per-second=20000",
                        "--sluice.emulator.max-in-flight=4000")
                .freshDatabase();
        // 3,600 a minute in all: 60 a second, 1,200 a minute for each of three instances. 4,500
        // jobs take 75 s: the busiest 60-second window is a full one.
        int jobs = 4500;
        for (int i = 0; i < INSTANCES; i++) {
            rig.start("--sluice.upstreams.mint.requests-per-minute=3600");
        }
        rig.awaitSchema();
        await().atMost(Duration.ofSeconds(90))
                .until(() -> rig.count(
                                "SELECT count(*) FROM node WHERE heartbeat_at > ?",
                                TestClock.now().minusSeconds(3))
                        == INSTANCES);
        // Each instance takes its share at its next heartbeat after the last one joined.
        Instant allLive = TestClock.now();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> rig.count("SELECT count(*) FROM node WHERE heartbeat_at > ?", allLive) == INSTANCES);
        rig.insertJobs(jobs);

        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(500))
                .until(() -> rig.finished() >= jobs);

        JsonNode stats = rig.emulatorStats();
        long busiestSecond = stats.get("max_submissions_per_second").asLong();
        long busiestMinute = stats.get("max_submissions_per_minute").asLong();
        long sentSecond = busiestWindowOfSendMoments("999 ms");
        long sentMinute = busiestWindowOfSendMoments("59999 ms");
        double mean = Double.parseDouble(rig.text("""
                SELECT (count(*) - 1) / extract(epoch FROM max(submitted_at) - min(submitted_at)) FROM job"""));
        System.out.printf(
                "3 instances at 3,600/min in all (60/s): mean %.2f/s; busiest second %d by Sluice's send moments,"
                        + " %d at the emulator; busiest minute %d by send moments, %d at the emulator; %s%n",
                mean, sentSecond, busiestSecond, sentMinute, busiestMinute, stats);
        // Every job sent once: each send has its moment in submitted_at.
        assertThat(stats.get("submissions").asLong()).isEqualTo(jobs);
        assertThat(stats.get("duplicate_submissions").asLong()).isZero();
        // What the pacing allows, by the send moments: a window's permits plus 50 ms more (a permit
        // is good for 50 ms after its moment) plus one refresh period's permit of each instance (1
        // at 1,200 a minute): in any second 63 + 3, in any minute 3,603 + 3.
        assertThat(sentSecond).as("busiest 1-s window of send moments at 60/s").isLessThanOrEqualTo(66);
        assertThat(sentMinute)
                .as("busiest 60-s window of send moments at 3,600/min")
                .isLessThanOrEqualTo(3606);
        assertThat(mean).isLessThanOrEqualTo(60 * 1.01);
        // At the emulator, the same plus the wire: at most 1.15 x in a second, and in a minute at
        // most 1% over, what a stall of 0.6 s between the send and the wire (bench/wire.sh saw
        // 100-450 ms on this machine) can move into a window's first moments. The send moments
        // above are the pacing's own bound; these say that no send escaped them. (At 20/s, as this
        // test ran before 2026-12-01, 1.15 x was 23, below the pacing's own 24, and the emulator
        // counted 22 or 23; at 60/s its busiest minute was 3,601-3,604.)
        assertThat(busiestSecond)
                .as("busiest 1-s window at the emulator at 60/s")
                .isLessThanOrEqualTo(69);
        assertThat(busiestMinute)
                .as("busiest 60-s window at the emulator at 3,600/min")
                .isLessThanOrEqualTo(3636);
    }

    /**
     * The busiest window of {@code width} (a PostgreSQL interval, e.g. {@code 999 ms}: the window is
     * that plus the millisecond it starts in) by the moments Sluice sent at ({@code submitted_at},
     * written with each send's outcome: a job sent twice keeps its second moment only).
     */
    private long busiestWindowOfSendMoments(String width) throws Exception {
        return rig.count("""
                SELECT max(c) FROM (SELECT count(*) OVER (ORDER BY submitted_at
                                        RANGE BETWEEN CURRENT ROW AND interval '%s' FOLLOWING) AS c
                                    FROM job WHERE submitted_at IS NOT NULL) w""".formatted(width));
    }

    /** Waits up to {@code wait} for every job to finish: the cadence of the kills. */
    private boolean allFinishedWithin(Duration wait) {
        try {
            await().atMost(wait)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> rig.finished() >= JOBS);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }
}
