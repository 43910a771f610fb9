package dev.sluice.job;

import static dev.sluice.Fixtures.job;

import dev.sluice.Fixtures;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * What the statement tests of {@link JobRepository}'s fragments share: the queue emptied before
 * each test, "now" from the test clock, and jobs made and claimed the way the application does.
 */
abstract class JobSqlTest {

    static final String OWNER = "test-node";

    @Autowired
    JobRepository jobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    Clock clock;

    Instant now;

    @BeforeEach
    void clean() {
        Fixtures.truncate(jdbc);
        // To the microsecond, as PostgreSQL keeps it, so what is read back equals what was written.
        now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    long insert(Priority p) {
        return jobs.insert(job(p), now).orElseThrow();
    }

    List<ClaimedJob> claim(int n) {
        return jobs.claimNextBatch("noop", n, OWNER, now, now.plusSeconds(300));
    }

    Instant leaseOf(long id) {
        return jdbc.sql("SELECT lease_expires_at FROM job WHERE id = ?")
                .param(id)
                .query(java.time.OffsetDateTime.class)
                .single()
                .toInstant();
    }

    void heartbeat(String node, Instant at) {
        jdbc.sql("""
                INSERT INTO node (id, host, pid, started_at, heartbeat_at) VALUES (?, 'h', 1, ?, ?)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at""")
                .params(node, java.sql.Timestamp.from(at), java.sql.Timestamp.from(at))
                .update();
    }
}
