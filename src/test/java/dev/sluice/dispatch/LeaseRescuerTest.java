package dev.sluice.dispatch;

import static dev.sluice.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.MovableClock;
import dev.sluice.SluiceTest;
import dev.sluice.job.JobRepository;
import dev.sluice.job.Priority;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;

/**
 * The rescuer driven through time by a clock the test moves, not by waiting: a claim whose lease
 * has not run out stays with its worker, and the first pass after it has run out returns the job to
 * the queue. Each pass asks to run again after {@code rescue-interval}.
 */
@SluiceTest
@TestPropertySource(properties = "sluice.dispatch.enabled=false")
class LeaseRescuerTest {

    @Autowired
    JobRepository jobs;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    NodeIdentity node;

    @Autowired
    DispatchProperties properties;

    @Test
    void aClaimIsRescuedAtTheFirstPassAfterItsLeaseRanOutAndNotBefore() {
        Fixtures.truncate(jdbc);
        MovableClock clock = new MovableClock();
        Instant claimedAt = clock.instant();
        long id = jobs.insert(job(Priority.NORMAL), claimedAt).orElseThrow();
        jobs.claimNextBatch("noop", 1, "a-worker", claimedAt, claimedAt.plus(Duration.ofMinutes(1)));
        LeaseRescuer rescuer = new LeaseRescuer(jobs, properties, node, clock);

        clock.advance(Duration.ofSeconds(59));
        Pass within = rescuer.runOnce();
        assertThat(within.done()).as("the lease has a second left").isZero();
        assertThat(within.waitBeforeNext()).isEqualTo(properties.rescueInterval());
        assertThat(state(id)).isEqualTo("claimed");

        clock.advance(Duration.ofSeconds(2));
        assertThat(rescuer.runOnce().done()).isEqualTo(1);
        assertThat(state(id)).isEqualTo("queued");
    }

    private String state(long id) {
        return jdbc.sql("SELECT state FROM job WHERE id = ?")
                .param(id)
                .query(String.class)
                .single();
    }
}
