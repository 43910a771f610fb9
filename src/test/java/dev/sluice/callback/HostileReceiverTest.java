package dev.sluice.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.CallbackReceiver;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Receivers that answer with too much, or too slowly. Before, a 600 MB answer was read whole into
 * memory (OutOfMemoryError, every loop of the instance dead), and a receiver trickling bytes held
 * an attempt past its lease, so another instance sent the callback again meanwhile.
 */
@SluiceTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.callbacks.secret=s3cret",
            "sluice.callbacks.allow-private-networks=true",
            "sluice.callbacks.timeout=1s",
            "sluice.callbacks.lease=3s",
            "sluice.callbacks.max-attempts=3",
            "sluice.callbacks.retry-base-delay=100ms",
            "sluice.callbacks.retry-max-delay=200ms",
            "sluice.callbacks.idle-wait=50ms",
            "sluice.dispatch.idle-wait=50ms"
        })
class HostileReceiverTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api api;
    CallbackReceiver receiver;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
        receiver = new CallbackReceiver();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    private long enqueueWithCallback() {
        Api.Answer a = api.postJson("/api/v1/jobs", """
                {"endpoint":"/e","payload":{},"token_count":1,"callback_url":"%s"}""".formatted(receiver.url()));
        assertThat(a.status()).isEqualTo(201);
        return a.json().get("id").asLong();
    }

    private List<Map<String, Object>> attempts(long jobId) {
        return jdbc.sql("""
                SELECT (extract(epoch FROM a.attempted_at) * 1000)::bigint AS started_ms, a.duration_ms,
                       a.http_status, a.error, a.answer
                FROM callback_attempt a JOIN callback_delivery d ON d.id = a.delivery_id
                WHERE d.job_id = ? ORDER BY a.id""").param(jobId).query().listOfRows();
    }

    @Test
    void anEndlessAnswerIsReadOnlyToItsFirstKilobyte() {
        receiver.answerEndlessly();
        long id = enqueueWithCallback();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/jobs/" + id + "/callbacks")
                        .json()
                        .at("/callbacks/0/state")
                        .asString("")
                        .equals("delivered"));

        Map<String, Object> attempt = attempts(id).getFirst();
        assertThat((Integer) attempt.get("http_status")).isEqualTo(200);
        String answer = (String) attempt.get("answer");
        assertThat(answer).startsWith("xxxx").hasSizeLessThanOrEqualTo(1025);
        // The connection was dropped after the prefix: the receiver could not push its gigabytes.
        assertThat(receiver.answerBytesWritten.get()).isLessThan(64L << 20);
        // The instance is whole.
        assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");
        // The API shows what happened, never what the receiver said.
        JsonNode shown = api.get("/api/v1/jobs/" + id + "/callbacks").json();
        assertThat(shown.toString()).doesNotContain("xxxx");
    }

    @Test
    void aTricklingAnswerIsCutOffAtTheDeadlineAndAttemptsNeverOverlap() {
        receiver.trickle(Duration.ofMillis(50));
        long id = enqueueWithCallback();

        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/api/v1/jobs/" + id + "/callbacks")
                        .json()
                        .at("/callbacks/0/state")
                        .asString("")
                        .equals("failed"));

        List<Map<String, Object>> attempts = attempts(id);
        assertThat(attempts).hasSize(3);
        long previousEnd = Long.MIN_VALUE;
        for (Map<String, Object> a : attempts) {
            assertThat((String) a.get("error")).startsWith("no complete answer within");
            int ms = (Integer) a.get("duration_ms");
            // Bounded by the 1 s deadline: well inside the 3 s lease, whatever the receiver does.
            assertThat(ms).isLessThan(3000);
            long start = (Long) a.get("started_ms");
            assertThat(start)
                    .as("an attempt starts only after the one before ended")
                    .isGreaterThanOrEqualTo(previousEnd);
            previousEnd = start + ms;
        }
        assertThat(receiver.received).hasSize(3);
    }
}
