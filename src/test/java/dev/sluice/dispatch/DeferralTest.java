package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.TinkerSluiceTest;
import dev.sluice.job.JobRepository;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * No job holds the others up. A job refused again and again ("not now": a 429, backpressure, a
 * token budget that cannot cover it) backs off, and its refusals are one history row with a
 * count; a job its upstream's token limit could never let through fails, saying so. Before, such
 * a job went straight back to the queue without using an attempt: at high priority it held five
 * small jobs for 20 s, and it wrote 4,244 history rows in 10 s.
 */
@TinkerSluiceTest
@TestPropertySource(
        properties = {"sluice.upstreams.small.protocol=noop", "sluice.upstreams.small.tokens-per-minute=600"})
class DeferralTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobRepository jobs;

    @Autowired
    Clock clock;

    Api api;
    Api emulator;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
        emulator = Api.emulator(Integer.parseInt(EmulatorServer.sharedUrl().replaceAll(".*:", "")));
        emulator.postJson("/emulator/reset", "{}");
    }

    @Test
    void aJobRefusedAgainAndAgainBacksOffAndIsOneHistoryRow() {
        emulator.postJson("/emulator/forced", """
                {"path":"asample","status":429,"body":{"detail":"Sampling backpressure: server overloaded"},
                 "headers":{"Retry-After":"0"},"count":6}""");
        String sample = TinkerFlowTest.sample(10).replaceFirst("\\{", "{\"upstream\":\"mint\",\"priority\":\"high\",");
        long id = api.postJson("/api/v1/jobs", sample).json().get("id").asLong();

        JsonNode done = api.awaitJobState(id, "succeeded");

        assertThat(done.get("attempts").asInt()).as("a refusal uses no attempt").isEqualTo(1);
        List<Map<String, Object>> rows = Fixtures.history(jdbc, id).stream()
                .filter(r -> "queue".equals(r.get("source")))
                .toList();
        assertThat(rows)
                .extracting(r -> r.get("state"))
                .containsExactly("queued", "claimed", "queued", "submitted", "succeeded");
        Map<String, Object> deferral = rows.get(2);
        assertThat(deferral.get("repeats")).isEqualTo(6);
        assertThat(String.valueOf(deferral.get("detail"))).contains("not now").contains("HTTP 429");
        // Six refusals that each said "retry at once" were spread by the backoff (100 ms doubled,
        // at least half of each): at least 50 + 100 + 200 + 400 + 800 ms between the first and last.
        java.time.Instant first = ((java.sql.Timestamp) deferral.get("observed_at")).toInstant();
        java.time.Instant last = ((java.sql.Timestamp) deferral.get("last_observed_at")).toInstant();
        assertThat(Duration.between(first, last)).isGreaterThanOrEqualTo(Duration.ofMillis(1550));
        assertThat(emulator.get("/emulator/stats")
                        .json()
                        .get("distinct_requests")
                        .asLong())
                .isEqualTo(1);
        JsonNode shown =
                api.get("/api/v1/jobs/" + id + "/history").json().get("history").get(2);
        assertThat(shown.get("repeats").asInt()).isEqualTo(6);
    }

    @Test
    void aJobOverItsUpstreamsTokenLimitFailsAtTheClaimAndHoldsNothingUp() {
        // Stored before the limit was lowered to 600 a minute (the API refuses it now).
        long tooBig = jobs.insert(
                        new NewJob("small", "/e", "{}", 5_000, Priority.HIGH, null, null, 3, null), clock.instant())
                .orElseThrow();
        List<Long> small = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            small.add(
                    jobs.insert(new NewJob("small", "/e", "{}", 1, Priority.LOW, null, null, 3, null), clock.instant())
                            .orElseThrow());
        }

        JsonNode failed = api.awaitJobState(tooBig, "failed");
        small.forEach(id -> api.awaitJobState(id, "succeeded"));

        assertThat(failed.get("error").asString())
                .contains("token_count 5000")
                .contains("tokens-per-minute")
                .contains("never be sent");
        assertThat(Fixtures.history(jdbc, tooBig)).hasSize(3); // queued, claimed, failed
    }
}
