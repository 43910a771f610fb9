package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;

/**
 * Fair turns with the claimer running: a project's ten jobs are not held back behind another
 * project's long backlog of the same priority. "Sent" order is the order Sluice sent in: by claim
 * statement (claimed_at), and within one, the claim's order.
 */
@SluiceTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.shared.protocol=noop",
            "sluice.upstreams.shared.requests-per-minute=6000",
            "sluice.default-upstream=shared",
            "sluice.dispatch.idle-wait=50ms"
        })
class FairShareTest {

    private static final String LINE = "{\"endpoint\":\"/v1/s\",\"payload\":{},\"token_count\":1}\n";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api admin;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        admin = new Api(port);
    }

    private Api team(String name) {
        Api.Answer k = admin.postJson("/api/v1/keys", """
                {"project":"%s","name":"t","scopes":["submit","read"]}""".formatted(name));
        return admin.as(k.json().get("key").asString());
    }

    @Test
    void twentyJobsOfProjectBAreAmongTheNextHundredSentAfterProjectAsTwoThousand() {
        String suffix = UUID.randomUUID().toString().substring(0, 6);
        Api a = team("a-" + suffix);
        Api b = team("b-" + suffix);
        long batchA = a.post("/api/v1/batches", "application/x-ndjson", LINE.repeat(2000))
                .json()
                .get("batch_id")
                .asLong();
        // B comes once A's backlog is being sent (at 100 requests/s, it lasts 20 s).
        await().atMost(Duration.ofSeconds(30))
                .until(() -> admin.get("/api/v1/batches/" + batchA)
                                .json()
                                .get("counts")
                                .get("succeeded")
                                .asLong()
                        >= 50);
        long batchB = b.post("/api/v1/batches", "application/x-ndjson", LINE.repeat(20))
                .json()
                .get("batch_id")
                .asLong();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> b.get("/api/v1/batches/" + batchB)
                        .json()
                        .get("finished")
                        .asBoolean());

        // Every job claimed since B's batch was made, in the order sent.
        List<Long> sentAfterB = jdbc.sql("""
                        SELECT batch_id FROM job
                        WHERE claimed_at >= (SELECT created_at FROM batch WHERE id = ?)
                        ORDER BY claimed_at, priority, fair_tag, id
                        """).param(batchB).query(Long.class).list();
        assertThat(sentAfterB.stream().limit(100).filter(id -> id == batchB).count())
                .as("all 20 of B's jobs among the next 100 sent")
                .isEqualTo(20);
        assertThat(admin.get("/api/v1/batches/" + batchA).json().get("finished").asBoolean())
                .as("A's backlog was still being sent: B did not merely wait for it")
                .isFalse();
    }
}
