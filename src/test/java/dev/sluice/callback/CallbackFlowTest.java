package dev.sluice.callback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.CallbackReceiver;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import dev.sluice.TestClock;
import dev.sluice.job.ClaimedJob;
import dev.sluice.job.JobRepository;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/** Completion callbacks, end to end: a real receiver over HTTP, signatures checked with the secret. */
@SluiceTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.callbacks.secret=" + CallbackFlowTest.SECRET,
            "sluice.callbacks.allow-private-networks=true",
            "sluice.callbacks.retry-base-delay=100ms",
            "sluice.callbacks.retry-max-delay=300ms",
            "sluice.callbacks.max-attempts=3",
            "sluice.callbacks.idle-wait=50ms",
            "sluice.dispatch.idle-wait=50ms"
        })
class CallbackFlowTest {

    static final String SECRET = "whsec-test";
    private static final Pattern SIGNATURE = Pattern.compile("t=(\\d+),v1=([0-9a-f]{64})");

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @Autowired
    JobRepository jobs;

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
                {"endpoint":"/e","payload":{"prompt":"hi"},"token_count":1,"callback_url":"%s"}""".formatted(receiver.url()));
        assertThat(a.status()).isEqualTo(201);
        return a.json().get("id").asLong();
    }

    private JsonNode callbacks(long id) {
        return api.get("/api/v1/jobs/" + id + "/callbacks").json().get("callbacks");
    }

    /** What a receiver does: recompute the HMAC over the raw body and compare in constant time. */
    static boolean verifies(CallbackReceiver.Received r, String secret) {
        Matcher m = SIGNATURE.matcher(String.valueOf(r.header("X-Sluice-Signature")));
        if (!m.matches()) {
            return false;
        }
        long t = Long.parseLong(m.group(1));
        String expected = CallbackSigner.hmac(secret, t, r.body());
        return Math.abs(TestClock.now().getEpochSecond() - t) < 300
                && MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8), m.group(2).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void postsASignedCallbackWhenAJobFinishes() {
        long id = enqueueWithCallback();

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 1);

        CallbackReceiver.Received r = receiver.received.getFirst();
        assertThat(verifies(r, SECRET)).isTrue();
        assertThat(verifies(r, "another-secret")).isFalse();
        JsonNode body = api.json(new String(r.body(), StandardCharsets.UTF_8));
        assertThat(body.get("id").asLong()).isEqualTo(id);
        assertThat(body.get("state").asString()).isEqualTo("succeeded");
        assertThat(body.get("result").get("prompt").asString()).isEqualTo("hi");
        assertThat(r.header("X-Sluice-Job")).isEqualTo(Long.toString(id));
        assertThat(r.header("X-Sluice-Delivery"))
                .isEqualTo(body.get("delivery_id").asString());
        await().atMost(Duration.ofSeconds(5))
                .until(() -> callbacks(id).get(0).get("state").asString().equals("delivered"));
        JsonNode delivery = callbacks(id).get(0);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("history").get(0).get("http_status").asInt()).isEqualTo(200);
        assertThat(delivery.get("url").asString()).isEqualTo(receiver.url());
    }

    @Test
    void aProjectWithItsOwnSecretHasItsCallbacksSignedWithIt() {
        String project = "signed-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        String own = "the-projects-own-secret-0123";
        assertThat(api.put("/api/v1/projects/" + project, "{\"callback_secret\":\"" + own + "\"}")
                        .status())
                .isEqualTo(200);
        Api.Answer key = api.postJson("/api/v1/keys", """
                {"project":"%s","name":"hooks","scopes":["submit"]}""".formatted(project));
        Api team = api.as(key.json().get("key").asString());

        Api.Answer a = team.postJson("/api/v1/jobs", """
                {"endpoint":"/e","payload":{},"token_count":1,"callback_url":"%s"}""".formatted(receiver.url()));
        assertThat(a.status()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 1);

        CallbackReceiver.Received r = receiver.received.getFirst();
        assertThat(verifies(r, own)).isTrue();
        assertThat(verifies(r, SECRET)).as("not the server's secret").isFalse();
    }

    @Test
    void retriesAFailingReceiverWithBackoffAndRecordsEveryAttempt() {
        receiver.failFirst.set(2);
        long id = enqueueWithCallback();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> callbacks(id).size() == 1
                        && callbacks(id).get(0).get("state").asString().equals("delivered"));

        JsonNode delivery = callbacks(id).get(0);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("history").values())
                .extracting(a -> a.get("http_status").asInt())
                .containsExactly(500, 500, 200);
        assertThat(receiver.received)
                .hasSize(3)
                .allSatisfy(r -> assertThat(verifies(r, SECRET)).isTrue());
        // The same delivery id each time, so the receiver can tell a repeat.
        assertThat(receiver.received.stream()
                        .map(r -> r.header("X-Sluice-Delivery"))
                        .distinct())
                .hasSize(1);
    }

    @Test
    void givesUpAfterTheConfiguredAttempts() {
        receiver.failFirst.set(100);
        long id = enqueueWithCallback();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> callbacks(id).size() == 1
                        && callbacks(id).get(0).get("state").asString().equals("failed"));

        JsonNode delivery = callbacks(id).get(0);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(3);
        assertThat(delivery.get("last_error").asString()).contains("HTTP 500");
    }

    @Test
    void aCancelledJobCallsBackToo() {
        String payload = "{\"prompt\":\"later\"}";
        long id = jobs.insert(
                        new NewJob("noop", "/e", payload, 1, Priority.LOW, receiver.url(), null, 3, null),
                        clock.instant().plus(Duration.ofHours(1)))
                .orElseThrow();

        api.delete("/api/v1/jobs/" + id);

        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.received.size() == 1);
        JsonNode body = api.json(new String(receiver.received.getFirst().body(), StandardCharsets.UTF_8));
        assertThat(body.get("state").asString()).isEqualTo("cancelled");
    }

    @Test
    void aDeliveryCutShortByARestartIsSentAgainAndRecordedOnce() throws Exception {
        // A job that finishes in an hour, so that only this test's "dying sender" sees its callback first.
        Instant later = clock.instant().plus(Duration.ofHours(1));
        long id = jobs.insert(new NewJob("noop", "/e", "{}", 1, Priority.HIGH, receiver.url(), null, 3, null), later)
                .orElseThrow();
        ClaimedJob claimed = jobs.claimNextBatch("noop", 1, "dying-node", later, later.plusSeconds(60))
                .getFirst();
        jobs.markSucceeded(claimed.fence(), "{\"ok\":true}", later, later);
        CallbackRepository repository = new CallbackRepository(jdbc);
        CallbackRepository.Due due = repository
                .claimDue("dying-node", later, later.plusSeconds(30), 10)
                .getFirst();
        // The dying sender gets its POST out, then the process dies before it records the answer.
        HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(due.url()))
                                .header("X-Sluice-Delivery", Long.toString(due.id()))
                                .POST(HttpRequest.BodyPublishers.ofString("{}"))
                                .build(),
                        HttpResponse.BodyHandlers.discarding());
        // Time passes: its lease, and the delivery's due time, are behind us.
        jdbc.sql("UPDATE callback_delivery SET lease_expires_at = ?, next_attempt_at = ? WHERE id = ?")
                .param(clock.instant().minusSeconds(1).atOffset(java.time.ZoneOffset.UTC))
                .param(clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .param(due.id())
                .update();

        await().atMost(Duration.ofSeconds(20))
                .until(() -> callbacks(id).get(0).get("state").asString().equals("delivered"));

        assertThat(receiver.received).hasSize(2);
        assertThat(receiver.received.stream()
                        .map(r -> r.header("X-Sluice-Delivery"))
                        .distinct()
                        .toList())
                .containsExactly(Long.toString(due.id()));
        JsonNode delivery = callbacks(id).get(0);
        assertThat(delivery.get("attempts").asInt()).isEqualTo(1);
        assertThat(delivery.get("history")).hasSize(1);
        // The late sender's record is fenced out: the delivery stays delivered, recorded once.
        assertThat(repository.recordAttempt(due, "failed", clock.instant(), 500, "late", null, 1, clock.instant()))
                .isFalse();
        assertThat(callbacks(id).get(0).get("state").asString()).isEqualTo("delivered");
    }

    @Test
    void aJobWithoutACallbackUrlGetsNoCallback() {
        long id = api.postJson("/api/v1/jobs", Fixtures.jobJson("high", 1))
                .json()
                .get("id")
                .asLong();

        api.awaitJobState(id, "succeeded");

        assertThat(callbacks(id)).isEmpty();
        assertThat(jdbc.sql("SELECT count(*) FROM callback_delivery")
                        .query(Long.class)
                        .single())
                .isZero();
        assertThat(api.get("/api/v1/jobs/424242/callbacks").status()).isEqualTo(404);
        assertThat(receiver.received).isEmpty();
    }
}
