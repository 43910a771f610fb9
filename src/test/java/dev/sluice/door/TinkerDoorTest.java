package dev.sluice.door;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.PythonClients;
import dev.sluice.SluiceTest;
import dev.sluice.TestKeys;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
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
 * The Tinker door at {@code /tinker}: the seed's {@code queue_status} loop, unchanged but for its
 * base URL, samples through Sluice (with a Tinker client written from the protocol, as the SDK
 * does not install here), and the protocol's edges answer as Tinker's do.
 */
@SluiceTest
@Import(TinkerDoorTest.Upstreams.class)
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.default-upstream=mint",
            "sluice.upstreams.mint.protocol=tinker",
            "sluice.upstreams.mint.api-key=" + EmulatorServer.API_KEY,
            "sluice.doors.tinker.long-poll=300ms",
            "sluice.dispatch.idle-wait=50ms",
            "sluice.polling.idle-wait=50ms"
        })
class TinkerDoorTest {

    /** One worker at 50 tokens a second: a 128-token sample waits upstream for about 2.5 s. */
    private static final EmulatorServer.Own EMULATOR = new EmulatorServer.Own(
            "--sluice.emulator.api-key=" + EmulatorServer.API_KEY,
            "--sluice.emulator.workers=1",
            "--sluice.emulator.tokens-per-second=50");

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
            return registry -> registry.add("sluice.upstreams.mint.base-url", TinkerDoorTest::emulatorUrl);
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
    }

    @Test
    void theSeedsQueueStatusLoopSamplesThroughSluice() throws Exception {
        String out = PythonClients.output(
                "queue_status.py",
                List.of(),
                Map.of(
                        "TINKER_BASE_URL", "http://localhost:" + port + "/tinker",
                        "TINKER_API_KEY", "tml-" + TestKeys.ADMIN,
                        "PYTHONPATH",
                                Path.of("src/test/resources/sdk/tinker_client")
                                        .toAbsolutePath()
                                        .toString()));
        List<String> lines = Arrays.asList(out.strip().split("\n"));

        assertThat(lines.getFirst()).startsWith("sampling_session_created sampling_session_id=sluice-ss-");
        assertThat(lines.get(1)).startsWith("request_submitted request_id=sluice-job-");
        List<String> waits =
                lines.stream().filter(l -> l.startsWith("queue_fields")).toList();
        assertThat(waits).isNotEmpty();
        assertThat(waits.getFirst()).contains("type='try_again'", "retry_after=", "x_queue_status=");
        assertThat(lines.getLast())
                .startsWith("result_received request_id=sluice-job-")
                .contains("'sequences'");
        // The sample is an ordinary Sluice job, sent once to the upstream that serves the model.
        long job = Long.parseLong(lines.get(1).replaceAll(".*sluice-job-", ""));
        assertThat(api.job(job).get("state").asString()).isEqualTo("succeeded");
        assertThat(api.job(job).get("upstream").asString()).isEqualTo("mint");
        assertThat(EMULATOR.api()
                        .get("/emulator/stats")
                        .json()
                        .get("duplicate_submissions")
                        .asInt())
                .isZero();
    }

    @Test
    void theSameSampleSentTwiceIsOneFutureAndUnknownFuturesAre404() {
        Api tinker = api.as("tml-" + TestKeys.ADMIN);
        String session = tinker.postJson(
                        "/tinker/api/v1/create_sampling_session",
                        "{\"session_id\":\"s\",\"sampling_session_seq_id\":0,\"base_model\":\"Qwen/Qwen3-8B\"}")
                .json()
                .get("sampling_session_id")
                .asString();
        String sample = """
                {"sampling_session_id":"%s","seq_id":7,"num_samples":1,
                 "prompt":{"chunks":[{"tokens":[1,2,3],"type":"encoded_text"}]},
                 "sampling_params":{"max_tokens":4},"type":"sample"}""".formatted(session);

        String first = tinker.postJson("/tinker/api/v1/asample", sample)
                .json()
                .get("request_id")
                .asString();
        String again = tinker.postJson("/tinker/api/v1/asample", sample)
                .json()
                .get("request_id")
                .asString();

        assertThat(again).isEqualTo(first);
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(1);
        Api.Answer unknown =
                tinker.postJson("/tinker/api/v1/retrieve_future", "{\"request_id\":\"sluice-job-999999\"}");
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.json().get("detail").asString()).isEqualTo("Unknown request_id: sluice-job-999999");
    }

    @Test
    void overTheProjectsQueueLimitASampleGets429WithTinkersBackpressureDetail() {
        String project = "p-" + UUID.randomUUID().toString().substring(0, 8);
        Api.Answer key = api.postJson("/api/v1/keys", """
                {"project":"%s","name":"t","scopes":["submit","read"],"expires_at":null}""".formatted(project));
        api.put("/api/v1/projects/" + project, "{\"max_queued\":1}");
        api.post("/api/v1/upstreams/mint/pause", "application/json", "");
        try {
            Api team = api.as("tml-" + key.json().get("key").asString());
            String sample = """
                    {"base_model":"Qwen/Qwen3-8B","num_samples":1,
                     "prompt":{"chunks":[{"tokens":[1],"type":"encoded_text"}]},"sampling_params":{"max_tokens":4}}""";

            assertThat(team.postJson("/tinker/api/v1/asample", sample, "X-Tinker-Sampling-Backpressure", "1")
                            .status())
                    .isEqualTo(200);
            Api.Answer over = team.postJson("/tinker/api/v1/asample", sample, "X-Tinker-Sampling-Backpressure", "1");

            assertThat(over.status()).isEqualTo(429);
            assertThat(over.json().get("detail").get("code").asString()).isEqualTo("sampling_principal_backpressure");
            assertThat(over.json().get("detail").get("limit").asInt()).isEqualTo(1);
        } finally {
            api.post("/api/v1/upstreams/mint/resume", "application/json", "");
        }
    }
}
