package dev.sluice.door;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.PythonClients;
import dev.sluice.SluiceTest;
import dev.sluice.TestKeys;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * Chat completions through the queue, with the official OpenAI Python SDK as the client: each
 * request is one durable job, answered with the upstream's answer; a held request's retries never
 * make a second job; a refusal comes back with the upstream's status and body.
 */
@SluiceTest
@Import(OpenAiChatDoorTest.Upstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.groq.protocol=openai",
            "sluice.upstreams.groq.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.groq.models[llama-3.1-8b-instant].requests-per-minute=0",
            "sluice.upstreams.slowgroq.protocol=openai",
            "sluice.upstreams.slowgroq.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.slowgroq.models[slow-model].requests-per-minute=0",
            "sluice.doors.openai.hold=1s",
            "sluice.dispatch.idle-wait=50ms"
        })
class OpenAiChatDoorTest {

    private static final EmulatorServer.Own EMULATOR =
            new EmulatorServer.Own("--sluice.emulator.api-key=" + EmulatorServer.API_KEY);

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
                registry.add("sluice.upstreams.groq.base-url", OpenAiChatDoorTest::emulatorUrl);
                registry.add("sluice.upstreams.slowgroq.base-url", OpenAiChatDoorTest::emulatorUrl);
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api api;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
        EMULATOR.api().postJson("/emulator/reset", "{}");
    }

    @AfterEach
    void resume() {
        api.post("/api/v1/upstreams/slowgroq/resume", "application/json", "");
    }

    @Test
    void theOfficialSdkGetsAnswersThroughTheQueueAndItsRetriesWaitForTheSameJob() throws Exception {
        assertThat(api.post("/api/v1/upstreams/slowgroq/pause", "application/json", "")
                        .status())
                .isEqualTo(200);

        String out = PythonClients.run(
                "openai_chat_door.py",
                List.of(
                        "http://localhost:" + port + "/v1",
                        TestKeys.ADMIN,
                        "llama-3.1-8b-instant",
                        "slow-model",
                        "http://localhost:" + port + "/api/v1/upstreams/slowgroq/resume"));
        JsonNode seen = JsonMapper.builder().build().readTree(out);

        JsonNode plain = seen.get("plain");
        assertThat(plain.get("object").asString()).isEqualTo("chat.completion");
        assertThat(plain.get("content").asString()).startsWith("Emulated answer");
        assertThat(plain.get("retries").asInt()).isZero();
        JsonNode stream = seen.get("stream");
        assertThat(stream.get("chunks").asInt()).isGreaterThanOrEqualTo(3);
        assertThat(stream.get("text").asString()).startsWith("Emulated answer");
        assertThat(stream.get("finish_reason").asString()).isIn("stop", "length");
        assertThat(stream.get("usage").asInt()).isPositive();

        JsonNode held = seen.get("held");
        assertThat(held.get("content").asString()).startsWith("Emulated answer");
        // Held past sluice.doors.openai.hold (1 s) while the upstream was paused: the SDK retried...
        assertThat(held.get("retries").asInt()).isPositive();
        // ...and every try waited for the one job the first made, sent once, at high priority.
        assertThat(jdbc.sql("SELECT count(*) FROM job WHERE model = 'slow-model'")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
        long heldJob = held.get("job").asLong();
        assertThat(jdbc.sql("SELECT priority || ' ' || state || ' ' || upstream FROM job WHERE id = ?")
                        .param(heldJob)
                        .query(String.class)
                        .single())
                .isEqualTo("0 succeeded slowgroq");
        // Three jobs in all: the plain answer, the stream, the held one.
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(3);
    }

    @Test
    void anUpstreamRefusalComesBackWithItsStatusAndBody() {
        EMULATOR.api()
                .postJson(
                        "/emulator/forced",
                        "{\"path\":\"chat_completions\",\"status\":400,\"body\":{\"error\":{\"message\":\"context too"
                                + " long\",\"type\":\"invalid_request_error\"}},\"headers\":{},\"count\":1}");

        Api.Answer a = api.postJson(
                "/v1/chat/completions",
                "{\"model\":\"llama-3.1-8b-instant\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("error").get("message").asString()).isEqualTo("context too long");
        long job = Long.parseLong(a.header("X-Sluice-Job-Id"));
        assertThat(api.job(job).get("state").asString()).isEqualTo("failed");
    }

    @Test
    void aRequestForAModelNoUpstreamServesIsRefusedNamingTheModels() {
        Api.Answer a = api.postJson(
                "/v1/chat/completions", "{\"model\":\"gpt-9\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("errors").get(0).get("field").asString()).isEqualTo("model");
        assertThat(a.json().get("error").get("message").asString()).contains("llama-3.1-8b-instant", "slow-model");
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isZero();
    }
}
