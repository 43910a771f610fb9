package dev.sluice;

import dev.sluice.database.DatabaseCreator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.slf4j.LoggerFactory;
import org.springframework.boot.logging.LogLevel;
import org.springframework.boot.logging.LoggingSystem;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.postgresql.PostgreSQLContainer;

/**
 * Finds the PostgreSQL that tests (and {@code spring-boot:test-run}) use, in this order:
 * <ol>
 *   <li>{@code SLUICE_TEST_DB_URL} (with {@code SLUICE_TEST_DB_USERNAME}/{@code _PASSWORD},
 *       default postgres and empty), if set;</li>
 *   <li>a PostgreSQL 17 container through Testcontainers, if a Docker engine answers;</li>
 *   <li>the local server on 127.0.0.1:5432 (user postgres), database {@code sluice_test} for
 *       tests or {@code sluice} for test-run, created if missing;</li>
 *   <li>else one message that says what to do.</li>
 * </ol>
 * The container, when one is used, is started once per JVM and shared. When the suite runs in
 * parallel forks, each fork has a database of its own: the name gets the fork's number
 * ({@link #forName}), and the database is made if it is missing.
 */
public final class TestDatabase {

    public record Connection(String url, String username, String password, String origin) {}

    private static Connection resolved;
    private static PostgreSQLContainer container;

    private TestDatabase() {}

    public static synchronized Connection get(String localDatabase) {
        if (resolved == null) {
            resolved = resolve(localDatabase);
            LoggerFactory.getLogger(TestDatabase.class)
                    .info("using PostgreSQL from {}: {}", resolved.origin(), resolved.url());
        }
        return resolved;
    }

    /**
     * {@code name} as this JVM's database: {@code name_N} in the suite's fork N (surefire sets
     * {@code sluice.test.fork}), else {@code name} itself.
     */
    public static String forName(String name) {
        String fork = System.getProperty("sluice.test.fork", "");
        return fork.isBlank() ? name : name + "_" + fork;
    }

    /** {@code url} pointing at database {@code name} on the same server. */
    public static String withDatabase(String url, String name) {
        return url.replaceFirst("/[^/?]+(\\?|$)", "/" + name + "$1");
    }

    private static Connection resolve(String localDatabase) {
        String url = System.getenv("SLUICE_TEST_DB_URL");
        if (url != null && !url.isBlank()) {
            String name = url.replaceFirst("^.*/([^/?]+)(\\?.*)?$", "$1");
            return ensured(new Connection(
                    withDatabase(url, forName(name)),
                    env("SLUICE_TEST_DB_USERNAME", "postgres"),
                    env("SLUICE_TEST_DB_PASSWORD", ""),
                    "SLUICE_TEST_DB_URL"));
        }
        if (dockerAnswers()) {
            container = new PostgreSQLContainer("postgres:17-alpine");
            container.start();
            return new Connection(
                    container.getJdbcUrl(), container.getUsername(), container.getPassword(), "Testcontainers");
        }
        if (localServerAnswers()) {
            return ensured(new Connection(
                    "jdbc:postgresql://127.0.0.1:5432/" + forName(localDatabase), "postgres", "", "local server"));
        }
        throw new NoDatabaseException();
    }

    /**
     * The command that restarts the test server, when this JVM may run it: the local server,
     * managed by Debian's {@code pg_ctlcluster}, as root or postgres. Empty otherwise (a server
     * given by URL, or a container).
     */
    public static synchronized java.util.Optional<java.util.List<String>> restartCommand() {
        if (resolved == null || !resolved.origin().equals("local server")) {
            return java.util.Optional.empty();
        }
        java.io.File clusters = new java.io.File("/etc/postgresql");
        String[] versions = clusters.list();
        String user = System.getProperty("user.name");
        if (versions == null
                || versions.length != 1
                || !new java.io.File("/usr/bin/pg_ctlcluster").canExecute()
                || !(user.equals("root") || user.equals("postgres"))) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(java.util.List.of(
                "pg_ctlcluster", "--skip-systemctl-redirect", versions[0], "main", "restart", "-m", "fast"));
    }

    /** Neither a configured URL, nor Docker, nor a local server: says what to do. */
    public static final class NoDatabaseException extends IllegalStateException {
        static final String WHAT_TO_DO = """
                Do one of these:
                  - start a Docker engine (PostgreSQL 17 then runs in a container), or
                  - start PostgreSQL on 127.0.0.1:5432 with user postgres (trust or empty password), or
                  - set SLUICE_TEST_DB_URL (and SLUICE_TEST_DB_USERNAME / SLUICE_TEST_DB_PASSWORD) to a server of yours.""";

        NoDatabaseException() {
            super("Sluice needs PostgreSQL and found none: SLUICE_TEST_DB_URL is not set, no Docker engine answers, "
                    + "and nothing listens on 127.0.0.1:5432. " + WHAT_TO_DO);
        }
    }

    /** Makes the connection's database if the server lacks it (a fork's, on a fresh server), as Sluice does. */
    private static Connection ensured(Connection c) {
        DatabaseCreator.ensureDatabase(c.url(), c.username(), c.password());
        return c;
    }

    private static boolean dockerAnswers() {
        // Testcontainers logs a long ERROR when it finds no Docker; here that is an expected answer.
        LoggingSystem logging = LoggingSystem.get(TestDatabase.class.getClassLoader());
        logging.setLogLevel("org.testcontainers.dockerclient", LogLevel.OFF);
        try {
            return DockerClientFactory.instance().isDockerAvailable();
        } catch (RuntimeException | LinkageError e) {
            return false;
        } finally {
            logging.setLogLevel("org.testcontainers.dockerclient", null);
        }
    }

    private static boolean localServerAnswers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", 5432), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null ? fallback : v;
    }
}
