package dev.sluice.fault;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.TestDatabase;
import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * Three Sluice JVMs and the emulator on one database. One test kills a random instance with
 * SIGKILL (no shutdown hook, no hand-back) every few seconds and starts it again, until every job
 * has finished: nothing may be lost, and the emulator must see no work done twice. The other runs
 * the three against one configured rate and checks what the emulator saw.
 */
class ClusterFaultTest {

    private static final int JOBS = 600;
    private static final int INSTANCES = 3;
    private static final Duration KILL_EVERY = Duration.ofSeconds(6);
    private static final Duration DEADLINE = Duration.ofSeconds(240);

    private final List<Process> instances = new ArrayList<>();
    private ConfigurableApplicationContext emulator;

    @AfterEach
    void stopEverything() {
        instances.forEach(Process::destroyForcibly);
        if (emulator != null) {
            emulator.close();
        }
    }

    /** The in-process emulator, 16 workers at {@code tokensPerSecond} each; answers its URL. */
    private String startEmulator(int tokensPerSecond) {
        emulator = EmulatorServer.start(
                "--sluice.emulator.workers=16",
                "--sluice.emulator.tokens-per-second=" + tokensPerSecond,
                "--sluice.emulator.max-in-flight=2000");
        return EmulatorServer.url(emulator);
    }

    private static String databaseUrl() {
        return TestDatabase.get("sluice_test").url().replaceFirst("/[^/?]+(\\?|$)", "/sluice_fault$1");
    }

    private Process start(String emulatorUrl, String... extra) throws Exception {
        TestDatabase.Connection db = TestDatabase.get("sluice_test");
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(
                java,
                "-Xmx256m",
                "-XX:TieredStopAtLevel=1",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.sluice.SluiceApplication",
                "--server.port=0",
                "--spring.main.banner-mode=off",
                "--logging.level.root=WARN",
                "--spring.datasource.url=" + databaseUrl(),
                "--spring.datasource.username=" + db.username(),
                "--spring.datasource.password=" + db.password(),
                "--spring.datasource.hikari.maximum-pool-size=4",
                "--sluice.default-upstream=mint",
                "--sluice.upstreams.mint.protocol=tinker",
                "--sluice.upstreams.mint.base-url=" + emulatorUrl,
                "--sluice.upstreams.mint.timeout=3s",
                "--sluice.dispatch.lease-duration=8s",
                "--sluice.dispatch.max-token-wait=4s",
                "--sluice.dispatch.rescue-interval=1s",
                "--sluice.dispatch.idle-wait=100ms",
                "--sluice.polling.lease=8s",
                "--sluice.polling.idle-wait=100ms"));
        command.addAll(List.of(extra));
        return new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(
                        new File(System.getProperty("java.io.tmpdir"), "sluice-kill-" + instances.size() + ".log"))
                .start();
    }

    @Test
    void killingInstancesWithSigkillLosesNothingAndSendsNothingTwice() throws Exception {
        String emulatorUrl = startEmulator(400);
        Api emulatorApi = new Api(Integer.parseInt(emulatorUrl.replaceAll(".*:", "")));
        TestDatabase.Connection db = TestDatabase.get("sluice_test");
        freshDatabase(db);

        for (int i = 0; i < INSTANCES; i++) {
            instances.add(start(emulatorUrl));
        }
        // The first instance to start migrates the schema; then the jobs go in, all at once.
        try (Connection c = awaitSchema(db)) {
            insertJobs(c);
            Random random = new Random(7);
            long deadline = System.nanoTime() + DEADLINE.toNanos();
            int kills = 0;
            long heldAtKills = 0;
            while (!allFinishedWithin(c, KILL_EVERY) && System.nanoTime() < deadline) {
                int victim = random.nextInt(INSTANCES);
                // What the victim holds as it dies: claims being sent and polls under its lease.
                heldAtKills += count(c, """
                        SELECT count(*) FROM job j JOIN node n ON n.id = j.lease_owner
                        WHERE n.pid = %d AND j.state IN ('claimed', 'submitted')""".formatted(instances.get(victim).pid()));
                instances.get(victim).destroyForcibly().waitFor();
                instances.set(victim, start(emulatorUrl));
                kills++;
            }

            assertThat(finished(c)).as("finished jobs after %d kills", kills).isEqualTo(JOBS);
            assertThat(count(c, "SELECT count(*) FROM job WHERE state = 'succeeded'"))
                    .isEqualTo(JOBS);
            JsonNode stats = emulatorApi.get("/emulator/stats").json();
            assertThat(stats.get("duplicate_submissions").asLong()).isZero();
            assertThat(stats.get("distinct_requests").asLong()).isEqualTo(JOBS);
            // The kills hit work in flight (else this test proved little).
            assertThat(heldAtKills)
                    .as("jobs held by instances as they were killed")
                    .isPositive();
            // Recovery: from a dead instance's claim to its job's next claim by a live one.
            String recovery = text(c, """
                    SELECT coalesce(percentile_disc(0.5) WITHIN GROUP (ORDER BY s) || ' s p50, '
                                    || percentile_disc(0.99) WITHIN GROUP (ORDER BY s) || ' s p99, '
                                    || count(*) || ' jobs', 'no job needed rescue')
                    FROM (SELECT round(extract(epoch FROM next.observed_at - h.observed_at)::numeric, 1) AS s
                          FROM job_status_history h
                          JOIN LATERAL (SELECT observed_at FROM job_status_history n
                                        WHERE n.job_id = h.job_id AND n.id > h.id AND n.state = 'claimed'
                                        ORDER BY n.id LIMIT 1) next ON true
                          WHERE h.state = 'claimed' AND EXISTS (
                              SELECT 1 FROM job_status_history r WHERE r.job_id = h.job_id AND r.id > h.id
                                AND r.detail LIKE 'lease of % expired')) recovered""");
            System.out.printf(
                    "kill -9 test: %d jobs, %d kills holding %d jobs, recovery %s, emulator %s%n",
                    JOBS, kills, heldAtKills, recovery, stats);
        }
    }

    private static void freshDatabase(TestDatabase.Connection db) throws Exception {
        try (Connection admin = DriverManager.getConnection(db.url(), db.username(), db.password());
                Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS sluice_fault WITH (FORCE)");
            s.execute("CREATE DATABASE sluice_fault");
        }
    }

    /** Queues the jobs, all at once, once the first instance has migrated the schema. */
    private static void insertJobs(Connection c) throws Exception {
        try (Statement s = c.createStatement()) {
            s.executeUpdate("""
                    INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts,
                                     run_after, created_at)
                    SELECT 'mint', '/api/v1/asample',
                           '{"base_model":"m","prompt":{"chunks":[{"tokens":[1,2,3],"type":"encoded_text"}]},"sampling_params":{"max_tokens":200}}',
                           203, mod(g, 3), 'queued', 10, now(), now()
                    FROM generate_series(1, %d) g""".formatted(JOBS));
        }
    }

    @Test
    void threeInstancesTogetherStayWithinTheConfiguredRate() throws Exception {
        String emulatorUrl = startEmulator(20000);
        Api emulatorApi = new Api(Integer.parseInt(emulatorUrl.replaceAll(".*:", "")));
        TestDatabase.Connection db = TestDatabase.get("sluice_test");
        freshDatabase(db);
        // 1,800 a minute in all: 30 a second, 10 for each of three instances.
        for (int i = 0; i < INSTANCES; i++) {
            instances.add(start(emulatorUrl, "--sluice.upstreams.mint.requests-per-minute=1800"));
        }
        try (Connection c = awaitSchema(db)) {
            await().atMost(Duration.ofSeconds(90))
                    .until(() -> count(c, "SELECT count(*) FROM node WHERE heartbeat_at > now() - interval '5 seconds'")
                            == INSTANCES);
            // Each instance takes its share at its next heartbeat after the last one joined.
            String allLive = text(c, "SELECT now()::text");
            await().atMost(Duration.ofSeconds(30))
                    .until(() ->
                            count(c, "SELECT count(*) FROM node WHERE heartbeat_at > '" + allLive + "'::timestamptz")
                                    == INSTANCES);
            insertJobs(c);

            await().atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> finished(c) >= JOBS);

            JsonNode stats = emulatorApi.get("/emulator/stats").json();
            long busiestSecond = stats.get("max_submissions_per_second").asLong();
            double mean = Double.parseDouble(text(c, """
                    SELECT (count(*) - 1) / extract(epoch FROM max(submitted_at) - min(submitted_at)) FROM job"""));
            System.out.printf(
                    "3 instances at 1,800/min in all (30/s): mean %.2f/s, busiest second %d, %s%n",
                    mean, busiestSecond, stats);
            // The mean holds the configured total. A 1-second window may hold more: each instance
            // may send one period's permits at each edge of it, and on this 2-core machine running
            // four JVMs and PostgreSQL, POSTs delayed by CPU contention go out together (38 and 41
            // measured, 2026-11-23). The bound states that tolerance: 1.5 x.
            assertThat(mean).isLessThanOrEqualTo(30 * 1.03);
            assertThat(busiestSecond).isLessThanOrEqualTo(45);
            assertThat(stats.get("duplicate_submissions").asLong()).isZero();
        }
    }

    /** Waits until the first instance has migrated the schema, and answers a connection to it. */
    private static Connection awaitSchema(TestDatabase.Connection db) throws Exception {
        Connection c = DriverManager.getConnection(databaseUrl(), db.username(), db.password());
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    count(c, "SELECT count(*) FROM node");
                    return true;
                });
        return c;
    }

    /** Waits up to {@code wait} for every job to finish: the cadence of the kills. */
    private static boolean allFinishedWithin(Connection c, Duration wait) {
        try {
            await().atMost(wait).pollInterval(Duration.ofMillis(250)).until(() -> finished(c) >= JOBS);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private static long finished(Connection c) throws Exception {
        return count(c, "SELECT count(*) FROM job WHERE state IN ('succeeded', 'failed', 'cancelled')");
    }

    private static String text(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
