package dev.sluice.intake;

import static org.assertj.core.api.Assertions.assertThat;

import com.knuddels.jtokkit.api.EncodingType;
import dev.sluice.upstream.Protocol;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class TokenEstimatorTest {

    private final TokenEstimator estimator = new TokenEstimator(100);
    private final JsonMapper json = JsonMapper.builder().build();

    private JsonNode payload(String text) {
        return json.readTree(text);
    }

    @Test
    void aTinkerPromptIsCountedExactlyFromItsTokenIdsPlusEverySamplesMaxTokens() {
        JsonNode p = payload("""
                {"base_model":"Qwen/Qwen3-0.6B","num_samples":2,
                 "prompt":{"chunks":[{"type":"encoded_text","tokens":[1,2,3]},{"type":"encoded_text","tokens":[4,5]}]},
                 "sampling_params":{"max_tokens":10}}""");

        assertThat(estimator.estimate(Protocol.TINKER, "Qwen/Qwen3-0.6B", p)).isEqualTo(5 + 2 * 10);
    }

    @Test
    void aRequestNamingNoMaxTokensIsReckonedAtTheConfiguredDefault() {
        JsonNode p = payload("""
                {"prompt":{"chunks":[{"type":"encoded_text","tokens":[1,2,3]}]}}""");

        assertThat(estimator.estimate(Protocol.TINKER, null, p)).isEqualTo(3 + 100);
    }

    @Test
    void aChatForAnOpenAiModelGoesThroughItsOwnTokenizerWithThePerMessageOverhead() {
        // o200k_base: "user" is 1 token, "Hello, world" 3; each message adds 3, the reply 3.
        JsonNode p = payload("""
                {"model":"gpt-4o-mini","n":2,"max_tokens":5,
                 "messages":[{"role":"user","content":"Hello, world"}]}""");

        assertThat(estimator.estimate(Protocol.OPENAI, "gpt-4o-mini", p)).isEqualTo((3 + 1 + 3) + 3 + 2 * 5);
    }

    @Test
    void anUnknownModelIsCountedAtFourCharactersAToken() {
        String text = "x".repeat(400);
        JsonNode p = payload("""
                {"model":"llama-3.1-8b-instant","max_completion_tokens":7,
                 "messages":[{"role":"system","content":"%s"}]}""".formatted(text));

        // "system": 6 characters, 2 tokens; the text 100; 3 per message; 3 for the reply.
        assertThat(estimator.estimate(Protocol.OPENAI, "llama-3.1-8b-instant", p))
                .isEqualTo(3 + 2 + 100 + 3 + 7);
    }

    @Test
    void picksTheTokenizerByModelFamily() {
        assertThat(TokenEstimator.encodingOf("gpt-4o-2024-08-06")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenEstimator.encodingOf("openai/gpt-oss-120b")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenEstimator.encodingOf("o3-mini")).isEqualTo(EncodingType.O200K_BASE);
        assertThat(TokenEstimator.encodingOf("gpt-4-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenEstimator.encodingOf("gpt-3.5-turbo")).isEqualTo(EncodingType.CL100K_BASE);
        assertThat(TokenEstimator.encodingOf("llama-3.3-70b-versatile")).isNull();
        assertThat(TokenEstimator.encodingOf("omni-model")).isNull();
    }
}
