package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
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
 * Limits per model under one upstream, over real HTTP to the emulator's OpenAI side: the model is
 * read from the payload and stored, a per-minute limit paces that model alone, a per-day limit
 * counts what the database says was sent over the last 24 hours (so a restart starts no fresh
 * day), a 429 that names a model pauses that model only, and a missing token_count is estimated
 * and corrected by the answer's usage.
 *
 * <p>The per-minute test counts the emulator's arrivals in each second: the build runs this class
 * alone, after the others (pom.xml), since beside the other fork's work it once counted 12 at what
 * was then 10/s.
 */
@Tag("measures-rates")
@SluiceTest
@Import(ModelLimitsTest.Upstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.groq.protocol=openai",
            "sluice.upstreams.groq.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.groq.requests-per-minute=60000",
            "sluice.upstreams.groq.models[llama-3.1-8b-instant].requests-per-minute=1200",
            "sluice.upstreams.groq.models[daily-model].requests-per-day=3",
            "sluice.dispatch.idle-wait=50ms",
            "sluice.dispatch.retry-base-delay=100ms",
            "sluice.dispatch.retry-max-delay=500ms"
        })
class ModelLimitsTest {

    private static final EmulatorServer.Own EMULATOR = new EmulatorServer.Own(
            "--sluice.emulator.api-key=" + EmulatorServer.API_KEY,
            "--sluice.emulator.openai.tokens-per-minute=100000000",
            "--sluice.emulator.openai.requests-per-minute=1000000",
            "--sluice.emulator.openai.requests-per-day=1000000",
            "--sluice.emulator.openai.latency=1ms");

    @AfterAll
    static void stopEmulator() {
        EMULATOR.close();
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class Upstreams {
        @Bean
        DynamicPropertyRegistrar emulatorUrls() {
            return registry -> registry.add("sluice.upstreams.groq.base-url", EMULATOR::url);
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

    private long enqueue(String model, String tokenCount) {
        Api.Answer a = api.postJson(
                "/api/v1/jobs", """
                {"upstream":"groq","endpoint":"/openai/v1/chat/completions"%s,
                 "payload":{"model":"%s","max_tokens":8,"messages":[{"role":"user","content":"Say hi to the model"}]}}""".formatted(tokenCount == null ? "" : ",\"token_count\":" + tokenCount, model));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("id").asLong();
    }

    private String state(long id) {
        return api.job(id).get("state").asString();
    }

    @Test
    void aMissingTokenCountIsEstimatedAndTheAnswersUsageIsStoredBesideIt() {
        long id = enqueue("llama-3.1-8b-instant", null);

        JsonNode queued = api.job(id);
        assertThat(queued.get("model").asString()).isEqualTo("llama-3.1-8b-instant");
        assertThat(queued.get("token_count_estimated").asBoolean()).isTrue();
        // "user" and the 19-character content at 4 characters a token (1 + 5), 3 for the message,
        // 3 for the reply, and max_tokens 8.
        assertThat(queued.get("token_count").asInt()).isEqualTo(1 + 5 + 3 + 3 + 8);

        JsonNode done = api.awaitJobState(id, "succeeded");
        assertThat(done.get("tokens_used").asInt())
                .isEqualTo(done.get("result").get("usage").get("total_tokens").asInt());
    }

    @Test
    void aPerMinuteLimitPacesItsModelAlone() {
        // llama-3.1-8b-instant may take 1,200 a minute (20 a second) under an upstream of 60,000.
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 80; i++) {
            ids.add(enqueue("llama-3.1-8b-instant", "20"));
        }
        ids.forEach(id -> api.awaitJobState(id, "succeeded"));

        JsonNode stats = emulator.get("/emulator/stats").json();
        long busiest = stats.get("max_submissions_per_second").asLong();
        System.out.printf("model at 20/s: the emulator's busiest second held %d%n", busiest);
        // At most 1.15 x, as every rate test here. (At 10/s that left half a request above what the
        // pacing itself allows, 1.05 s of permits: 11 was the usual count and 11 the bound.)
        assertThat(busiest).as("busiest 1-s window of a model limited to 20/s").isLessThanOrEqualTo(23);
        JsonNode models =
                api.get("/api/v1/queue").json().get("rate_limits").get("groq").get("models");
        assertThat(models.get("llama-3.1-8b-instant").get("requests_per_minute").asLong())
                .isEqualTo(1200);
        assertThat(models.get("daily-model").get("requests_per_day").asLong()).isEqualTo(3);
    }

    @Test
    void aDailyLimitCountsWhatWasSentInTheLast24HoursSoARestartStartsNoFreshDay() {
        // Two sent 20 hours ago (as before a restart): of a limit of 3 a day, one is left.
        jdbc.sql("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after,
                                 created_at, submitted_at, finished_at, model, result, fair_tag)
                SELECT 'groq', '/openai/v1/chat/completions', '{}', 10, 1, 'succeeded', 3, now(), now(),
                       now() - interval '20 hours', now() - interval '20 hours', 'daily-model', '{}', g
                FROM generate_series(1, 2) g""").update();

        // The claimer reads the day again within 5 s: from then on, this instance knows of them.
        await().atMost(Duration.ofSeconds(10)).until(() -> requestsLeftToday("daily-model") == 1);

        List<Long> daily =
                List.of(enqueue("daily-model", "10"), enqueue("daily-model", "10"), enqueue("daily-model", "10"));
        long other = enqueue("other-model", "10");

        api.awaitJobState(other, "succeeded");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> daily.stream()
                                .filter(id -> state(id).equals("succeeded"))
                                .count()
                        == 1);
        await().during(Duration.ofSeconds(2))
                .atMost(Duration.ofSeconds(4))
                .until(() -> daily.stream()
                                .filter(id -> state(id).equals("succeeded"))
                                .count()
                        == 1);
        assertThat(daily.stream().filter(id -> state(id).equals("queued")).count())
                .isEqualTo(2);
        assertThat(requestsLeftToday("daily-model")).isZero();
    }

    private long requestsLeftToday(String model) {
        for (JsonNode u : api.get("/api/v1/upstreams").json().get("upstreams")) {
            for (JsonNode m : u.get("models")) {
                if (m.get("name").asString().equals(model)) {
                    return m.path("requests_left_today_here").asLong(-1);
                }
            }
        }
        return -1;
    }

    @Test
    void aRefusalNamingAModelPausesThatModelOnly() {
        emulator.postJson("/emulator/forced", """
                {"path":"chat_completions","status":429,"count":1,
                 "headers":{"retry-after":"3"},
                 "body":{"error":{"message":"Rate limit reached for model `model-a` in organization `org_1` on tokens per day (TPD): Limit 500000, Used 499914, Requested 1031. Please try again in 3s.","type":"tokens","code":"rate_limit_exceeded"}}}""");
        long a = enqueue("model-a", "10");
        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.job(a).path("error").asString("").contains("not now"));

        long b = enqueue("model-b", "10");

        api.awaitJobState(b, "succeeded");
        assertThat(state(a))
                .as("model-a waits out its own pause while model-b goes")
                .isEqualTo("queued");
        api.awaitJobState(a, "succeeded");
    }
}
