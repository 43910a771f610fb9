package dev.sluice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.EmulatorServer;
import dev.sluice.PythonClients;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The official OpenAI Python SDK as the emulator's client: it lists the models and streams a chat
 * completion ({@code stream: true}), getting chunks and a finish reason, as it would from Groq.
 */
class OpenAiSdkEmulatorTest {

    private static final EmulatorServer.Own EMULATOR =
            new EmulatorServer.Own("--sluice.emulator.api-key=" + EmulatorServer.API_KEY);

    @AfterAll
    static void stop() {
        EMULATOR.close();
    }

    @Test
    void theOfficialSdkListsTheModelsAndStreamsAChat() throws Exception {
        String out =
                PythonClients.run("openai_emulator.py", List.of(EMULATOR.url() + "/openai/v1", EmulatorServer.API_KEY));

        JsonNode got = JsonMapper.builder().build().readTree(out);
        assertThat(got.get("models").toString()).contains("llama-3.1-8b-instant");
        assertThat(got.get("chunks").asInt()).isGreaterThan(1);
        assertThat(got.get("text").asString()).startsWith("Emulated answer");
        assertThat(got.get("finish_reason").asString()).isIn("stop", "length");
    }
}
