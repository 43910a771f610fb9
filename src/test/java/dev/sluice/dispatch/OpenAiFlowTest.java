package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistrar;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The openai protocol over real HTTP to the emulator's OpenAI side, whose token budget is small
 * (1,200 a minute) so that it runs out within a test; and a tinker upstream beside it.
 */
@SluiceTest
@Import(OpenAiFlowTest.Upstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.groq.protocol=openai",
            "sluice.upstreams.groq.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.groq.max-in-flight=1",
            "sluice.upstreams.groq.timeout=5s",
            "sluice.upstreams.mint.protocol=tinker",
            "sluice.upstreams.mint.api-key=" + EmulatorServer.API_KEY,
            "sluice.dispatch.idle-wait=50ms",
            "sluice.dispatch.retry-base-delay=100ms",
            "sluice.dispatch.retry-max-delay=500ms",
            "sluice.polling.idle-wait=50ms",
            "sluice.callbacks.secret=test-secret"
        })
class OpenAiFlowTest {

    private static final EmulatorServer.Own EMULATOR = new EmulatorServer.Own(
            "--sluice.emulator.api-key=" + EmulatorServer.API_KEY,
            "--sluice.emulator.openai.tokens-per-minute=1200",
            "--sluice.emulator.openai.requests-per-minute=6000");

    static String emulatorUrl() {
        return EMULATOR.url();
    }

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Upstreams {
        @Bean
        DynamicPropertyRegistrar emulatorUrls() {
            return registry -> {
                registry.add("sluice.upstreams.groq.base-url", OpenAiFlowTest::emulatorUrl);
                registry.add("sluice.upstreams.mint.base-url", OpenAiFlowTest::emulatorUrl);
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    Api api;
    Api emulator;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
        emulator = EMULATOR.api();
        emulator.postJson("/emulator/reset", "{}");
    }

    static String chat(int maxTokens) {
        return """
                {"upstream":"groq","endpoint":"/openai/v1/chat/completions","token_count":%d,
                 "payload":{"model":"llama-3.1-8b-instant","max_tokens":%d,
                            "messages":[{"role":"user","content":"Say hi"}]}}""".formatted(maxTokens + 2, maxTokens);
    }

    private long enqueue(String body) {
        Api.Answer a = api.postJson("/api/v1/jobs", body);
        assertThat(a.status()).isEqualTo(201);
        return a.json().get("id").asLong();
    }

    private void force(int status, String body, String headers) {
        emulator.postJson(
                "/emulator/forced",
                "{\"path\":\"chat_completions\",\"status\":" + status + ",\"body\":" + body + ",\"headers\":" + headers
                        + ",\"count\":1}");
    }

    @Test
    void sendsAChatCompletionAndRecordsTheRateLimitHeaders() {
        long id = enqueue(chat(8));

        JsonNode done = api.awaitJobState(id, "succeeded");

        assertThat(done.get("result").get("object").asString()).isEqualTo("chat.completion");
        assertThat(done.get("result")
                        .get("choices")
                        .get(0)
                        .get("message")
                        .get("role")
                        .asString())
                .isEqualTo("assistant");
        Map<String, Object> observed = Fixtures.history(jdbc, id).stream()
                .filter(r -> "upstream".equals(r.get("source")))
                .findFirst()
                .orElseThrow();
        assertThat(observed.get("http_status")).isEqualTo(200);
        JsonNode headers = api.json(String.valueOf(observed.get("headers")));
        assertThat(headers.get("x-ratelimit-limit-tokens").asString()).isEqualTo("1200");
        assertThat(Long.parseLong(headers.get("x-ratelimit-remaining-tokens").asString()))
                .isLessThan(1200);
        assertThat(headers.get("x-ratelimit-reset-tokens").asString()).matches("[0-9.hms]+");
        assertThat(headers.has("x-ratelimit-remaining-requests")).isTrue();
        JsonNode stats = emulator.get("/emulator/stats").json();
        assertThat(stats.get("submissions").asLong()).isEqualTo(1);
        assertThat(stats.get("duplicate_submissions").asLong()).isZero();
    }

    @Test
    void a429WithRetryAfterPutsTheJobBackWithoutAnAttemptAndPausesTheUpstream() {
        force(
                429,
                "{\"error\":{\"message\":\"Rate limit reached. Please try again in 1.5s.\"}}",
                "{\"retry-after\":\"2\"}");
        long id = enqueue(chat(8));

        JsonNode done = api.awaitJobState(id, "succeeded");

        assertThat(done.get("attempts").asInt()).isEqualTo(1);
        List<Map<String, Object>> rows = Fixtures.history(jdbc, id);
        Map<String, Object> rejected = rows.stream()
                .filter(r -> Integer.valueOf(429).equals(r.get("http_status")))
                .findFirst()
                .orElseThrow();
        assertThat(rows).anySatisfy(r -> {
            assertThat(r.get("state")).isEqualTo("queued");
            assertThat(String.valueOf(r.get("detail"))).contains("HTTP 429");
        });
        Timestamp rejectedAt = (Timestamp) rejected.get("observed_at");
        Timestamp sentAgain = jdbc.sql("SELECT submitted_at FROM job WHERE id = ?")
                .param(id)
                .query(Timestamp.class)
                .single();
        assertThat(Duration.between(rejectedAt.toInstant(), sentAgain.toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1900));
    }

    @Test
    void groqsCapacityExceeded498IsRetriedWithoutAnAttempt() {
        force(498, "{\"error\":{\"message\":\"capacity\",\"type\":\"capacity_exceeded\"}}", "{}");
        long id = enqueue(chat(8));

        assertThat(api.awaitJobState(id, "succeeded").get("attempts").asInt()).isEqualTo(1);
        assertThat(Fixtures.history(jdbc, id))
                .anySatisfy(r -> assertThat(String.valueOf(r.get("detail"))).contains("HTTP 498"));
    }

    @Test
    void serverErrorsAreRetriedAndOtherClientErrorsFailWithTheBody() {
        force(503, "{\"error\":{\"message\":\"overloaded\"}}", "{}");
        long retried = enqueue(chat(8));
        assertThat(api.awaitJobState(retried, "succeeded").get("attempts").asInt())
                .isEqualTo(2);

        force(400, "{\"error\":{\"message\":\"model `nope` does not exist\"}}", "{}");
        long failed = enqueue(chat(8));
        JsonNode f = api.awaitJobState(failed, "failed");
        assertThat(f.get("error").asString()).contains("HTTP 400").contains("does not exist");
        assertThat(f.get("attempts").asInt()).isEqualTo(1);
    }

    @Test
    void waitsForTheTokenBudgetToRefillInsteadOfRunningIntoA429() {
        // 1,200 tokens a minute refill at 20 a second, and each job costs 310. Three fit; the
        // remaining-tokens header then says the fourth does not (about 280 left), so Sluice waits
        // the 1.5 s or so the budget needs to refill, instead of sending it into a 429.
        List<Long> ids = new java.util.ArrayList<>();
        for (int i = 0; i < 4; i++) {
            ids.add(enqueue(chat(309)));
        }

        ids.forEach(id -> api.awaitJobState(id, "succeeded"));

        JsonNode stats = emulator.get("/emulator/stats").json();
        assertThat(stats.get("rejected_rate_limit").asLong())
                .as("429s from the emulator")
                .isZero();
        assertThat(stats.get("submissions").asLong()).isEqualTo(4);
        List<Timestamp> sent = jdbc.sql("SELECT submitted_at FROM job ORDER BY submitted_at")
                .query(Timestamp.class)
                .list();
        assertThat(Duration.between(sent.get(2).toInstant(), sent.get(3).toInstant()))
                .isGreaterThanOrEqualTo(Duration.ofMillis(1000));
        long lastRemaining = jdbc.sql("""
                SELECT (headers->>'x-ratelimit-remaining-tokens')::bigint FROM job_status_history
                WHERE source = 'upstream' AND job_id = ? ORDER BY id DESC LIMIT 1""").param(ids.get(2)).query(Long.class).single();
        assertThat(lastRemaining).isLessThan(310);
    }

    @Test
    void aRateLimitedUpstreamDoesNotHoldBackAnother() {
        force(429, "{\"error\":{\"message\":\"slow down\"}}", "{\"retry-after\":\"3\"}");
        long groq = enqueue(chat(8));
        await().atMost(Duration.ofSeconds(5))
                .until(() -> Fixtures.history(jdbc, groq).stream()
                        .anyMatch(r -> Integer.valueOf(429).equals(r.get("http_status"))));
        long mint = enqueue("""
                {"upstream":"mint","endpoint":"/api/v1/asample","token_count":13,
                 "payload":{"base_model":"m","sampling_params":{"max_tokens":10}}}""");

        api.awaitJobState(mint, "succeeded");

        assertThat(api.job(groq).get("state").asString()).isEqualTo("queued");
        api.awaitJobState(groq, "succeeded");
    }

    @Autowired
    dev.sluice.job.JobRepository jobs;

    @Autowired
    dev.sluice.upstream.Upstreams upstreams;

    @Test
    void aCrashAfterSendingToAnUpstreamWithoutIdempotencyLeavesTheJobInSubmitUnknownNotResent() throws Exception {
        java.time.Instant later = clock.instant().plus(Duration.ofHours(1));
        String payload = api.json(chat(8)).get("payload").toString();
        long id = jobs.insert(
                        new dev.sluice.job.NewJob(
                                "groq",
                                "/openai/v1/chat/completions",
                                payload,
                                10,
                                dev.sluice.job.Priority.HIGH,
                                null,
                                null,
                                3,
                                null),
                        later)
                .orElseThrow();
        dev.sluice.job.ClaimedJob claimed = jobs.claimNextBatch("groq", 1, "crashed-node", later, later.plusSeconds(30))
                .getFirst();
        assertThat(jobs.markSending(claimed.fence(), later)).isTrue();
        upstreams.get("groq").submit(claimed, null);
        // ... and the node dies before it writes the answer. Its lease expires:
        jobs.rescueExpiredClaims(later.plusSeconds(31), 10);

        JsonNode job = api.job(id);
        assertThat(job.get("state").asString()).isEqualTo("submit_unknown");
        assertThat(job.get("error").asString()).contains("may have been served");
        Api.Answer waiting = api.get("/api/v1/jobs/" + id, "X-Sluice-Backpressure", "1");
        assertThat(waiting.status()).isEqualTo(408);
        assertThat(waiting.json().get("status").asString()).isEqualTo("submit_unknown");
        assertThat(emulator.get("/emulator/stats").json().get("submissions").asLong())
                .isEqualTo(1);

        // The operator decides: a retry sends it again, as a new request.
        assertThat(api.postJson("/api/v1/jobs/" + id + "/retry", "").status()).isEqualTo(200);
        api.awaitJobState(id, "succeeded");
        assertThat(emulator.get("/emulator/stats").json().get("submissions").asLong())
                .isEqualTo(2);
    }
}
