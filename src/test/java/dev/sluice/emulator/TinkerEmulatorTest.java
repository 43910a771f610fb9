package dev.sluice.emulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;
import tools.jackson.databind.JsonNode;

/** The emulator alone, over HTTP, as a Tinker client sees it. Each test starts its own. */
class TinkerEmulatorTest {

    private ConfigurableApplicationContext emulator;
    private Api api;

    private void start(String... args) {
        // A database URL nothing answers at: the emulator must not touch one.
        String[] all = new String[args.length + 1];
        all[0] = "--spring.datasource.url=jdbc:postgresql://127.0.0.1:1/none";
        System.arraycopy(args, 0, all, 1, args.length);
        emulator = EmulatorServer.start(all);
        api = Api.emulator(Integer.parseInt(EmulatorServer.url(emulator).replaceAll(".*:", "")));
    }

    @AfterEach
    void stop() {
        if (emulator != null) {
            emulator.close();
        }
    }

    private Api.Answer asample(String session, long seq, int maxTokens, String... headers) {
        return api.postJson("/api/v1/asample", """
                {"num_samples":1,"prompt":{"chunks":[{"tokens":[1,2,3],"type":"encoded_text"}]},
                 "sampling_params":{"max_tokens":%d,"temperature":0.7,"top_k":-1,"top_p":1.0},
                 "sampling_session_id":"%s","seq_id":%d,"prompt_logprobs":false,"topk_prompt_logprobs":0,
                 "type":"sample"}""".formatted(maxTokens, session, seq), headers);
    }

    private Api.Answer retrieve(String requestId) {
        return api.postJson(
                "/api/v1/retrieve_future", "{\"request_id\":\"" + requestId + "\",\"allow_metadata_only\":false}");
    }

    @Test
    void startsWithoutADatabaseAndMakesSessions() {
        start();

        JsonNode session = api.postJson(
                        "/api/v1/create_session",
                        "{\"tags\":[],\"user_metadata\":{},\"sdk_version\":\"0.25\",\"type\":\"create_session\"}")
                .json();
        assertThat(session.get("type").asString()).isEqualTo("create_session");
        // Like mint, a sampling session for a session id it has never seen.
        JsonNode sampling = api.postJson(
                        "/api/v1/create_sampling_session",
                        "{\"session_id\":\"never-seen\",\"sampling_session_seq_id\":0,\"base_model\":\"m\",\"type\":\"create_sampling_session\"}")
                .json();
        assertThat(sampling.get("sampling_session_id").asString()).isNotBlank();
        assertThat(api.postJson("/api/v1/session_heartbeat", "{\"session_id\":\"x\",\"type\":\"session_heartbeat\"}")
                        .json()
                        .get("type")
                        .asString())
                .isEqualTo("session_heartbeat");
    }

    @Test
    void requestIdsAreDeterministicPerSessionAndSeqIdAndAReSendDoesNoNewWork() {
        start();

        String first = asample("s1", 7, 10).json().get("request_id").asString();
        String again = asample("s1", 7, 10).json().get("request_id").asString();
        String other = asample("s1", 8, 10).json().get("request_id").asString();

        assertThat(again).isEqualTo(first);
        assertThat(other).isNotEqualTo(first);
        JsonNode stats = api.get("/emulator/stats").json();
        assertThat(stats.get("submissions").asLong()).isEqualTo(3);
        assertThat(stats.get("distinct_requests").asLong()).isEqualTo(2);
        assertThat(stats.get("resubmissions").asLong()).isEqualTo(1);
        assertThat(stats.get("duplicate_submissions").asLong()).isZero();
    }

    @Test
    void countsTheSameWorkStartedTwiceUnderOneIdempotencyKey() {
        start();

        asample("s1", 1, 10000, "X-Idempotency-Key", "job-1");
        asample("s1", 2, 10000, "X-Idempotency-Key", "job-1");

        assertThat(api.get("/emulator/stats")
                        .json()
                        .get("duplicate_submissions")
                        .asLong())
                .isEqualTo(1);
    }

    @Test
    void answersPendingPollsWith408QueueBodiesAndHeadersComputedAsMintDoes() {
        // One worker at 100 tokens/s: a 200-token request runs 2 s, and the next ones queue.
        start("--sluice.emulator.workers=1", "--sluice.emulator.tokens-per-second=100");
        String running = asample("s", 1, 200).json().get("request_id").asString();
        asample("s", 2, 200);
        String third = asample("s", 3, 200).json().get("request_id").asString();

        Api.Answer queued = retrieve(third);

        assertThat(queued.status()).isEqualTo(408);
        JsonNode b = queued.json();
        assertThat(b.get("type").asString()).isEqualTo("try_again");
        assertThat(b.get("request_id").asString()).isEqualTo(third);
        assertThat(b.get("status").asString()).isEqualTo("queued");
        assertThat(b.get("queue_state").asString()).isEqualTo("active");
        assertThat(b.get("queue_state_reason").asString()).isEqualTo("queue_backlog");
        assertThat(b.get("queue_position").asInt()).isEqualTo(1); // 0-indexed, behind request 2
        assertThat(b.get("queue_depth").asInt()).isEqualTo(2);
        // estimated_wait_s = (position + 1) * ema_exec_s / workers, with ema 2 s so far.
        assertThat(b.get("estimated_wait_s").asDouble()).isEqualTo(4.0);
        // retry_after_s = clamp(eta / 4, 1, 30)
        assertThat(b.get("retry_after_s").asDouble()).isEqualTo(1.0);
        assertThat(queued.header("Retry-After")).isEqualTo("1");
        assertThat(queued.header("X-Queue-Position")).isEqualTo("1");
        assertThat(queued.header("X-Queue-Depth")).isEqualTo("2");
        assertThat(queued.header("X-Queue-ETA-S")).isEqualTo("4.000");
        assertThat(queued.header("X-Queue-Status")).isEqualTo("queued");

        Api.Answer decoding = retrieve(running);
        assertThat(decoding.status()).isEqualTo(408);
        JsonNode d = decoding.json();
        assertThat(d.get("status").asString()).isIn("prefill", "decode");
        assertThat(d.get("queue_position").isNull()).isTrue();
        assertThat(decoding.header("X-Queue-Position"))
                .as("absent exactly when the field is null")
                .isNull();
        assertThat(d.get("progress").get("max_tokens").asInt()).isEqualTo(200);
        assertThat(decoding.header("X-Queue-Max-Tokens")).isEqualTo("200");
        assertThat(decoding.header("X-Queue-Tokens-Generated"))
                .isEqualTo(d.get("progress").get("tokens_generated").asString());
        assertThat(decoding.header("Retry-After"))
                .as("the same whole number as retry_after_s")
                .isEqualTo(d.get("retry_after_s").asString());
        assertThat(d.get("running_for_s").isNumber()).isTrue();
    }

    @Test
    void aFinishedRequestAnswersItsResultButAPollWithinASecondGetsAnImmediate408() {
        start("--sluice.emulator.tokens-per-second=100000");
        String id = asample("s", 1, 50).json().get("request_id").asString();

        Api.Answer first = retrieve(id);
        Api.Answer tooSoon = retrieve(id);

        assertThat(first.status()).isIn(200, 408);
        if (first.status() == 408) {
            assertThat(tooSoon.status()).isEqualTo(408);
        }
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(1100))
                .until(() -> retrieve(id).status() == 200);
        JsonNode result = retrieve(id).json();
        assertThat(result.get("type").asString()).isEqualTo("sample");
        assertThat(result.get("request_id").asString()).isEqualTo(id);
        assertThat(result.get("sequences").get(0).get("tokens").size()).isEqualTo(50);
        assertThat(result.get("sequences").get(0).get("stop_reason").asString()).isEqualTo("length");
        assertThat(retrieve("req-unknown").status()).isEqualTo(404);
        assertThat(retrieve("req-unknown").json().get("detail").asString())
                .isEqualTo("Unknown request_id: req-unknown");
    }

    @Test
    void aClientThatRePollsAtOnceStillGetsItsResultWithinAboutASecond() {
        // The Tinker SDK re-polls at once on a 408: a throttled poll must not restart the window.
        start("--sluice.emulator.tokens-per-second=100000");
        String id = asample("s", 1, 1500).json().get("request_id").asString();
        retrieve(id);

        await().atMost(Duration.ofSeconds(3))
                .pollInterval(Duration.ofMillis(5))
                .until(() -> retrieve(id).status() == 200);
        assertThat(retrieve(id).json().get("sequences").get(0).get("tokens").size())
                .as("max_tokens above 1,024 is honoured")
                .isEqualTo(1500);
    }

    @Test
    void aFutureReadAndPastItsGraceIsASystemErrorAndTelemetryIsAccepted() {
        start("--sluice.emulator.tokens-per-second=100000", "--sluice.emulator.result-grace=200ms");
        String id = asample("s", 1, 10).json().get("request_id").asString();
        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(1100))
                .until(() -> retrieve(id).status() == 200);

        await().atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(1100))
                .until(() -> retrieve(id).json().has("error"));
        Api.Answer gone = retrieve(id);
        assertThat(gone.status()).isEqualTo(200);
        assertThat(gone.json().get("category").asString()).isEqualTo("system");
        assertThat(api.postJson("/api/v1/telemetry", "{\"events\":[]}").status())
                .isEqualTo(200);
        // The Tinker SDK's first call: without an answer it cannot start.
        Api.Answer config = api.postJson("/api/v1/client/config", "{\"sdk_version\":\"0.9.0\"}");
        assertThat(config.status()).isEqualTo(200);
        assertThat(config.json().get("pjwt_auth_enabled").asBoolean()).isFalse();
        assertThat(config.json().get("credential_default_source").asString()).isEqualTo("api_key");
    }

    @Test
    void backpressureAnswers429AboveTheInFlightLimit() {
        start(
                "--sluice.emulator.max-in-flight=2",
                "--sluice.emulator.workers=1",
                "--sluice.emulator.tokens-per-second=10");
        asample("s", 1, 1000, "X-Tinker-Sampling-Backpressure", "1");
        asample("s", 2, 1000, "X-Tinker-Sampling-Backpressure", "1");

        Api.Answer third = asample("s", 3, 1000, "X-Tinker-Sampling-Backpressure", "1");
        Api.Answer withoutHeader = asample("s", 4, 1000);

        assertThat(third.status()).isEqualTo(429);
        assertThat(third.json().get("detail").asString()).isEqualTo("Sampling backpressure: server overloaded");
        assertThat(withoutHeader.status()).isEqualTo(200);
    }

    @Test
    void anApiKeyShutsOutOtherKeys() {
        start("--sluice.emulator.api-key=secret");

        assertThat(asample("s", 1, 10).status()).isEqualTo(401);
        assertThat(asample("s", 1, 10, "X-API-Key", "wrong").status()).isEqualTo(401);
        assertThat(asample("s", 1, 10, "X-API-Key", "secret").status()).isEqualTo(200);
    }

    @Test
    void injectsServerErrorsLostFuturesAndHangs() {
        start("--sluice.emulator.faults.lost-rate=1");
        String lost = asample("s", 1, 10).json().get("request_id").asString();
        assertThat(retrieve(lost).status()).isEqualTo(410);
        stop();

        start("--sluice.emulator.faults.server-error-rate=1");
        assertThat(asample("s", 1, 10).status()).isEqualTo(500);
        stop();

        start("--sluice.emulator.faults.timeout-rate=1", "--sluice.emulator.faults.hang-for=300ms");
        long t0 = System.nanoTime();
        assertThat(asample("s", 1, 10).status()).isEqualTo(504);
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }

    @Test
    void recordsTheHighestRatesItAccepted() {
        start();
        for (int i = 0; i < 5; i++) {
            asample("s", i, 100);
        }

        JsonNode stats = api.get("/emulator/stats").json();

        assertThat(stats.get("max_submissions_per_second").asLong()).isEqualTo(5);
        // tokens per request: 3 prompt tokens + 100 to generate
        assertThat(stats.get("max_tokens_per_minute").asLong()).isEqualTo(5 * 103);
    }

    @Test
    void theEmulatorProfileIsRecognisedFromArgumentsOrEnvironment() {
        assertThat(dev.sluice.SluiceApplicationAccess.emulatorRequested("--spring.profiles.active=emulator"))
                .isTrue();
        assertThat(dev.sluice.SluiceApplicationAccess.emulatorRequested("--spring.profiles.active=prod, emulator"))
                .isTrue();
        assertThat(dev.sluice.SluiceApplicationAccess.emulatorRequested("--spring.profiles.active=prod"))
                .isFalse();
    }
}
