package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.sluice.Api;
import dev.sluice.QuietSluiceTest;
import dev.sluice.job.JobSearches;
import dev.sluice.job.JobService;
import dev.sluice.job.JobState;
import dev.sluice.job.SearchTooBroadException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Finding and acting on jobs and batches: GET /api/v1/jobs and /api/v1/batches with their
 * filters and cursors, and a batch's cancel and retry-failed, each within the key's project.
 */
@QuietSluiceTest
class FindAndActTest {

    private static final String NDJSON = "application/x-ndjson";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    @Autowired
    JobService jobs;

    Api admin;
    Api team;
    long projectId;

    @BeforeEach
    void setUp() {
        admin = new Api(port);
        String project = "f-" + UUID.randomUUID().toString().substring(0, 8);
        JsonNode key = admin.postJson("/api/v1/keys", """
                {"project":"%s","name":"t","scopes":["submit","read"],"expires_at":null}""".formatted(project)).json();
        team = admin.as(key.get("key").asString());
        projectId = key.get("project_id") == null
                ? jdbc.sql("SELECT id FROM project WHERE name = ?")
                        .param(project)
                        .query(Long.class)
                        .single()
                : key.get("project_id").asLong();
    }

    private static String line(String customId, String priority, String model) {
        return "{\"custom_id\":\"" + customId + "\",\"endpoint\":\"/v1/s\",\"payload\":{\"model\":\"" + model
                + "\"},\"token_count\":1,\"priority\":\"" + priority + "\"}";
    }

    private long batch(Api as, String... lines) {
        Api.Answer a = as.post("/api/v1/batches?upstream=other", NDJSON, String.join("\n", lines));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json().get("batch_id").asLong();
    }

    private static List<Long> ids(JsonNode page, String field) {
        List<Long> ids = new ArrayList<>();
        page.get(field).values().forEach(j -> ids.add(j.get("id").asLong()));
        return ids;
    }

    private List<Long> jobIds(String query) {
        Api.Answer a = team.get("/api/v1/jobs" + query);
        assertThat(a.status()).as(a.body()).isEqualTo(200);
        return ids(a.json(), "jobs");
    }

    @Test
    void findsJobsNewestFirstByEachFilterAndPagesWithACursor() {
        Instant before = clock.instant();
        long b1 = batch(team, line("a", "high", "m1"), line("b", "low", "m2"), line("c", "high", "m2"));
        long b2 = batch(team, line("a", "normal", "m1"));
        Api.Answer made = team.postJson("/api/v1/jobs", """
                {"endpoint":"/v1/chat/completions","payload":{"model":"m3","messages":[{"role":"user","content":"hi"}]},
                 "token_count":1,"upstream":"oai","priority":"low"}""");
        assertThat(made.status()).as(made.body()).isEqualTo(201);
        long single = made.json().get("id").asLong();
        List<Long> all = jobIds("");
        assertThat(all).hasSize(5).isSortedAccordingTo((x, y) -> Long.compare(y, x));
        assertThat(all.getFirst()).isEqualTo(single);
        jdbc.sql("UPDATE job SET state = 'failed', finished_at = now() WHERE batch_id = ? AND custom_id = 'b'")
                .param(b1)
                .update();

        assertThat(jobIds("?state=failed")).hasSize(1);
        assertThat(jobIds("?state=queued,failed")).hasSize(5);
        assertThat(jobIds("?priority=high")).hasSize(2);
        assertThat(jobIds("?upstream=oai")).containsExactly(single);
        assertThat(jobIds("?model=m2")).hasSize(2);
        assertThat(jobIds("?batch_id=" + b1)).hasSize(3);
        assertThat(jobIds("?batch_id=" + b1 + "&state=queued&model=m2")).hasSize(1);
        assertThat(jobIds("?custom_id=a")).hasSize(2);
        assertThat(jobIds("?custom_id=a&batch_id=" + b2)).hasSize(1);
        assertThat(jobIds("?created_after=" + before.minusSeconds(1))).hasSize(5);
        assertThat(jobIds("?created_before=" + before.minusSeconds(1))).isEmpty();

        JsonNode first = team.get("/api/v1/jobs?limit=2").json();
        assertThat(ids(first, "jobs")).isEqualTo(all.subList(0, 2));
        long cursor = first.get("next_before").asLong();
        JsonNode second = team.get("/api/v1/jobs?limit=2&before=" + cursor).json();
        assertThat(ids(second, "jobs")).isEqualTo(all.subList(2, 4));
        JsonNode last = team.get("/api/v1/jobs?limit=2&before="
                        + second.get("next_before").asLong())
                .json();
        assertThat(ids(last, "jobs")).isEqualTo(all.subList(4, 5));
        assertThat(last.get("next_before").isNull()).isTrue();
        assertThat(first.get("jobs").get(0).has("payload"))
                .as("a list carries no payloads")
                .isFalse();
    }

    @Test
    void aKeySeesOnlyItsProjectAndAnAdminNarrowsByProject() {
        long mine = batch(team, line("x", "low", "m"));
        Api other = admin.as(admin.postJson("/api/v1/keys", """
                {"project":"o-%s","name":"t","scopes":["submit","read"],"expires_at":null}""".formatted(
                                UUID.randomUUID().toString().substring(0, 8)))
                .json()
                .get("key")
                .asString());
        long theirs = batch(other, line("y", "low", "m"));

        assertThat(ids(team.get("/api/v1/batches").json(), "batches")).containsExactly(mine);
        assertThat(ids(other.get("/api/v1/batches").json(), "batches")).containsExactly(theirs);
        assertThat(jobIds("?batch_id=" + theirs)).isEmpty();
        Api.Answer narrowed = team.get("/api/v1/jobs?project=anything");
        assertThat(narrowed.status()).isEqualTo(400);
        assertThat(narrowed.json().get("errors").get(0).get("field").asString()).isEqualTo("project");
        assertThat(team.post("/api/v1/batches/" + theirs + "/cancel", "application/json", "")
                        .status())
                .isEqualTo(404);

        String name = jdbc.sql("SELECT name FROM project WHERE id = ?")
                .param(projectId)
                .query(String.class)
                .single();
        JsonNode adminView = admin.get("/api/v1/jobs?project=" + name).json();
        assertThat(adminView.get("jobs").size()).isEqualTo(1);
        assertThat(adminView.get("jobs").get(0).get("batch_id").asLong()).isEqualTo(mine);
    }

    @Test
    void aReadKeyMayListButNotAct() {
        long b = batch(team, line("x", "low", "m"));
        String name = jdbc.sql("SELECT name FROM project WHERE id = ?")
                .param(projectId)
                .query(String.class)
                .single();
        Api reader = admin.as(admin.postJson("/api/v1/keys", """
                {"project":"%s","name":"r","scopes":["read"],"expires_at":null}""".formatted(name))
                .json()
                .get("key")
                .asString());

        assertThat(ids(reader.get("/api/v1/batches").json(), "batches")).containsExactly(b);
        assertThat(reader.post("/api/v1/batches/" + b + "/cancel", "application/json", "")
                        .status())
                .isEqualTo(403);
        assertThat(reader.post("/api/v1/batches/" + b + "/retry-failed", "application/json", "")
                        .status())
                .isEqualTo(403);
        assertThat(team.get("/api/v1/jobs?batch_id=" + b + "&state=queued")
                        .json()
                        .get("jobs")
                        .size())
                .isEqualTo(1);
    }

    @Test
    void cancellingABatchCancelsWhatIsNotSentAndRetryFailedQueuesItsFailuresAgain() {
        long b = batch(
                team, line("q1", "low", "m"), line("q2", "low", "m"), line("s", "low", "m"), line("f", "low", "m"));
        jdbc.sql(
                        "UPDATE job SET state = 'submitted', submitted_at = now(), attempts = 1 WHERE batch_id = ? AND custom_id = 's'")
                .param(b)
                .update();
        jdbc.sql(
                        "UPDATE job SET state = 'failed', finished_at = now(), attempts = 3 WHERE batch_id = ? AND custom_id = 'f'")
                .param(b)
                .update();

        Api.Answer cancel = team.post("/api/v1/batches/" + b + "/cancel", "application/json", "");
        assertThat(cancel.status()).as(cancel.body()).isEqualTo(200);
        assertThat(cancel.json().get("jobs").asLong()).isEqualTo(2);
        JsonNode status = team.get("/api/v1/batches/" + b).json();
        assertThat(status.get("counts").get("cancelled").asLong()).isEqualTo(2);
        assertThat(status.get("counts").get("submitted").asLong())
                .as("sent: left to finish")
                .isEqualTo(1);
        assertThat(status.get("state").asString()).isEqualTo("cancelling");
        assertThat(team.get("/api/v1/batches?state=cancelling")
                        .json()
                        .get("batches")
                        .get(0)
                        .get("id")
                        .asLong())
                .isEqualTo(b);
        assertThat(team.post("/api/v1/batches/" + b + "/cancel", "application/json", "")
                        .json()
                        .get("jobs")
                        .asLong())
                .as("again: nothing left to cancel")
                .isZero();

        Api.Answer retry = team.post("/api/v1/batches/" + b + "/retry-failed", "application/json", "");
        assertThat(retry.status()).as(retry.body()).isEqualTo(200);
        assertThat(retry.json().get("jobs").asLong()).isEqualTo(1);
        JsonNode retried = team.get("/api/v1/jobs?batch_id=" + b + "&custom_id=f")
                .json()
                .get("jobs")
                .get(0);
        assertThat(retried.get("state").asString()).isEqualTo("queued");
        assertThat(retried.get("attempts").asInt()).isZero();
        assertThat(team.get("/api/v1/batches/" + b).json().get("state").asString())
                .isEqualTo("running");
        JsonNode audit = admin.get("/api/v1/audit?target=batch:" + b).json().get("events");
        assertThat(audit.values().stream().limit(3).map(e -> e.get("action").asString()))
                .as("newest first; ids of truncated tables' batches come again in the audit log")
                .containsExactly("batch.retry_failed", "batch.cancel", "batch.cancel");
    }

    @Test
    void badListParametersAreOne400NamingEachField() {
        Api.Answer a = team.get("/api/v1/jobs?state=done&priority=urgent&created_after=yesterday&limit=0&before=-3");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.json().get("errors").values())
                .extracting(e -> e.get("field").asString())
                .containsExactly("state", "priority", "created_after", "limit", "before");
        Api.Answer b = team.get("/api/v1/batches?state=done&limit=201");
        assertThat(b.status()).isEqualTo(400);
        assertThat(b.json().get("errors").values())
                .extracting(e -> e.get("field").asString())
                .containsExactly("state", "limit");
    }

    @Test
    void aSearchThatReadsTooLongIsStoppedNotLeftRunning() {
        long b = batch(team, line("seed", "low", "m"));
        jdbc.sql("""
                INSERT INTO job (batch_id, custom_id, upstream, endpoint, payload, token_count, priority, state,
                    max_attempts, run_after, created_at, project_id, model, finished_at)
                SELECT :b, 'g' || g, 'other', '/v1/s', '{}', 1, 2, 'succeeded', 1, now(), now(), :p, 'm', now()
                FROM generate_series(1, 200000) g""").param("b", b).param("p", projectId).update();
        var filter = new JobSearches.JobFilter(
                List.of(projectId),
                List.of(JobState.SUCCEEDED),
                null,
                null,
                "no-such-model",
                null,
                null,
                null,
                null,
                Long.MAX_VALUE);

        assertThatThrownBy(() -> jobs.search(filter, 10, Duration.ofMillis(1)))
                .isInstanceOf(SearchTooBroadException.class)
                .hasMessageContaining("narrow it");
        assertThat(jobs.search(filter, 10, Duration.ofSeconds(30))).isEmpty();
    }
}
