package dev.sluice.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.CallbackReceiver;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import dev.sluice.job.JobRepository;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import java.time.Clock;
import java.time.Duration;
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

/**
 * No SSRF through {@code callback_url}, with the default setting (public hosts only). Before,
 * callbacks were delivered to Sluice's own /actuator and /api/v1, to 169.254.169.254 and to every
 * private network. Every refused address is only checked here, never connected to.
 */
@SluiceTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.callbacks.secret=s3cret",
            "sluice.callbacks.idle-wait=50ms",
            "sluice.callbacks.retry-base-delay=100ms",
            "sluice.callbacks.retry-max-delay=200ms",
            "sluice.callbacks.max-attempts=2",
            "sluice.dispatch.idle-wait=50ms"
        })
class CallbackSsrfTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobRepository jobs;

    @Autowired
    Clock clock;

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

    @Test
    void refusesAnInternalCallbackUrlAtEnqueueAndStoresNothing() {
        for (String url : List.of(
                "http://127.0.0.1:" + port + "/actuator/env",
                "http://127.0.0.1:" + port + "/api/v1/jobs",
                "http://169.254.169.254/latest/meta-data/",
                "http://10.0.0.1/",
                "http://[::ffff:169.254.169.254]/",
                "http://0x7f000001/",
                "http://2130706433/",
                "http://0/",
                "http://metadata.google.internal/")) {
            Api.Answer a = api.postJson("/api/v1/jobs", """
                    {"endpoint":"/e","payload":{},"token_count":1,"callback_url":"%s"}""".formatted(url));

            assertThat(a.status()).as(url).isEqualTo(400);
            assertThat(a.header("Content-Type")).startsWith("application/problem+json");
            JsonNode error = a.json().get("errors").get(0);
            assertThat(error.get("field").asString()).isEqualTo("callback_url");
            assertThat(error.get("rule").asString()).startsWith("must reach a public host");
        }
        Api.Answer batch = api.post("/api/v1/batches", "application/x-ndjson", """
                {"endpoint":"/e","payload":{},"token_count":1}
                {"endpoint":"/e","payload":{},"token_count":1,"callback_url":"http://192.168.0.1/hook"}
                """);
        assertThat(batch.status()).isEqualTo(400);
        assertThat(batch.json().get("errors").get(0).get("line").asInt()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isZero();
        assertThat(jdbc.sql("SELECT count(*) FROM batch").query(Long.class).single())
                .isZero();
    }

    @Test
    void refusesAgainAtDeliveryAndNeverConnects() {
        // A row stored without the enqueue check (as by an older version, or a name that resolved
        // elsewhere then): the delivery checks the address again and never connects to it.
        long id = jobs.insert(
                        new NewJob("noop", "/e", "{}", 1, Priority.HIGH, receiver.url(), null, 3, null),
                        clock.instant())
                .orElseThrow();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> api.get("/api/v1/jobs/" + id + "/callbacks")
                        .json()
                        .at("/callbacks/0/state")
                        .asString("")
                        .equals("failed"));

        JsonNode delivery = api.get("/api/v1/jobs/" + id + "/callbacks").json().at("/callbacks/0");
        assertThat(delivery.get("attempts").asInt()).isEqualTo(2);
        assertThat(delivery.get("last_error").asString()).startsWith("refused: 127.0.0.1, a loopback address");
        assertThat(receiver.received).isEmpty();
    }
}
