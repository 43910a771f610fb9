package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.time.Clock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@QuietSluiceTest
class JobApiTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    Clock clock;

    Api api;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
    }

    private long rows() {
        return jdbc.sql("SELECT (SELECT count(*) FROM job) + (SELECT count(*) FROM job_status_history)")
                .query(Long.class)
                .single();
    }

    @Test
    void enqueuesAJobAndAnswers201WithItsLocation() {
        Api.Answer a = api.postJson("/api/v1/jobs", """
                {"endpoint":"/v1/chat","payload":{"prompt":"hi"},"token_count":12,"priority":"high",
                 "callback_url":"http://127.0.0.1:9/hook","max_attempts":7}""");

        assertThat(a.status()).isEqualTo(201);
        JsonNode job = a.json();
        assertThat(a.header("Location"))
                .isEqualTo("/api/v1/jobs/" + job.get("id").asLong());
        assertThat(job.get("state").asString()).isEqualTo("queued");
        assertThat(job.get("priority").asString()).isEqualTo("high");
        assertThat(job.get("upstream").asString()).isEqualTo("noop");
        assertThat(job.get("token_count").asInt()).isEqualTo(12);
        assertThat(job.get("max_attempts").asInt()).isEqualTo(7);
        assertThat(job.get("attempts").asInt()).isZero();
        assertThat(job.get("created_at").asString()).isNotBlank();
        assertThat(job.get("finished_at").isNull()).isTrue();

        JsonNode read = api.get("/api/v1/jobs/" + job.get("id").asLong()).json();
        assertThat(read).isEqualTo(job);
    }

    @Test
    void priorityDefaultsToLow() {
        JsonNode job = api.postJson("/api/v1/jobs", """
                {"endpoint":"/v1/chat","payload":{},"token_count":0}""").json();

        assertThat(job.get("priority").asString()).isEqualTo("low");
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyAnswers200WithTheOriginalJob() {
        String body = """
                {"endpoint":"/v1/chat","payload":{"a":1,"b":[1,2]},"token_count":3,"idempotency_key":"k-1"}""";
        Api.Answer first = api.postJson("/api/v1/jobs", body);
        Api.Answer again = api.postJson("/api/v1/jobs", """
                {"payload":{"b":[1,2],"a":1},"endpoint":"/v1/chat","token_count":3,"idempotency_key":"k-1"}""");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void theIdempotencyKeyMayComeAsAHeader() {
        String body = Fixtures.jobJson("normal", 1);
        Api.Answer first = api.postJson("/api/v1/jobs", body, "Idempotency-Key", "hdr-1");
        Api.Answer again = api.postJson("/api/v1/jobs", body, "Idempotency-Key", "hdr-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("id")).isEqualTo(first.json().get("id"));
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(1);
    }

    @Test
    void reusingAnIdempotencyKeyForADifferentRequestIsAConflict() {
        api.postJson("/api/v1/jobs", Fixtures.jobJson("normal", 1), "Idempotency-Key", "k-2");
        long before = rows();

        Api.Answer a = api.postJson("/api/v1/jobs", Fixtures.jobJson("normal", 2), "Idempotency-Key", "k-2");

        assertThat(a.status()).isEqualTo(409);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.json().get("errors").get(0).get("field").asString()).isEqualTo("idempotency_key");
        assertThat(rows()).isEqualTo(before);
    }

    private JsonNode rejected(String body, int status) {
        long before = rows();
        Api.Answer a = api.postJson("/api/v1/jobs", body);
        assertThat(a.status()).isEqualTo(status);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(rows()).as("nothing stored").isEqualTo(before);
        JsonNode problem = a.json();
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("title").asString()).isNotBlank();
        return problem;
    }

    private static void names(JsonNode problem, String field, String ruleFragment) {
        assertThat(problem.get("errors").values()).anySatisfy(e -> {
            assertThat(e.get("field").asString()).isEqualTo(field);
            assertThat(e.get("rule").asString()).contains(ruleFragment);
        });
    }

    @Test
    void rejectsAnUnknownPriority() {
        names(rejected("""
                {"endpoint":"/e","payload":{},"token_count":1,"priority":"urgent"}""", 400), "priority", "must be one of \"high\", \"normal\", \"low\"");
    }

    @Test
    void rejectsANegativeTokenCount() {
        names(rejected("""
                {"endpoint":"/e","payload":{},"token_count":-1}""", 400), "token_count", "integer >= 0");
    }

    @Test
    void estimatesAMissingTokenCount() {
        Api.Answer a = api.postJson("/api/v1/jobs", """
                {"endpoint":"/e","payload":{"model":"gpt-4o","max_tokens":5,"messages":[{"role":"user","content":"Hello, world"}]}}""");

        assertThat(a.status()).isEqualTo(201);
        // o200k_base: "user" 1 token, "Hello, world" 3; 3 for the message, 3 for the reply; 5 to generate.
        assertThat(a.json().get("token_count").asInt()).isEqualTo(1 + 3 + 3 + 3 + 5);
        assertThat(a.json().get("token_count_estimated").asBoolean()).isTrue();
        assertThat(a.json().get("model").asString()).isEqualTo("gpt-4o");
    }

    @Test
    void rejectsATokenCountThatIsNotAnInteger() {
        names(rejected("""
                {"endpoint":"/e","payload":{},"token_count":"12"}""", 400), "token_count", "integer >= 0");
        names(rejected("""
                {"endpoint":"/e","payload":{},"token_count":1.5}""", 400), "token_count", "integer >= 0");
    }

    @Test
    void rejectsAPayloadThatIsNotAnObject() {
        names(rejected("""
                {"endpoint":"/e","payload":[1,2],"token_count":1}""", 400), "payload", "must be a JSON object");
        names(rejected("""
                {"endpoint":"/e","token_count":1}""", 400), "payload", "is required");
    }

    @Test
    void rejectsAnUnknownUpstream() {
        names(rejected("""
                {"upstream":"nowhere","endpoint":"/e","payload":{},"token_count":1}""", 400), "upstream", "must be a configured upstream");
    }

    @Test
    void rejectsMalformedJsonWithItsPosition() {
        JsonNode p = rejected("{\"endpoint\": \"/e\",\n \"payload\": {", 400);
        names(p, "(body)", "is not valid JSON at line 2");
    }

    @Test
    void rejectsABodyOverTheConfiguredLimit() {
        String big = "x".repeat(70 * 1024);
        JsonNode p = rejected("{\"endpoint\":\"/e\",\"token_count\":1,\"payload\":{\"p\":\"" + big + "\"}}", 413);
        names(p, "(body)", "sluice.api.max-job-size");
    }

    @Test
    void rejectsUnknownFieldsAndBadCallbackUrlsAllAtOnce() {
        JsonNode p = rejected("""
                {"endpoint":"/e","payload":{},"token_count":1,"prioirty":"high",
                 "callback_url":"ftp://user:pw@example.com/x"}""", 400);
        names(p, "prioirty", "unknown field");
        names(p, "callback_url", "http or https");
        assertThat(p.get("error_count").asInt()).isEqualTo(2);
        JsonNode creds = rejected("""
                {"endpoint":"/e","payload":{},"token_count":1,"callback_url":"https://user:pw@example.com/x"}""", 400);
        names(creds, "callback_url", "credentials");
    }

    @Test
    void rejectsAWrongContentType() {
        Api.Answer a = api.post("/api/v1/jobs", "text/plain", "hello");

        assertThat(a.status()).isEqualTo(415);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    }

    @Test
    void anUnknownJobIs404AndANonNumericIdIs400() {
        Api.Answer missing = api.get("/api/v1/jobs/999999");
        assertThat(missing.status()).isEqualTo(404);
        assertThat(missing.header("Content-Type")).startsWith("application/problem+json");
        assertThat(missing.json().get("errors").get(0).get("field").asString()).isEqualTo("id");

        Api.Answer bad = api.get("/api/v1/jobs/abc");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").get(0).get("field").asString()).isEqualTo("id");

        assertThat(api.get("/api/v1/jobs/999999/history").status()).isEqualTo(404);
        assertThat(api.delete("/api/v1/jobs/999999").status()).isEqualTo(404);
    }

    @Test
    void cancelsAQueuedJobOnceAndRecordsIt() {
        long id = api.postJson("/api/v1/jobs", Fixtures.jobJson("low", 1))
                .json()
                .get("id")
                .asLong();

        Api.Answer first = api.delete("/api/v1/jobs/" + id);
        Api.Answer second = api.delete("/api/v1/jobs/" + id);

        assertThat(first.json().get("cancelled").asBoolean()).isTrue();
        assertThat(first.json().get("id").asLong()).isEqualTo(id);
        assertThat(second.status()).isEqualTo(200);
        assertThat(second.json().get("cancelled").asBoolean()).isFalse();
        JsonNode job = api.get("/api/v1/jobs/" + id).json();
        assertThat(job.get("state").asString()).isEqualTo("cancelled");
        assertThat(job.get("finished_at").isNull()).isFalse();
        JsonNode history = api.get("/api/v1/jobs/" + id + "/history").json().get("history");
        assertThat(history.values()).extracting(h -> h.get("state").asString()).containsExactly("queued", "cancelled");
        assertThat(history.get(1).get("source").asString()).isEqualTo("queue");
    }

    @Test
    void doesNotCancelAFinishedJob() {
        long id = api.postJson("/api/v1/jobs", Fixtures.jobJson("low", 1))
                .json()
                .get("id")
                .asLong();
        jdbc.sql("UPDATE job SET state = 'succeeded', finished_at = ?, result = '{}' WHERE id = ?")
                .param(clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .param(id)
                .update();

        assertThat(api.delete("/api/v1/jobs/" + id).json().get("cancelled").asBoolean())
                .isFalse();
        assertThat(api.get("/api/v1/jobs/" + id).json().get("state").asString()).isEqualTo("succeeded");
    }

    @Test
    void theQueueShowsLengthsPerPriority() {
        api.postJson("/api/v1/jobs", Fixtures.jobJson("high", 1));
        api.postJson("/api/v1/jobs", Fixtures.jobJson("low", 1));
        api.postJson("/api/v1/jobs", Fixtures.jobJson("low", 1));

        JsonNode q = api.get("/api/v1/queue").json();

        assertThat(q.get("queue_lengths").get("high").asLong()).isEqualTo(1);
        assertThat(q.get("queue_lengths").get("normal").asLong()).isZero();
        assertThat(q.get("queue_lengths").get("low").asLong()).isEqualTo(2);
        assertThat(q.get("queue_lengths").get("total").asLong()).isEqualTo(3);
        assertThat(q.get("running").asLong()).isZero();
        assertThat(q.get("rate_limits").get("noop").has("requests_per_minute")).isTrue();
        assertThat(q.get("rate_limits").get("noop").has("available_tokens")).isTrue();
    }
}
