package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.EmulatorServer;
import dev.sluice.Fixtures;
import dev.sluice.TinkerSluiceTest;
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
 * A live instance keeps its leases however long the upstream takes: with a 1.5 s lease, renewed
 * every 0.5 s, and a rescuer looking every 0.2 s, a request the upstream holds for 4 s is sent
 * once and never rescued.
 */
@TinkerSluiceTest
@TestPropertySource(
        properties = {
            "sluice.dispatch.lease-duration=1500ms",
            "sluice.dispatch.rescue-interval=200ms",
            "sluice.polling.lease=1500ms"
        })
class LeaseRenewalTest {

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
        emulator = Api.emulator(Integer.parseInt(EmulatorServer.sharedUrl().replaceAll(".*:", "")));
        emulator.postJson("/emulator/reset", "{}");
    }

    @Test
    void aClaimBeingSentKeepsItsLeaseWhileTheUpstreamIsSlow() {
        emulator.postJson("/emulator/forced", "{\"path\":\"asample\",\"hang_ms\":4000,\"count\":1}");
        String body = TinkerFlowTest.sample(10).replaceFirst("\\{", "{\"upstream\":\"mint\",");
        long id = api.postJson("/api/v1/jobs", body).json().get("id").asLong();

        JsonNode job = api.awaitJobState(id, "succeeded");

        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        List<Map<String, Object>> history = Fixtures.history(jdbc, id);
        assertThat(history).filteredOn(r -> "claimed".equals(r.get("state"))).hasSize(1);
        assertThat(history).extracting(r -> String.valueOf(r.get("detail"))).noneMatch(d -> d.startsWith("lease of"));
        JsonNode stats = emulator.get("/emulator/stats").json();
        assertThat(stats.get("submissions").asLong()).isEqualTo(1);
        assertThat(stats.get("resubmissions").asLong()).isZero();
    }
}
