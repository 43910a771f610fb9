package dev.sluice.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.TestDatabase;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * The database goes away under two running instances: every connection killed, or the server
 * restarted. Work stalls and resumes by itself, with neither instance restarted, nothing lost and
 * nothing done twice.
 */
class DatabaseFaultTest {

    private static final int JOBS = 600;

    private final FaultRig rig = new FaultRig();

    @AfterEach
    void stopEverything() {
        rig.close();
    }

    @Test
    void killingEveryConnectionMidRunLosesNothingAndNeedsNoRestart() throws Exception {
        startTwoInstancesWithABacklog();

        for (int round = 0; round < 3; round++) {
            awaitProgress();
            long killed = rig.count("""
                    SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity
                    WHERE datname = current_database() AND pid <> pg_backend_pid()""");
            assertThat(killed).as("connections killed in round %d", round).isPositive();
        }

        awaitAllDoneAndCheck("connections killed 3 times");
    }

    // Restarts the server every fork's database is on: the build runs it alone, after the rest (pom.xml).
    @Tag("restarts-database")
    @Test
    void restartingPostgreSQLMidRunLosesNothingAndNeedsNoRestart() throws Exception {
        List<String> restart = TestDatabase.restartCommand().orElse(null);
        Assumptions.assumeTrue(
                restart != null, "this test restarts the local PostgreSQL server, which only root or postgres can");
        startTwoInstancesWithABacklog();
        awaitProgress();

        long before = rig.finished();
        long restartedAt = System.nanoTime();
        Process p = new ProcessBuilder(restart).inheritIO().start();
        assertThat(p.waitFor()).as("exit code of " + restart).isZero();
        await().atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> rig.finished() > before);
        long stalled = (System.nanoTime() - restartedAt) / 1_000_000;

        awaitAllDoneAndCheck("PostgreSQL restarted; work resumed " + stalled + " ms after the restart began");
    }

    private void startTwoInstancesWithABacklog() throws Exception {
        // 16 workers at 4 jobs a second each: 600 jobs take about 10 s, so each test's database
        // fault lands with hundreds of jobs still to do (and the suite waits less than at 2 a second).
        rig.emulator(
                        "--sluice.emulator.workers=16",
                        "--sluice.emulator.tokens-per-second=800",
                        "--sluice.emulator.max-in-flight=2000")
                .freshDatabase();
        rig.start();
        rig.start();
        rig.awaitSchema();
        rig.insertJobs(JOBS);
    }

    /** Waits until another sixth of the jobs has finished. */
    private void awaitProgress() throws Exception {
        long target = rig.finished() + JOBS / 6;
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> rig.finished() >= target);
    }

    private void awaitAllDoneAndCheck(String what) throws Exception {
        await().atMost(Duration.ofSeconds(180))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> rig.finished() >= JOBS);
        assertThat(rig.count("SELECT count(*) FROM job WHERE state = 'succeeded'"))
                .as("succeeded jobs")
                .isEqualTo(JOBS);
        assertThat(rig.instances()).as("no instance restarted").allMatch(Process::isAlive);
        JsonNode stats = rig.emulatorStats();
        assertThat(stats.get("duplicate_submissions").asLong()).isZero();
        assertThat(stats.get("distinct_requests").asLong()).isEqualTo(JOBS);
        System.out.printf("database fault test (%s): %d jobs, emulator %s%n", what, JOBS, stats);
    }
}
