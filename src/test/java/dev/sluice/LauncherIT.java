package dev.sluice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/sluice-server}, the production launcher, on the jar the build made (so it runs after
 * {@code package}, under failsafe). Its first start makes the JVM's ahead-of-time cache for the
 * JVM options it is given; Java 25 can write a cache for options it then refuses to start with
 * (a young generation larger than the starting heap), and every start would then stop at once.
 */
class LauncherIT {

    private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(180);

    @TempDir
    Path cache;

    @TempDir
    Path logs;

    @Test
    void jvmOptionsTheCacheCannotServeStartTheServerWithoutItAndTheCacheIsNotMadeAgain() throws Exception {
        Map<String, String> options = Map.of("SLUICE_JVM_OPTIONS", "-Xmn48m");

        String first = runUntilHealthy(options, logs.resolve("first.log"));
        assertThat(first).contains("making the start-up cache");
        if (Runtime.version().feature() >= 25) {
            assertThat(first)
                    .contains("the JVM refuses the start-up cache it made with these JVM options")
                    .contains("Unable to use AOT cache");
            assertThat(filesEndingWith(".aot")).as("caches kept").isEmpty();
            assertThat(filesEndingWith(".aot.refused"))
                    .as("refusals remembered")
                    .hasSize(1);
        }

        String second = runUntilHealthy(options, logs.resolve("second.log"));
        assertThat(second).doesNotContain("making the start-up cache").doesNotContain("Unable to use AOT cache");
    }

    /** Starts bin/sluice-server, waits until it is healthy, stops it; returns what it printed. */
    private String runUntilHealthy(Map<String, String> environment, Path log) throws Exception {
        TestDatabase.Connection db = TestDatabase.get("sluice_launcher");
        int port = FreePort.get();
        ProcessBuilder builder = new ProcessBuilder(
                        "bin/sluice-server", "--server.port=" + port, "--logging.level.root=WARN")
                .redirectErrorStream(true)
                .redirectOutput(log.toFile());
        Map<String, String> env = builder.environment();
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("XDG_CACHE_HOME", cache.toString());
        // The database and the admin key from the environment, as in production.
        env.put("SPRING_DATASOURCE_URL", db.url());
        env.put("SPRING_DATASOURCE_USERNAME", db.username());
        env.put("SPRING_DATASOURCE_PASSWORD", db.password());
        env.put("SLUICE_ADMIN_KEY", TestKeys.ADMIN);
        env.remove("JDK_JAVA_OPTIONS");
        env.putAll(environment);
        Process server = builder.start();
        try {
            Api api = new Api(port);
            await().atMost(HEALTHY_WITHIN)
                    .pollInterval(Duration.ofMillis(200))
                    .ignoreExceptions()
                    .failFast("the launcher exited", () -> !server.isAlive())
                    .until(() -> api.get("/actuator/health").status() == 200);
        } catch (RuntimeException e) {
            throw new AssertionError("not healthy; the launcher printed:\n" + Files.readString(log), e);
        } finally {
            server.destroy();
            server.waitFor();
        }
        return Files.readString(log);
    }

    private List<String> filesEndingWith(String suffix) throws Exception {
        try (Stream<Path> files = Files.walk(cache.resolve("sluice"))) {
            return files.map(Path::getFileName)
                    .map(Path::toString)
                    .filter(name -> name.endsWith(suffix))
                    .toList();
        }
    }
}
