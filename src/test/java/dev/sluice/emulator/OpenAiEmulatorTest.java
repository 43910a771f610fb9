package dev.sluice.emulator;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** The emulator's OpenAI-compatible side alone, over HTTP, with a small token budget. */
class OpenAiEmulatorTest {

    private ConfigurableApplicationContext emulator;
    private Api api;

    @BeforeEach
    void start() {
        emulator = EmulatorServer.start(
                "--sluice.emulator.api-key=k",
                "--sluice.emulator.openai.tokens-per-minute=1000",
                "--sluice.emulator.openai.requests-per-day=100",
                "--sluice.emulator.openai.latency=0ms");
        api = Api.emulator(Integer.parseInt(EmulatorServer.url(emulator).replaceAll(".*:", "")));
    }

    @AfterEach
    void stop() {
        emulator.close();
    }

    private Api.Answer chat(String path, int maxTokens, String... headers) {
        return api.postJson(path, """
                {"model":"llama-3.1-8b-instant","max_tokens":%d,"messages":[{"role":"user","content":"Say hello please"}]}""".formatted(maxTokens), headers);
    }

    @Test
    void streamsTheSameCompletionAsServerSentEventsAndListsModels() {
        String plain = chat("/v1/chat/completions", 50, "Authorization", "Bearer k")
                .json()
                .get("choices")
                .get(0)
                .get("message")
                .get("content")
                .asString();

        Api.Answer streamed = api.postJson("/v1/chat/completions", """
                {"model":"llama-3.1-8b-instant","max_tokens":50,"stream":true,"stream_options":{"include_usage":true},
                 "messages":[{"role":"user","content":"Say hello please"}]}""", "Authorization", "Bearer k");

        assertThat(streamed.status()).isEqualTo(200);
        assertThat(streamed.header("Content-Type")).startsWith("text/event-stream");
        java.util.List<String> events = java.util.Arrays.stream(streamed.body().split("\n\n"))
                .map(e -> e.replaceFirst("^data: ", ""))
                .toList();
        assertThat(events.getLast()).isEqualTo("[DONE]");
        StringBuilder content = new StringBuilder();
        JsonNode usage = null;
        for (String e : events.subList(0, events.size() - 1)) {
            JsonNode chunk = api.json(e);
            assertThat(chunk.get("object").asString()).isEqualTo("chat.completion.chunk");
            if (chunk.get("choices").isEmpty()) {
                usage = chunk.get("usage");
            } else {
                content.append(
                        chunk.get("choices").get(0).get("delta").path("content").asString(""));
            }
        }
        assertThat(content).hasToString(plain);
        assertThat(usage.get("total_tokens").asInt()).isPositive();

        assertThat(api.get("/v1/models").status())
                .as("the emulator's key is needed")
                .isEqualTo(401);
        JsonNode models = api.get("/v1/models", "Authorization", "Bearer k").json();
        assertThat(models.get("object").asString()).isEqualTo("list");
        assertThat(models.get("data").get(0).get("id").asString()).isEqualTo("llama-3.1-8b-instant");
    }

    @Test
    void answersEveryPromptEvenOnesWhoseWordsHashSmall() {
        // "Question 39956" made a word of the emulated answer from a hash with fewer than three hex
        // digits, and the emulator answered 500 (found by bench/run.sh --only openai_batch).
        Api.Answer a = api.postJson("/v1/chat/completions", """
                {"model":"llama-3.1-8b-instant","max_tokens":16,"messages":[{"role":"user","content":"Question 39956"}]}""", "Authorization", "Bearer k");

        assertThat(a.status()).as(a.body()).isEqualTo(200);
        assertThat(a.json().get("choices").get(0).get("message").get("content").asString())
                .matches("Emulated answer( [0-9a-f]{3}){10}");
    }

    @Test
    void answersADeterministicCompletionWithHeadersFromTheRealBudget() {
        Api.Answer first = chat("/openai/v1/chat/completions", 300, "Authorization", "Bearer k");
        Api.Answer second = chat("/v1/chat/completions", 300, "Authorization", "Bearer k");

        assertThat(first.status()).isEqualTo(200);
        JsonNode body = first.json();
        assertThat(body.get("object").asString()).isEqualTo("chat.completion");
        assertThat(body.get("choices").get(0).get("message").get("content").asString())
                .isEqualTo(second.json()
                        .get("choices")
                        .get(0)
                        .get("message")
                        .get("content")
                        .asString());
        assertThat(body.get("usage").get("prompt_tokens").asInt()).isEqualTo(4);
        assertThat(first.header("x-ratelimit-limit-tokens")).isEqualTo("1000");
        assertThat(first.header("x-ratelimit-limit-requests")).isEqualTo("100");
        // 304 tokens each (4 of prompt, 300 to generate), refilling at about 17 a second.
        assertThat(Long.parseLong(first.header("x-ratelimit-remaining-tokens"))).isBetween(696L, 700L);
        assertThat(Long.parseLong(second.header("x-ratelimit-remaining-tokens")))
                .isBetween(392L, 400L);
        assertThat(second.header("x-ratelimit-remaining-requests")).isEqualTo("98");
        assertThat(second.header("x-ratelimit-reset-tokens")).matches("\\d+(\\.\\d+)?s");
    }

    @Test
    void answers429WithRetryAfterWhenTheTokenBudgetIsShort() {
        chat("/v1/chat/completions", 600, "Authorization", "Bearer k");

        Api.Answer refused = chat("/v1/chat/completions", 600, "Authorization", "Bearer k");

        assertThat(refused.status()).isEqualTo(429);
        assertThat(Integer.parseInt(refused.header("retry-after"))).isBetween(10, 14);
        assertThat(refused.json().get("error").get("message").asString())
                .contains("tokens per minute (TPM)")
                .containsPattern("Please try again in [0-9.]+s\\.");
        assertThat(api.get("/emulator/stats").json().get("rejected_rate_limit").asInt())
                .isEqualTo(1);
    }

    @Test
    void refusesOtherKeysAndCountsARepeatedIdempotencyKeyAsDoneTwice() {
        assertThat(chat("/v1/chat/completions", 10).status()).isEqualTo(401);
        assertThat(chat("/v1/chat/completions", 10, "Authorization", "Bearer wrong")
                        .status())
                .isEqualTo(401);

        chat("/v1/chat/completions", 10, "Authorization", "Bearer k", "Idempotency-Key", "sluice-1-1");
        chat("/v1/chat/completions", 10, "Authorization", "Bearer k", "Idempotency-Key", "sluice-1-1");

        JsonNode stats = api.get("/emulator/stats").json();
        assertThat(stats.get("submissions").asInt()).isEqualTo(2);
        assertThat(stats.get("duplicate_submissions").asInt()).isEqualTo(1);
    }

    @Test
    void printsResetsAsGoDurations() {
        assertThat(OpenAiEmulatorController.goDuration(179_560_000_000L)).isEqualTo("2m59.56s");
        assertThat(OpenAiEmulatorController.goDuration(7_660_000_000L)).isEqualTo("7.66s");
        assertThat(OpenAiEmulatorController.goDuration(3_723_000_000_000L)).isEqualTo("1h2m3s");
        assertThat(OpenAiEmulatorController.goDuration(0)).isEqualTo("0s");
    }
}
