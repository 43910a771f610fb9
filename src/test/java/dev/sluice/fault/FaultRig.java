package dev.sluice.fault;

import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.SluiceApplication;
import dev.sluice.TestClock;
import dev.sluice.TestClockConfiguration;
import dev.sluice.TestDatabase;
import dev.sluice.TestKeys;
import java.io.File;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/**
 * What a fault test runs: the emulator in this JVM, Sluice instances as real child JVMs (started
 * from this test's classpath, so a SIGKILL kills a real process with no hook run), and a database
 * of their own, {@code sluice_fault} (in fork N, {@code sluice_fault_N}), on the test server.
 * Every query opens its own connection, so a test can keep asking while the database restarts.
 */
final class FaultRig implements AutoCloseable {

    private final List<Process> instances = new ArrayList<>();
    private final TestDatabase.Connection db = TestDatabase.get("sluice_test");
    private ConfigurableApplicationContext emulator;
    private String emulatorUrl;
    private int started;
    private final Map<Process, Integer> ports = new HashMap<>();

    /** Starts the in-process emulator with these settings (immediate shutdown, as every test's: hung calls end). */
    FaultRig emulator(String... settings) {
        emulator = EmulatorServer.start(settings);
        emulatorUrl = EmulatorServer.url(emulator);
        return this;
    }

    String emulatorUrl() {
        return emulatorUrl;
    }

    Api emulatorApi() {
        return Api.emulator(Integer.parseInt(emulatorUrl.replaceAll(".*:", "")));
    }

    JsonNode emulatorStats() {
        return emulatorApi().get("/emulator/stats").json();
    }

    /** This fork's fault database: {@code sluice_fault}, or {@code sluice_fault_N} in fork N. */
    private static final String DATABASE = TestDatabase.forName("sluice_fault");

    /** Drops and creates {@link #DATABASE}: each test starts from an empty schema. */
    FaultRig freshDatabase() throws SQLException {
        try (Connection admin = DriverManager.getConnection(db.url(), db.username(), db.password());
                Statement s = admin.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DATABASE);
        }
        return this;
    }

    String databaseUrl() {
        return TestDatabase.withDatabase(db.url(), DATABASE);
    }

    /**
     * Starts a Sluice JVM whose default upstream {@code mint} speaks tinker to the emulator, with
     * short leases and quick loops so a test sees recovery in seconds; {@code extra} settings
     * ({@code name=value}, with or without the leading dashes) replace these.
     */
    private static final File NICE = new File("/usr/bin/nice");

    Process start(String... extra) throws Exception {
        return startWith(USUAL_OPTIONS, extra);
    }

    private static final List<String> USUAL_OPTIONS = List.of("-Xmx256m", "-XX:+ExitOnOutOfMemoryError");

    /** An instance's environment: the admin key, as in production (never on the command line). */
    private static final Map<String, String> ENVIRONMENT = Map.of("SLUICE_ADMIN_KEY", TestKeys.ADMIN);

    /** An instance's command line: this JVM's java, niced, on {@code launch}'s class path. */
    private static List<String> command(
            List<String> jvmOptions, Map<String, String> settings, FastStart.Launch launch) {
        String java = ProcessHandle.current().info().command().orElse("java");
        // Sluice runs niced: in production the upstream is another machine, not a process that
        // shares two cores with three starting JVMs; here the emulator, which measures the rates
        // the limits are judged by, must not be the one kept waiting for a core.
        List<String> command =
                new ArrayList<>(NICE.canExecute() ? List.of(NICE.getPath(), "-n", "10", java) : List.of(java));
        command.addAll(jvmOptions);
        command.addAll(launch.jvmOptions());
        command.addAll(List.of(
                "-XX:TieredStopAtLevel=1",
                "-D" + TestClock.PROPERTY + "=" + TestClock.offset(),
                "-cp",
                launch.classpath()));
        // The production main class, with the test's clock added as a source of its context.
        command.add(SluiceApplication.class.getName());
        command.add("--spring.main.sources=" + TestClockConfiguration.class.getName());
        settings.forEach((k, v) -> command.add("--" + k + "=" + v));
        return command;
    }

    /** As {@link #start}, with these JVM options instead of the usual ones (a 256 MB heap, exit on OOM). */
    Process startWith(List<String> jvmOptions, String... extra) throws Exception {
        int port = dev.sluice.FreePort.get();
        Map<String, String> settings = new LinkedHashMap<>();
        for (String setting : List.of(
                "server.port=" + port,
                "spring.main.banner-mode=off",
                "logging.level.root=WARN",
                "spring.datasource.url=" + databaseUrl(),
                "spring.datasource.username=" + db.username(),
                "spring.datasource.password=" + db.password(),
                "spring.datasource.hikari.maximum-pool-size=4",
                "sluice.default-upstream=mint",
                "sluice.upstreams.mint.protocol=tinker",
                "sluice.upstreams.mint.base-url=" + emulatorUrl,
                "sluice.upstreams.mint.timeout=3s",
                "sluice.dispatch.lease-duration=8s",
                "sluice.dispatch.max-token-wait=4s",
                "sluice.dispatch.rescue-interval=1s",
                "sluice.dispatch.idle-wait=100ms",
                "sluice.polling.lease=8s",
                "sluice.polling.idle-wait=100ms",
                "sluice.nodes.heartbeat-interval=1s",
                "sluice.nodes.dead-after=4s",
                "sluice.mint.from-environment=false")) {
            put(settings, setting);
        }
        for (String setting : extra) {
            put(settings, setting.replaceFirst("^--", ""));
        }
        // The usual options start from jars with the JVM's ahead-of-time cache (FastStart); others
        // (the out-of-memory test's) from the class path as it is, as the cache needs the options
        // it was made with.
        List<String> command = jvmOptions.equals(USUAL_OPTIONS)
                ? command(
                        jvmOptions,
                        settings,
                        FastStart.get(launch -> command(jvmOptions, settings, launch), ENVIRONMENT))
                : command(jvmOptions, settings, new FastStart.Launch(System.getProperty("java.class.path"), List.of()));
        File log =
                new File(System.getProperty("java.io.tmpdir"), DATABASE.replace('_', '-') + "-" + (++started) + ".log");
        ProcessBuilder builder = new ProcessBuilder(command);
        // The admin key from the environment, as in production: never on the command line.
        builder.environment().putAll(ENVIRONMENT);
        Process p = builder.redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log))
                .start();
        instances.add(p);
        ports.put(p, port);
        return p;
    }

    private static void put(Map<String, String> settings, String setting) {
        int eq = setting.indexOf('=');
        settings.put(setting.substring(0, eq), setting.substring(eq + 1));
    }

    /** The HTTP API of a started instance (answering once it has started). */
    Api api(Process instance) {
        return new Api(ports.get(instance));
    }

    List<Process> instances() {
        return instances;
    }

    /** SIGKILL: no shutdown hook, no hand-back. */
    void kill(Process p) throws InterruptedException {
        p.destroyForcibly().waitFor();
    }

    /** Kills instance {@code index} with SIGKILL and starts a new one in its place. */
    void killAndRestart(int index, String... extra) throws Exception {
        kill(instances.get(index));
        Process replacement = start(extra);
        instances.remove(replacement);
        instances.set(index, replacement);
    }

    /** Waits until the first instance has migrated the schema and registered. */
    void awaitSchema() {
        await().atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> count("SELECT count(*) FROM node") > 0);
    }

    /** Queues {@code n} tinker jobs in one statement, created now by {@link TestClock}. */
    void insertJobs(int n) throws SQLException {
        try (Connection c = connect();
                java.sql.PreparedStatement s = c.prepareStatement("""
                        INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts,
                                         run_after, created_at)
                        SELECT 'mint', '/api/v1/asample',
                               '{"base_model":"m","prompt":{"chunks":[{"tokens":[1,2,3],"type":"encoded_text"}]},"sampling_params":{"max_tokens":200}}',
                               203, mod(g, 3), 'queued', 10, ?, ?
                        FROM generate_series(1, ?) g""")) {
            java.time.OffsetDateTime now = TestClock.now().atOffset(java.time.ZoneOffset.UTC);
            s.setObject(1, now);
            s.setObject(2, now);
            s.setInt(3, n);
            s.executeUpdate();
        }
    }

    long finished() throws SQLException {
        return count("SELECT count(*) FROM job WHERE state IN ('succeeded', 'failed', 'cancelled')");
    }

    /** The first column of the first row, as a number; {@code params} bind the statement's {@code ?}s. */
    long count(String sql, Object... params) throws SQLException {
        return Long.parseLong(text(sql, params));
    }

    /** The first column of the first row; {@code params} bind the statement's {@code ?}s. */
    String text(String sql, Object... params) throws SQLException {
        try (Connection c = connect();
                java.sql.PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i] instanceof java.time.Instant t ? t.atOffset(java.time.ZoneOffset.UTC) : params[i];
                s.setObject(i + 1, p);
            }
            try (ResultSet rs = s.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Runs a statement; {@code params} bind its {@code ?}s. */
    void execute(String sql, Object... params) throws SQLException {
        try (Connection c = connect();
                java.sql.PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < params.length; i++) {
                Object p = params[i] instanceof java.time.Instant t ? t.atOffset(java.time.ZoneOffset.UTC) : params[i];
                s.setObject(i + 1, p);
            }
            s.execute();
        }
    }

    private Connection connect() throws SQLException {
        return DriverManager.getConnection(databaseUrl(), db.username(), db.password());
    }

    @Override
    public void close() {
        instances.forEach(Process::destroyForcibly);
        if (emulator != null) {
            emulator.close();
        }
    }
}
