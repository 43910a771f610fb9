package dev.sluice.project;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.QuietSluiceTest;
import dev.sluice.TestKeys;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The first admin key. Each case runs in a transaction that is rolled back, so the shared test
 * database keeps its keys.
 */
@QuietSluiceTest
@ExtendWith(OutputCaptureExtension.class)
class AdminKeyBootstrapTest {

    @Autowired
    ApiKeys keys;

    @Autowired
    Projects projects;

    @Autowired
    AuditLog audit;

    @Autowired
    TransactionTemplate transaction;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @Autowired
    DataSource dataSource;

    private AdminKeyBootstrap bootstrap(String adminKey) {
        return new AdminKeyBootstrap(
                keys,
                projects,
                audit,
                new SecurityProperties(adminKey, Duration.ofSeconds(10), 100),
                transaction,
                clock);
    }

    private long liveAdmins() {
        return jdbc.sql("SELECT count(*) FROM api_key WHERE 'admin' = ANY (scopes) AND revoked_at IS NULL")
                .query(Long.class)
                .single();
    }

    @Test
    void withoutAConfiguredKeyAndNoLiveAdminSluiceMakesOneAndPrintsItOnce(CapturedOutput output) {
        transaction.executeWithoutResult(status -> {
            jdbc.sql("UPDATE api_key SET revoked_at = now() WHERE revoked_at IS NULL")
                    .update();

            bootstrap(null).run(null);

            assertThat(liveAdmins()).isEqualTo(1);
            String log = output.getOut() + output.getErr();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(sk-sluice-[0-9A-Za-z]{32})")
                    .matcher(log);
            assertThat(m.find()).as("the made key is in the log").isTrue();
            assertThat(keys.findByHash(Keys.hash(m.group(1)))).isPresent();
            assertThat(log).contains("it is shown this once");

            bootstrap(null).run(null);
            assertThat(liveAdmins())
                    .as("a live admin key exists: no second one")
                    .isEqualTo(1);
            status.setRollbackOnly();
        });
    }

    @Test
    void aConfiguredKeyIsStoredOnceAndARevokedOneStaysRevoked() {
        String configured = "sk-sluice-" + "c".repeat(30);
        transaction.executeWithoutResult(status -> {
            bootstrap(configured).run(null);
            bootstrap(configured).run(null);

            var stored = keys.findByHash(Keys.hash(configured)).orElseThrow();
            assertThat(stored.key().scopes()).containsExactly(Scope.ADMIN);
            assertThat(stored.key().project()).isEqualTo("default");
            assertThat(jdbc.sql("SELECT count(*) FROM api_key WHERE hash = ?")
                            .param(Keys.hash(configured))
                            .query(Long.class)
                            .single())
                    .isEqualTo(1);

            keys.revoke(stored.key().id(), clock.instant(), stored.key().id());
            bootstrap(configured).run(null);
            assertThat(keys.findByHash(Keys.hash(configured))
                            .orElseThrow()
                            .key()
                            .revokedAt())
                    .isNotNull();
            status.setRollbackOnly();
        });
    }

    @Test
    void aMalformedConfiguredKeyStopsStartUpNamingTheProperty() {
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> new SecurityProperties("sk-sluice-short", Duration.ofSeconds(1), 1))
                .hasMessageContaining("sluice.security.admin-key");
    }

    @Test
    void aBootstrapTheDatabaseFailsIsTriedAgainAndTheStartGoesOn(CapturedOutput output) throws Exception {
        // The tests' admin key is stored already, so the bootstrap writes nothing. Another session
        // holds the bootstrap's lock: the first try waits lock_timeout (5 s) and fails, as a
        // statement on a killed connection would.
        CompletableFuture<Void> started;
        try (Connection other = dataSource.getConnection()) {
            other.setAutoCommit(false);
            other.createStatement().execute("SELECT pg_advisory_xact_lock(21324, 0)");
            started = CompletableFuture.runAsync(() -> bootstrap(TestKeys.ADMIN).run(null));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> output.getOut().contains("the admin key bootstrap failed (try 1 of 5)"));
            other.rollback();
        }
        started.get(30, TimeUnit.SECONDS); // the second try got the lock: no exception
        assertThat(output.getOut()).doesNotContain("(try 2 of 5)");
        assertThat(keys.findByHash(Keys.hash(TestKeys.ADMIN))).isPresent();
    }
}
