package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.time.Duration;
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

/**
 * Answers an upstream should never give, over real HTTP from the emulator: a 200 that is not JSON,
 * one PostgreSQL cannot store, one far too large, one that trickles in. Each touches only its own
 * job. Before, one such answer in a group of written outcomes sent the group's other (served)
 * jobs to submit_unknown, a large answer was read whole into memory, and a trickling one held the
 * sender past its lease.
 */
@SluiceTest
@Import(BadAnswersTest.Upstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.groq.protocol=openai",
            "sluice.upstreams.groq.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.groq.max-in-flight=200",
            "sluice.upstreams.groq.timeout=1s",
            "sluice.upstreams.groq.max-response-size=64KB",
            "sluice.dispatch.idle-wait=50ms",
            "sluice.dispatch.retry-base-delay=100ms",
            "sluice.dispatch.retry-max-delay=300ms"
        })
class BadAnswersTest {

    private static final EmulatorServer.Own EMULATOR = new EmulatorServer.Own(
            "--sluice.emulator.api-key=" + EmulatorServer.API_KEY,
            "--sluice.emulator.openai.tokens-per-minute=100000000",
            "--sluice.emulator.openai.requests-per-minute=1000000");

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
            return registry -> registry.add("sluice.upstreams.groq.base-url", BadAnswersTest::emulatorUrl);
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api api;
    Api emulator;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
        emulator = EMULATOR.api();
        emulator.postJson("/emulator/reset", "{}");
    }

    private static final String CHAT = """
            {"upstream":"groq","endpoint":"/openai/v1/chat/completions","token_count":10,
             "payload":{"model":"llama-3.1-8b-instant","max_tokens":8,"messages":[{"role":"user","content":"hi"}]}}""";

    private void force(String answer) {
        emulator.postJson("/emulator/forced", "{\"path\":\"chat_completions\",\"count\":1," + answer + "}");
    }

    private Map<String, Long> countsByState() {
        Map<String, Long> counts = new java.util.TreeMap<>();
        jdbc.sql("SELECT state, count(*) FROM job GROUP BY state").query(rs -> {
            counts.put(rs.getString(1), rs.getLong(2));
        });
        return counts;
    }

    @Test
    void anAnswerThatIsNotStorableJsonFailsOnlyItsOwnJob() {
        force("\"status\":200,\"raw_body\":\"<html>a proxy's page, not JSON</html>\"");
        force("\"status\":200,\"body\":{\"choices\":[{\"text\":\"a\\u0000b\"}]}");
        StringBuilder batch = new StringBuilder();
        for (int i = 0; i < 150; i++) {
            batch.append(CHAT.replace("\n", "")).append('\n');
        }
        assertThat(api.post("/api/v1/batches", "application/x-ndjson", batch.toString())
                        .status())
                .isEqualTo(201);

        await().atMost(Duration.ofSeconds(60))
                .until(() -> countsByState().getOrDefault("succeeded", 0L)
                                + countsByState().getOrDefault("failed", 0L)
                        == 150);

        assertThat(countsByState()).isEqualTo(Map.of("succeeded", 148L, "failed", 2L));
        assertThat(jdbc.sql("SELECT error FROM job WHERE state = 'failed' ORDER BY error")
                        .query(String.class)
                        .list())
                .satisfiesExactly(
                        e -> assertThat(e).contains("not JSON").contains("a proxy's page"),
                        e -> assertThat(e).contains("cannot be stored").contains("U+0000"));
    }

    @Test
    void anAnswerOverTheSizeLimitFailsItsJobUnread() {
        force("\"status\":200,\"raw_body\":\"xxxxxxxxxxxxxxxx\",\"raw_repeat\":1000000");
        long id = api.postJson("/api/v1/jobs", CHAT).json().get("id").asLong();

        api.awaitJobState(id, "failed");

        assertThat(api.job(id).get("error").asString())
                .contains("larger than 65536 bytes")
                .contains("sluice.upstreams.groq.max-response-size");
    }

    @Test
    void anAnswerThatTricklesIsCutOffAtTheTimeoutAndTheJobRetried() {
        force("\"status\":200,\"raw_body\":\"{}\",\"raw_repeat\":1000,\"trickle_ms\":100");
        long id = api.postJson("/api/v1/jobs", CHAT).json().get("id").asLong();

        api.awaitJobState(id, "succeeded");

        assertThat(Fixtures.history(jdbc, id))
                .extracting(row -> String.valueOf(row.get("detail")))
                .anySatisfy(d -> assertThat(d).contains("no complete answer within 1000 ms"));
        assertThat(api.job(id).get("attempts").asInt()).isEqualTo(2);
    }
}
