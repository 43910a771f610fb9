package dev.sluice.door;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.PythonClients;
import dev.sluice.SluiceTest;
import dev.sluice.TestKeys;
import java.util.List;
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
import tools.jackson.databind.json.JsonMapper;

/**
 * The official OpenAI Python SDK, pointed at Sluice's {@code /v1} with a Sluice key, runs the
 * whole Batch API flow against real HTTP: Sluice sends the lines to the emulator's OpenAI side.
 */
@SluiceTest
@Import(OpenAiBatchDoorTest.Upstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.groq.protocol=openai",
            "sluice.upstreams.groq.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.groq.models[llama-3.1-8b-instant].requests-per-minute=0",
            "sluice.upstreams.slowgroq.protocol=openai",
            "sluice.upstreams.slowgroq.api-key=" + EmulatorServer.API_KEY,
            "sluice.upstreams.slowgroq.requests-per-minute=60",
            "sluice.upstreams.slowgroq.models[slow-model].requests-per-minute=0",
            "sluice.dispatch.idle-wait=50ms"
        })
class OpenAiBatchDoorTest {

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
                registry.add("sluice.upstreams.groq.base-url", OpenAiBatchDoorTest::emulatorUrl);
                registry.add("sluice.upstreams.slowgroq.base-url", OpenAiBatchDoorTest::emulatorUrl);
            };
        }
    }

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
    }

    @Test
    void theOfficialSdkRunsTheWholeBatchFlow() throws Exception {
        String out = PythonClients.run(
                "openai_batch_door.py",
                List.of("http://localhost:" + port + "/v1", TestKeys.ADMIN, "llama-3.1-8b-instant", "slow-model"));
        JsonNode seen = JsonMapper.builder().build().readTree(out);

        JsonNode file = seen.get("file");
        assertThat(file.get("id").asString()).startsWith("file-");
        assertThat(file.get("purpose").asString()).isEqualTo("batch");
        assertThat(file.get("retrieved_bytes").asLong())
                .isEqualTo(file.get("bytes").asLong())
                .isPositive();
        assertThat(file.get("content_same").asBoolean()).isTrue();

        assertThat(seen.get("created_status").asString()).isEqualTo("in_progress");
        JsonNode batch = seen.get("batch");
        assertThat(batch.get("status").asString()).isEqualTo("completed");
        assertThat(batch.get("counts").toString()).isEqualTo("{\"completed\":20,\"failed\":0,\"total\":20}");
        assertThat(batch.get("metadata").get("team").asString()).isEqualTo("search");
        assertThat(batch.get("error_file_id").isNull()).isTrue();
        assertThat(batch.get("completed_at").asLong())
                .isGreaterThanOrEqualTo(batch.get("created_at").asLong());
        assertThat(batch.get("output_lines").asInt()).isEqualTo(20);
        assertThat(batch.get("custom_ids")).hasSize(20);
        assertThat(batch.get("first_status_code").asInt()).isEqualTo(200);
        assertThat(batch.get("first_object").asString()).isEqualTo("chat.completion");
        // Its jobs are ordinary Sluice jobs: high priority, from metadata.priority, sent to groq.
        long batchId = Long.parseLong(batch.get("id").asString().substring("batch_".length()));
        assertThat(jdbc.sql(
                                "SELECT DISTINCT priority || ' ' || upstream || ' ' || endpoint FROM job WHERE batch_id = ?")
                        .param(batchId)
                        .query(String.class)
                        .list())
                .containsExactly("0 groq /v1/chat/completions");
        assertThat(seen.get("listed").toString()).contains(batch.get("id").asString());
        assertThat(seen.get("models").toString()).contains("llama-3.1-8b-instant", "slow-model");

        JsonNode bad = seen.get("bad");
        assertThat(bad.get("status").asInt()).isEqualTo(400);
        assertThat(bad.get("errors").toString()).contains("\"line\":1", "method", "\"line\":2", "not valid JSON");
        // The SDK's own error shows the same, from OpenAI's error object beside the problem's fields.
        assertThat(bad.get("message").asString()).contains("line 1: method must be \"POST\"", "line 2:");
        assertThat(bad.get("param").asString()).isEqualTo("method");

        JsonNode cancelled = seen.get("cancelled");
        assertThat(seen.get("cancel_answer").asString()).isIn("cancelling", "cancelled");
        assertThat(cancelled.get("status").asString()).isEqualTo("cancelled");
        assertThat(cancelled.get("counts").get("total").asInt()).isEqualTo(30);
        assertThat(cancelled.get("counts").get("failed").asInt()).isPositive();
        assertThat(cancelled.get("error_lines").asInt())
                .isEqualTo(cancelled.get("counts").get("failed").asInt());
        assertThat(cancelled.get("error_code").asString()).isEqualTo("batch_cancelled");
        assertThat(seen.get("deleted").asBoolean()).isTrue();
        assertThat(seen.get("after_delete").asInt()).isEqualTo(404);
    }
}
