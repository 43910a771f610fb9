package dev.sluice.node;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import dev.sluice.runtime.NodeIdentity;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Instances register, count each other, and split every upstream's limits between them. */
@SluiceTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.paced.protocol=noop",
            "sluice.upstreams.paced.requests-per-minute=600",
            "sluice.dispatch.idle-wait=50ms"
        })
class NodeRegistryTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    dev.sluice.runtime.Loops loops;

    @Autowired
    Clock clock;

    @Autowired
    NodeRegistry registry;

    @Autowired
    NodeIdentity self;

    Api api;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
    }

    @AfterEach
    void forgetOtherNodes() {
        jdbc.sql("DELETE FROM node WHERE id <> ?").param(self.id()).update();
        registry.runOnce();
    }

    private void otherNode(String id, Instant heartbeat) {
        jdbc.sql("INSERT INTO node (id, host, pid, started_at, heartbeat_at) VALUES (?, 'elsewhere', 1, ?, ?)")
                .param(id)
                .param(heartbeat.atOffset(ZoneOffset.UTC))
                .param(heartbeat.atOffset(ZoneOffset.UTC))
                .update();
    }

    @Test
    void anInstanceRegistersItselfAndShowsItsShare() {
        JsonNode view = api.get("/api/v1/nodes").json();

        assertThat(view.get("self").asString()).isEqualTo(self.id());
        assertThat(view.get("nodes").values()).anySatisfy(n -> {
            assertThat(n.get("id").asString()).isEqualTo(self.id());
            assertThat(n.get("live").asBoolean()).isTrue();
            assertThat(n.has("claimed_leases")).isTrue();
        });
        assertThat(view.get("rate_limit_shares").get("paced").get("share").asInt())
                .isEqualTo(1);
        assertThat(view.get("rate_limit_shares")
                        .get("paced")
                        .get("requests_per_minute")
                        .asLong())
                .isEqualTo(600);
    }

    @Test
    void aSecondLiveInstanceHalvesTheRateThisOneSends() {
        otherNode("other-live", clock.instant());
        otherNode("other-dead", clock.instant().minus(Duration.ofMinutes(1)));

        assertThat(registry.runOnce().done()).as("the dead one is not counted").isEqualTo(2);

        JsonNode share =
                api.get("/api/v1/nodes").json().get("rate_limit_shares").get("paced");
        assertThat(share.get("share").asInt()).isEqualTo(2);
        assertThat(share.get("requests_per_minute").asLong()).isEqualTo(300);
        assertThat(api.get("/api/v1/queue")
                        .json()
                        .get("rate_limits")
                        .get("paced")
                        .get("share")
                        .asInt())
                .isEqualTo(2);

        // What is sent follows: 300/min is 5 a second.
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 12; i++) {
            body.append("{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1}\n");
        }
        long batch = api.post("/api/v1/batches?upstream=paced", "application/x-ndjson", body.toString())
                .json()
                .get("batch_id")
                .asLong();
        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/batches/" + batch)
                        .json()
                        .get("finished")
                        .asBoolean());
        List<Timestamp> sent = jdbc.sql("SELECT submitted_at FROM job ORDER BY submitted_at")
                .query(Timestamp.class)
                .list();
        double seconds =
                Duration.between(sent.getFirst().toInstant(), sent.getLast().toInstant())
                                .toNanos()
                        / 1e9;
        // At 5 a second, a span of t seconds holds at most 5t + 2 sends: one permit per 200 ms
        // period, and the span may touch a period at each end. The recorded times lag the permits
        // by a few ms of scheduling (measured 1.99 s for 12 sends once), hence 50 ms of slack.
        assertThat((double) sent.size()).as("sends in %.2f s", seconds).isLessThanOrEqualTo(5 * (seconds + 0.05) + 2);
        assertThat(seconds).as("12 sends at 5 a second take about 2 s").isGreaterThan(1.8);
    }

    @Test
    void whenTheOtherInstanceGoesItsShareComesBack() {
        otherNode("other-live", clock.instant());
        assertThat(registry.runOnce().done()).isEqualTo(2);

        jdbc.sql("DELETE FROM node WHERE id = 'other-live'").update();

        assertThat(registry.runOnce().done()).isEqualTo(1);
        assertThat(api.get("/api/v1/nodes")
                        .json()
                        .get("rate_limit_shares")
                        .get("paced")
                        .get("requests_per_minute")
                        .asLong())
                .isEqualTo(600);
    }

    @Autowired
    dev.sluice.job.JobRepository jobs;

    @Test
    void stoppingHandsBackWhatThisInstanceHoldsSoOthersTakeItOverAtOnce() {
        Instant later = clock.instant().plus(Duration.ofHours(1));
        long claimed = jobs.insert(
                        new dev.sluice.job.NewJob(
                                "noop", "/e", "{}", 1, dev.sluice.job.Priority.HIGH, null, null, 3, null),
                        later)
                .orElseThrow();
        jobs.claimNextBatch("noop", 1, self.id(), later, later.plusSeconds(300));
        long polled = jobs.insert(
                        new dev.sluice.job.NewJob(
                                "noop", "/e", "{}", 1, dev.sluice.job.Priority.HIGH, null, null, 3, null),
                        later)
                .orElseThrow();
        jdbc.sql("""
                UPDATE job SET state = 'submitted', attempts = 1, upstream_request_id = 'r-1', next_poll_at = ?,
                               lease_owner = ?, lease_expires_at = ? WHERE id = ?""")
                .param(later.atOffset(ZoneOffset.UTC))
                .param(self.id())
                .param(later.atOffset(ZoneOffset.UTC))
                .param(polled)
                .update();

        loops.stop(registry);
        try {
            assertThat(jdbc.sql("SELECT count(*) FROM node WHERE id = ?")
                            .param(self.id())
                            .query(Long.class)
                            .single())
                    .isZero();
            assertThat(Fixtures.history(jdbc, claimed)).anySatisfy(r -> {
                assertThat(r.get("state")).isEqualTo("queued");
                assertThat(String.valueOf(r.get("detail"))).isEqualTo("handed back by " + self.id() + " at shutdown");
            });
            assertThat(jdbc.sql("SELECT lease_owner IS NULL FROM job WHERE id = ?")
                            .param(polled)
                            .query(Boolean.class)
                            .single())
                    .isTrue();
            assertThat(jdbc.sql("SELECT state FROM job WHERE id = ?")
                            .param(polled)
                            .query(String.class)
                            .single())
                    .isEqualTo("submitted");
        } finally {
            loops.start(registry);
        }
        assertThat(api.get("/api/v1/nodes").json().get("nodes").values())
                .anySatisfy(n -> assertThat(n.get("id").asString()).isEqualTo(self.id()));
    }
}
