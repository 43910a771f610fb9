package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * Pause and resume over HTTP: a paused upstream takes jobs but sends none, says so in queue
 * positions, shows who paused it, and sends again when resumed; a pause written by another
 * instance (a row and a NOTIFY) holds here within a second.
 */
@SluiceTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.held.protocol=noop",
            "sluice.upstreams.held.requests-per-minute=6000",
            "sluice.upstreams.other.protocol=noop",
            "sluice.dispatch.idle-wait=50ms"
        })
class UpstreamPauseTest {

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

    @AfterEach
    void resumeEverything() {
        api.postJson("/api/v1/upstreams/resume", "{}");
        jdbc.sql("DELETE FROM upstream_pause").update();
    }

    private long enqueue(String upstream) {
        return api.postJson("/api/v1/jobs", """
                {"upstream":"%s","endpoint":"/v1/echo","payload":{},"token_count":1}""".formatted(upstream))
                .json()
                .get("id")
                .asLong();
    }

    private String state(long id) {
        return api.job(id).get("state").asString();
    }

    @Test
    void aPausedUpstreamTakesJobsSendsNoneSaysSoAndSendsAgainWhenResumed() {
        long auditedBefore = jdbc.sql("SELECT coalesce(max(id), 0) FROM audit_event")
                .query(Long.class)
                .single();
        Api.Answer paused = api.postJson("/api/v1/upstreams/held/pause", """
                {"reason":"provider incident","until":null}""");
        assertThat(paused.status()).as(paused.body()).isEqualTo(200);
        assertThat(paused.json().get("reason").asString()).isEqualTo("provider incident");

        List<Long> held = List.of(enqueue("held"), enqueue("held"), enqueue("held"));
        long free = enqueue("other");

        api.awaitJobState(free, "succeeded");
        await().during(Duration.ofSeconds(1))
                .atMost(Duration.ofSeconds(3))
                .until(() -> held.stream().allMatch(id -> state(id).equals("queued")));
        Api.Answer waiting = api.get("/api/v1/jobs/" + held.getLast(), "X-Sluice-Backpressure", "1");
        assertThat(waiting.status()).isEqualTo(408);
        assertThat(waiting.json().get("queue_state").asString()).isEqualTo("paused");
        assertThat(waiting.json().get("queue_state_reason").asString()).isEqualTo("upstream_paused");

        JsonNode upstream = held("held");
        assertThat(upstream.get("paused").get("reason").asString()).isEqualTo("provider incident");
        assertThat(upstream.get("paused").get("paused_by").asString()).contains("key");
        assertThat(held("other").get("paused").isNull()).isTrue();
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM audit_event WHERE action = 'upstream.pause' AND target = 'upstream:held' AND id > ?")
                        .param(auditedBefore)
                        .query(Long.class)
                        .single())
                .isEqualTo(1);

        // As the README's curl sends it: no body at all.
        Api.Answer resumed = api.post("/api/v1/upstreams/held/resume", "application/json", "");
        assertThat(resumed.json().get("was_paused").asBoolean()).isTrue();
        held.forEach(id -> api.awaitJobState(id, "succeeded"));
        JsonNode after = held("held");
        assertThat(after.get("paused").isNull()).isTrue();
        assertThat(after.get("last_minute").get("requests").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(after.get("last_day").get("requests").asLong()).isGreaterThanOrEqualTo(3);
    }

    @Test
    void aPauseAnotherInstanceWroteHoldsHereWithinASecondAndSoDoesItsEnd() {
        // What another instance's POST .../pause does: the row, and the announcement.
        jdbc.sql("""
                WITH p AS (INSERT INTO upstream_pause (upstream, reason, paused_at, paused_by)
                           VALUES ('held', 'elsewhere', now(), 'key 1 of project other-instance') RETURNING upstream)
                SELECT pg_notify('sluice_pause', upstream) FROM p""").query().listOfRows();
        await().atMost(Duration.ofSeconds(1))
                .until(() ->
                        held("held").get("paused").path("reason").asString("").equals("elsewhere"));
        long id = enqueue("held");
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> state(id).equals("queued"));

        jdbc.sql("""
                WITH gone AS (DELETE FROM upstream_pause WHERE upstream = 'held' RETURNING upstream)
                SELECT pg_notify('sluice_pause', upstream) FROM gone""").query().listOfRows();

        api.awaitJobState(id, "succeeded");
    }

    @Test
    void pausingEveryUpstreamIsTheSeedsStopAndResumingThemItsStart() {
        Api.Answer stop = api.postJson("/api/v1/upstreams/pause", "{\"reason\":\"maintenance\"}");
        assertThat(stop.status()).as(stop.body()).isEqualTo(200);
        assertThat(stop.json().get("paused").size()).isGreaterThanOrEqualTo(2);
        long id = enqueue("other");
        await().during(Duration.ofMillis(500))
                .atMost(Duration.ofSeconds(2))
                .until(() -> state(id).equals("queued"));

        Api.Answer start = api.postJson("/api/v1/upstreams/resume", "{}");

        assertThat(start.json().get("resumed").toString()).contains("held", "other");
        api.awaitJobState(id, "succeeded");
    }

    @Test
    void aBadPauseIsAProblemNamingTheFieldAndPausesNothing() {
        Api.Answer past = api.postJson("/api/v1/upstreams/held/pause", "{\"until\":\"2001-01-01T00:00:00Z\"}");
        assertThat(past.status()).isEqualTo(400);
        assertThat(past.json().get("errors").get(0).get("field").asString()).isEqualTo("until");

        Api.Answer unknown = api.postJson("/api/v1/upstreams/nowhere/pause", "{}");
        assertThat(unknown.status()).isEqualTo(404);

        Api.Answer stray = api.postJson("/api/v1/upstreams/held/pause", "{\"modle\":\"x\"}");
        assertThat(stray.status()).isEqualTo(400);
        assertThat(stray.body()).contains("modle");

        assertThat(jdbc.sql("SELECT count(*) FROM upstream_pause")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void onlyAnAdminKeyMayPauseOrSeeTheUpstreams() {
        JsonNode key = api.postJson("/api/v1/keys", """
                {"project":"team-a","name":"submitter","scopes":["submit","read"]}""").json();
        Api team = api.as(key.get("key").asString());

        assertThat(team.postJson("/api/v1/upstreams/held/pause", "{}").status()).isEqualTo(403);
        assertThat(team.get("/api/v1/upstreams").status()).isEqualTo(403);
        assertThat(jdbc.sql("SELECT count(*) FROM upstream_pause")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private JsonNode held(String name) {
        for (JsonNode u : api.get("/api/v1/upstreams").json().get("upstreams")) {
            if (u.get("name").asString().equals(name)) {
                return u;
            }
        }
        throw new AssertionError("no upstream " + name);
    }
}
