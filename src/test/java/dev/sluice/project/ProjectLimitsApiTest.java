package dev.sluice.project;

import static dev.sluice.project.KeysApiTest.JOB;
import static dev.sluice.project.KeysApiTest.assertProblem;
import static dev.sluice.project.KeysApiTest.key;
import static dev.sluice.project.KeysApiTest.project;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.QuietSluiceTest;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/** A project's limits and its own view of the queue and the reports, over real HTTP. */
@QuietSluiceTest
class ProjectLimitsApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api admin;

    @BeforeEach
    void setUp() {
        admin = new Api(port);
    }

    private long jobsOf(String project) {
        return jdbc.sql("SELECT count(*) FROM job j JOIN project p ON p.id = j.project_id WHERE p.name = ?")
                .param(project)
                .query(Long.class)
                .single();
    }

    @Test
    void overALimitTheAnswerNamesItAndNothingIsStored() {
        String project = project();
        Api.Answer set = admin.put("/api/v1/projects/" + project, """
                {"max_queued":3,"allowed_priorities":["low","normal"],"max_batch_jobs":2}""");
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("allowed_priorities").toString()).isEqualTo("[\"normal\",\"low\"]");
        Api team = admin.as(key(admin, project, "submit").get("key").asString());

        Api.Answer high = team.postJson("/api/v1/jobs", """
                {"endpoint":"/v1/chat","payload":{},"token_count":1,"priority":"high"}""");
        assertProblem(high, 403, "allowed_priorities");
        Api.Answer highLine = team.post(
                "/api/v1/batches",
                "application/x-ndjson",
                JOB + "\n" + "{\"endpoint\":\"/v1/chat\",\"payload\":{},\"token_count\":1,\"priority\":\"high\"}\n");
        assertProblem(highLine, 403, "allowed_priorities");
        assertThat(highLine.json().get("detail").asString()).contains("line 2");
        assertProblem(
                team.post("/api/v1/batches", "application/x-ndjson", JOB + "\n" + JOB + "\n" + JOB + "\n"),
                403,
                "max_batch_jobs");
        assertThat(jobsOf(project)).isZero();

        assertThat(team.post("/api/v1/batches", "application/x-ndjson", JOB + "\n" + JOB + "\n")
                        .status())
                .isEqualTo(201);
        assertThat(team.postJson("/api/v1/jobs", JOB).status()).isEqualTo(201);
        Api.Answer fourth = team.postJson("/api/v1/jobs", JOB);
        assertProblem(fourth, 429, "max_queued");
        assertProblem(team.post("/api/v1/batches", "application/x-ndjson", JOB + "\n"), 429, "max_queued");
        assertThat(jobsOf(project)).as("nothing stored over the limit").isEqualTo(3);

        Api.Answer cleared = admin.put("/api/v1/projects/" + project, "{\"max_queued\":null}");
        assertThat(cleared.json().get("max_queued").isNull()).isTrue();
        assertThat(team.postJson("/api/v1/jobs", JOB).status())
                .as("a cleared limit holds at once")
                .isEqualTo(201);
        assertThat(admin.get("/api/v1/audit?target=project:" + project)
                        .json()
                        .get("events")
                        .toString())
                .contains("project.update");
    }

    @Test
    void aRetryCountsAgainstTheQueueLimitToo() {
        String project = project();
        admin.put("/api/v1/projects/" + project, "{\"max_queued\":1}");
        Api team = admin.as(key(admin, project, "submit").get("key").asString());
        long failed = team.postJson("/api/v1/jobs", JOB).json().get("id").asLong();
        // The job failed (set here: this instance sends nothing), which frees its place in the queue.
        jdbc.sql("UPDATE job SET state = 'failed', finished_at = now(), error = 'x' WHERE id = ?")
                .param(failed)
                .update();
        assertThat(team.postJson("/api/v1/jobs", JOB).status()).isEqualTo(201);

        assertProblem(team.postJson("/api/v1/jobs/" + failed + "/retry", ""), 429, "max_queued");
        assertThat(jdbc.sql("SELECT state FROM job WHERE id = ?")
                        .param(failed)
                        .query(String.class)
                        .single())
                .isEqualTo("failed");
    }

    @Test
    void aBadProjectSettingIsA400AndChangesNothing() {
        String project = project();
        admin.put("/api/v1/projects/" + project, "{\"weight\":2}");

        Api.Answer bad = admin.put("/api/v1/projects/" + project, """
                {"weight":0,"max_queued":-1,"allowed_priorities":["urgent"],"callback_secret":"short","colour":"red"}""");

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").toString())
                .contains(
                        "\"weight\"",
                        "\"max_queued\"",
                        "\"allowed_priorities[0]\"",
                        "\"callback_secret\"",
                        "\"colour\"");
        assertThat(admin.get("/api/v1/projects/" + project).json().get("weight").asInt())
                .isEqualTo(2);
        assertThat(admin.get("/api/v1/projects/no-such-project").status()).isEqualTo(404);
    }

    @Test
    void aProjectsQueueAndReportsCountOnlyItsOwnJobs() {
        String project = project();
        Api team = admin.as(key(admin, project, "submit", "read").get("key").asString());
        team.post("/api/v1/batches", "application/x-ndjson", JOB + "\n" + JOB + "\n" + JOB + "\n");
        admin.postJson("/api/v1/jobs", JOB);

        JsonNode queue = team.get("/api/v1/queue").json();
        assertThat(queue.get("project").asString()).isEqualTo(project);
        assertThat(queue.get("queue_lengths").get("low").asLong()).isEqualTo(3);
        assertThat(admin.get("/api/v1/queue")
                        .json()
                        .get("queue_lengths")
                        .get("low")
                        .asLong())
                .as("an admin key counts every project")
                .isGreaterThanOrEqualTo(4);

        JsonNode report = team.get("/api/v1/reports/wait-times?bucket=day&group_by=priority")
                .json();
        long counted = 0;
        for (JsonNode row : report.get("rows")) {
            counted += row.get("jobs").asLong();
        }
        assertThat(counted).isEqualTo(3);
        assertProblem(team.get("/api/v1/reports/queue-depth"), 403, "[admin]");
        assertThat(team.get("/api/v1/keys").status()).isEqualTo(403);
    }

    @Test
    void aProjectsOwnCallbackSecretIsNeverShown() {
        String project = project();
        Api.Answer set = admin.put("/api/v1/projects/" + project, "{\"callback_secret\":\"0123456789abcdef-secret\"}");

        assertThat(set.json().get("has_callback_secret").asBoolean()).isTrue();
        assertThat(admin.get("/api/v1/projects").body()).doesNotContain("0123456789abcdef-secret");
        assertThat(admin.get("/api/v1/audit?target=project:" + project).body())
                .doesNotContain("0123456789abcdef-secret");
    }
}
