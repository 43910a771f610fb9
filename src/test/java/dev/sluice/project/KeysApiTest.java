package dev.sluice.project;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.QuietSluiceTest;
import dev.sluice.TestKeys;
import java.time.Clock;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Keys over real HTTP: no key, a key without the scope, a revoked or expired key, the key's
 * project seeing only its own jobs and batches, and key management itself.
 */
@QuietSluiceTest
class KeysApiTest {

    static final String JOB = """
            {"endpoint":"/v1/chat","payload":{"prompt":"hi"},"token_count":1}""";

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    Api admin;

    @BeforeEach
    void setUp() {
        admin = new Api(port);
    }

    /** A new project's name, so that tests sharing the database never share a project. */
    static String project() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Makes a key; answers the whole 201 body. */
    static JsonNode key(Api admin, String project, String... scopes) {
        Api.Answer a = admin.postJson("/api/v1/keys", """
                {"project":"%s","name":"test","scopes":["%s"],"expires_at":null}""".formatted(project, String.join("\",\"", scopes)));
        assertThat(a.status()).as(a.body()).isEqualTo(201);
        return a.json();
    }

    static void assertProblem(Api.Answer a, int status, String rulePart) {
        assertThat(a.status()).as(a.body()).isEqualTo(status);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        JsonNode body = a.json();
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("errors").get(0).get("field").asString()).isNotBlank();
        assertThat(body.get("errors").toString()).contains(rulePart);
    }

    @Test
    void withoutAKeyEveryApiAndActuatorPathAnswers401AndStoresNothing() {
        Api anonymous = admin.as(null);
        long before = jdbc.sql("SELECT count(*) FROM job").query(Long.class).single();

        assertProblem(anonymous.postJson("/api/v1/jobs", JOB), 401, "must carry an API key");
        assertProblem(anonymous.get("/api/v1/jobs/1"), 401, "must carry an API key");
        assertProblem(anonymous.get("/api/v1/queue"), 401, "must carry an API key");
        assertProblem(anonymous.get("/actuator/prometheus"), 401, "must carry an API key");
        assertProblem(anonymous.get("/actuator/metrics"), 401, "must carry an API key");
        assertProblem(admin.as("sk-sluice-" + "x".repeat(30)).get("/api/v1/queue"), 401, "is not a known key");
        assertProblem(admin.as("not-a-key").get("/api/v1/queue"), 401, "is not a Sluice key");
        assertThat(anonymous.postJson("/api/v1/jobs", JOB).header("WWW-Authenticate"))
                .startsWith("Bearer");
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(before);

        assertThat(anonymous.get("/actuator/health").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/liveness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health/readiness").status()).isEqualTo(200);
        assertThat(anonymous.get("/actuator/health").body()).doesNotContain("details");
        assertThat(admin.get("/actuator/prometheus").status())
                .as("the admin key opens metrics")
                .isEqualTo(200);
    }

    @Test
    void aKeyIsShownOnceListedWithoutItsSecretAndWorksAsBearerOrXApiKey() {
        String project = project();
        Api.Answer made = admin.postJson("/api/v1/keys", """
                {"project":"%s","name":"ci","scopes":["submit","read"],"expires_at":"2999-01-01T00:00:00Z"}""".formatted(project));

        assertThat(made.status()).isEqualTo(201);
        JsonNode k = made.json();
        String secret = k.get("key").asString();
        assertThat(secret).startsWith("sk-sluice-").hasSizeGreaterThanOrEqualTo(10 + 22);
        assertThat(k.get("prefix").asString()).isEqualTo(secret.substring(0, 14));
        assertThat(k.get("project").asString()).isEqualTo(project);
        assertThat(k.get("name").asString()).isEqualTo("ci");
        assertThat(k.get("scopes").toString()).isEqualTo("[\"submit\",\"read\"]");
        assertThat(k.get("expires_at").asString()).startsWith("2999-01-01");
        assertThat(jdbc.sql("SELECT count(*) FROM api_key WHERE hash = sha256(convert_to(?, 'UTF8'))")
                        .param(secret)
                        .query(Long.class)
                        .single())
                .as("stored as its SHA-256")
                .isEqualTo(1);

        String list = admin.get("/api/v1/keys").body();
        assertThat(list).contains(k.get("prefix").asString()).doesNotContain(secret);

        Api bearer = admin.as(secret);
        long id = bearer.postJson("/api/v1/jobs", JOB).json().get("id").asLong();
        Api.Answer viaHeader = admin.as(null).get("/api/v1/jobs/" + id, "X-API-Key", secret);
        assertThat(viaHeader.status()).isEqualTo(200);
        assertThat(jdbc.sql("SELECT last_used_at IS NOT NULL FROM api_key WHERE id = ?")
                        .param(k.get("id").asLong())
                        .query(Boolean.class)
                        .single())
                .as("last_used_at is kept")
                .isTrue();
    }

    @Test
    void aKeyWithoutTheScopeIsAnswered403NamingTheScopes() {
        String project = project();
        String reader = key(admin, project, "read").get("key").asString();
        String submitter = key(admin, project, "submit").get("key").asString();

        assertProblem(admin.as(reader).postJson("/api/v1/jobs", JOB), 403, "[submit, admin]");
        long id = admin.as(submitter)
                .postJson("/api/v1/jobs", JOB)
                .json()
                .get("id")
                .asLong();
        assertProblem(admin.as(submitter).get("/api/v1/jobs/" + id), 403, "[read, admin]");
        assertThat(admin.as(reader).get("/api/v1/jobs/" + id).status()).isEqualTo(200);
        assertProblem(admin.as(reader).delete("/api/v1/jobs/" + id), 403, "[submit, admin]");
        assertProblem(admin.as(submitter).get("/api/v1/keys"), 403, "[admin]");
        assertProblem(admin.as(reader).get("/api/v1/nodes"), 403, "[admin]");
        assertProblem(admin.as(reader).get("/actuator/prometheus"), 403, "[admin]");
        assertProblem(
                admin.as(submitter)
                        .postJson("/api/v1/keys", "{\"project\":\"x\",\"name\":\"n\",\"scopes\":[\"admin\"]}"),
                403,
                "[admin]");
    }

    @Test
    void anotherProjectsJobsAndBatchesAnswer404ExactlyAsIdsThatDoNotExist() {
        Api a = admin.as(key(admin, project(), "submit", "read").get("key").asString());
        Api b = admin.as(key(admin, project(), "submit", "read").get("key").asString());
        long job = a.postJson("/api/v1/jobs", JOB).json().get("id").asLong();
        long batch = a.post("/api/v1/batches", "application/x-ndjson", JOB + "\n" + JOB + "\n")
                .json()
                .get("batch_id")
                .asLong();
        long missing = job + 1_000_000;

        Api.Answer other = b.get("/api/v1/jobs/" + job);
        Api.Answer none = b.get("/api/v1/jobs/" + missing);
        assertThat(other.status()).isEqualTo(404);
        // The id only where the answer names it: a bare replace would also hit "404" when the id is 4.
        assertThat(other.body().replace("id " + job + "\"", "id ID\"").replace("/jobs/" + job + "\"", "/jobs/ID\""))
                .isEqualTo(none.body()
                        .replace("id " + missing + "\"", "id ID\"")
                        .replace("/jobs/" + missing + "\"", "/jobs/ID\""));
        assertThat(b.get("/api/v1/jobs/" + job + "/history").status()).isEqualTo(404);
        assertThat(b.get("/api/v1/jobs/" + job + "/callbacks").status()).isEqualTo(404);
        assertThat(b.delete("/api/v1/jobs/" + job).status()).isEqualTo(404);
        assertThat(b.postJson("/api/v1/jobs/" + job + "/retry", "").status()).isEqualTo(404);
        assertThat(b.get("/api/v1/batches/" + batch).status()).isEqualTo(404);
        assertThat(b.get("/api/v1/batches/" + batch + "/jobs").status()).isEqualTo(404);
        assertThat(b.get("/api/v1/batches/" + batch + "/results").status()).isEqualTo(404);
        assertThat(a.get("/api/v1/jobs/" + job).json().get("state").asString())
                .as("B's cancel changed nothing")
                .isEqualTo("queued");

        assertThat(a.get("/api/v1/batches/" + batch).status()).isEqualTo(200);
        assertThat(admin.get("/api/v1/jobs/" + job).status())
                .as("an admin key sees every project")
                .isEqualTo(200);
    }

    @Test
    void idempotencyKeysArePerProject() {
        Api a = admin.as(key(admin, project(), "submit").get("key").asString());
        Api b = admin.as(key(admin, project(), "submit").get("key").asString());

        Api.Answer first = a.postJson("/api/v1/jobs", JOB, "Idempotency-Key", "nightly-1");
        Api.Answer again = a.postJson("/api/v1/jobs", JOB, "Idempotency-Key", "nightly-1");
        Api.Answer otherProject = b.postJson("/api/v1/jobs", JOB, "Idempotency-Key", "nightly-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(otherProject.status()).isEqualTo(201);
        assertThat(otherProject.json().get("id")).isNotEqualTo(first.json().get("id"));

        Api.Answer batchA = a.post("/api/v1/batches", "application/x-ndjson", JOB + "\n", "Idempotency-Key", "b-1");
        Api.Answer batchB = b.post("/api/v1/batches", "application/x-ndjson", JOB + "\n", "Idempotency-Key", "b-1");
        assertThat(batchA.status()).isEqualTo(201);
        assertThat(batchB.status()).isEqualTo(201);
        assertThat(batchB.json().get("batch_id")).isNotEqualTo(batchA.json().get("batch_id"));
    }

    @Test
    void aRevokedKeyIsRefusedAtOnceAndTheRevocationIsAudited() {
        JsonNode k = key(admin, project(), "read");
        Api user = admin.as(k.get("key").asString());
        assertThat(user.get("/api/v1/queue").status()).isEqualTo(200);

        Api.Answer revoked = admin.delete("/api/v1/keys/" + k.get("id").asLong());

        assertThat(revoked.status()).isEqualTo(200);
        assertProblem(user.get("/api/v1/queue"), 401, "was revoked");
        assertThat(admin.delete("/api/v1/keys/987654321").status()).isEqualTo(404);
        JsonNode events = admin.get("/api/v1/audit?target=key:" + k.get("id").asLong())
                .json()
                .get("events");
        assertThat(events.toString()).contains("key.revoke").contains("key.create");
        long adminKeyId = jdbc.sql("SELECT id FROM api_key WHERE hash = sha256(convert_to(?, 'UTF8'))")
                .param(TestKeys.ADMIN)
                .query(Long.class)
                .single();
        assertThat(events.get(0).get("api_key_id").asLong())
                .as("who revoked it")
                .isEqualTo(adminKeyId);
    }

    @Test
    void anExpiredKeyIsRefused() {
        JsonNode k = key(admin, project(), "read");
        // Its expiry moved to a moment ago (an API refuses to make a key that is already expired).
        jdbc.sql("UPDATE api_key SET expires_at = ? WHERE id = ?")
                .params(
                        java.sql.Timestamp.from(clock.instant().minusSeconds(1)),
                        k.get("id").asLong())
                .update();

        assertProblem(admin.as(k.get("key").asString()).get("/api/v1/queue"), 401, "expired at");
    }

    @Test
    void aBadKeyRequestIsA400NamingEachFieldAndMakesNoKey() {
        long before = jdbc.sql("SELECT count(*) FROM api_key").query(Long.class).single();

        Api.Answer a = admin.postJson("/api/v1/keys", """
                {"project":"Team A","name":"","scopes":["write"],"expires_at":"2001-01-01T00:00:00Z","x":1}""");

        assertThat(a.status()).isEqualTo(400);
        String errors = a.json().get("errors").toString();
        assertThat(errors).contains("\"project\"", "\"name\"", "\"scopes[0]\"", "\"expires_at\"", "\"x\"");
        assertThat(jdbc.sql("SELECT count(*) FROM api_key").query(Long.class).single())
                .isEqualTo(before);
    }

    @Test
    void cancelAndRetrySayWhoDidIt() {
        JsonNode k = key(admin, project(), "submit", "read");
        Api user = admin.as(k.get("key").asString());
        long id = user.postJson("/api/v1/jobs", JOB).json().get("id").asLong();

        assertThat(user.delete("/api/v1/jobs/" + id).json().get("cancelled").asBoolean())
                .isTrue();
        assertThat(user.postJson("/api/v1/jobs/" + id + "/retry", "").status()).isEqualTo(409);

        JsonNode events = admin.get("/api/v1/audit?target=job:" + id).json().get("events");
        assertThat(events.get(0).get("action").asString()).isEqualTo("job.cancel");
        assertThat(events.get(0).get("api_key_id").asLong())
                .isEqualTo(k.get("id").asLong());
    }
}
