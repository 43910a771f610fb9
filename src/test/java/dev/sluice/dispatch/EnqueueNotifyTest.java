package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobsEnqueued;
import dev.sluice.job.Priority;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * Jobs enqueued on one instance wake the idle claimers of every instance through PostgreSQL
 * LISTEN/NOTIFY. The claimer here would otherwise look again only after an hour.
 */
@SluiceTest
@TestPropertySource(properties = "sluice.dispatch.idle-wait=1h")
class EnqueueNotifyTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @Autowired
    JobRepository jobs;

    @Autowired
    DataSource dataSource;

    @Autowired
    ApplicationEventPublisher events;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        // The listener is connected (it wakes the claimers once when it connects, which would
        // otherwise race with the job below).
        await().atMost(Duration.ofSeconds(10))
                .until(() -> jdbc.sql("""
                        SELECT count(*) FROM pg_stat_activity
                        WHERE datname = current_database() AND query LIKE 'LISTEN sluice_%'""").query(Long.class).single() > 0);
    }

    @Test
    void aJobAnnouncedByAnotherInstanceIsClaimedAtOnce() {
        // Inserted as another instance would: no event reaches this instance's claimer.
        long id = jobs.insert(Fixtures.job(Priority.NORMAL), clock.instant()).orElseThrow();
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(2)).until(() -> "queued".equals(state(id)));

        jdbc.sql("NOTIFY sluice_enqueued, 'noop'").update();

        await().atMost(Duration.ofSeconds(5)).until(() -> "succeeded".equals(state(id)));
    }

    @Test
    void enqueuedJobsAreAnnouncedToOtherInstances() throws Exception {
        try (Connection c = dataSource.getConnection();
                Statement s = c.createStatement()) {
            s.execute("LISTEN sluice_enqueued");
            events.publishEvent(new JobsEnqueued(Set.of("noop", "mint")));
            events.publishEvent(new JobsEnqueued(Set.of("noop")));

            List<String> heard = new ArrayList<>();
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                PGNotification[] ns = c.unwrap(PGConnection.class).getNotifications(100);
                if (ns != null) {
                    for (PGNotification n : ns) {
                        heard.add(n.getParameter());
                    }
                }
                return heard.containsAll(List.of("noop", "mint"));
            });
            assertThat(heard).allMatch(u -> u.equals("noop") || u.equals("mint"));
            s.execute("UNLISTEN *");
        }
    }

    private String state(long id) {
        return jdbc.sql("SELECT state FROM job WHERE id = ?")
                .param(id)
                .query(String.class)
                .single();
    }
}
