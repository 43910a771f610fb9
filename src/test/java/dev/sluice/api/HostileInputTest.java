package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

/**
 * Requests a careless or hostile client sends: each gets a 400 problem naming the field and the
 * rule, and stores nothing. Upstreams here: {@code noop} (the default, any path), {@code tink}
 * (tinker) and {@code oai} (openai, 6,000 tokens a minute), none ever called (dispatch is off).
 */
@QuietSluiceTest
class HostileInputTest {

    private static final String NDJSON = "application/x-ndjson";

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
    void nothingWasStored() {
        assertThat(jdbc.sql("SELECT count(*) FROM job WHERE endpoint <> '/kept'")
                        .query(Long.class)
                        .single())
                .as("rows left by rejected requests")
                .isZero();
        assertThat(jdbc.sql(
                                "SELECT count(*) FROM batch b WHERE NOT EXISTS (SELECT 1 FROM job j WHERE j.batch_id = b.id)")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    private JsonNode rejected(Api.Answer a) {
        assertThat(a.status()).as(a.body()).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        return a.json();
    }

    private JsonNode rejectedJob(String body) {
        return rejected(api.postJson("/api/v1/jobs", body));
    }

    private static JsonNode error(JsonNode problem, int i) {
        return problem.get("errors").get(i);
    }

    // 6. The endpoint cannot escape the upstream.

    @Test
    void anEndpointIsANormalisedPathTheProtocolSendsTo() {
        for (String endpoint : List.of(
                "/../../admin/keys?delete=all",
                "/v1/chat/../../admin",
                "/v1/./chat",
                "v1/chat/completions",
                "/v1/chat/completions?x=1",
                "/v1/chat/completions#top",
                "/v1/%2e%2e/admin",
                "//evil.example/v1",
                "/v1/chat completions",
                "/" + "a".repeat(512))) {
            JsonNode p = rejectedJob("""
                    {"upstream":"oai","endpoint":%s,"payload":{},"token_count":1}""".formatted(quote(endpoint)));
            assertThat(error(p, 0).get("field").asString()).as(endpoint).isEqualTo("endpoint");
        }
        JsonNode nope = rejectedJob("""
                {"upstream":"tink","endpoint":"/api/v1/nope","payload":{"base_model":"m"},"token_count":1}""");
        assertThat(error(nope, 0).get("rule").asString()).contains("/api/v1/asample");
        JsonNode elsewhere = rejectedJob("""
                {"upstream":"oai","endpoint":"/v1/admin/keys","payload":{},"token_count":1}""");
        assertThat(error(elsewhere, 0).get("rule").asString())
                .contains("/v1/chat/completions")
                .contains("sluice.upstreams.oai.endpoints");
    }

    @Test
    void aTinkerJobWithoutAnEndpointIsSentToAsample() {
        Api.Answer a = api.postJson("/api/v1/jobs", """
                {"upstream":"tink","payload":{"base_model":"m"},"token_count":1}""");

        assertThat(a.status()).isEqualTo(201);
        assertThat(a.json().get("endpoint").asString()).isEqualTo("/api/v1/asample");
        jdbc.sql("UPDATE job SET endpoint = '/kept'").update();
    }

    // 7. Text PostgreSQL cannot store.

    @Test
    void textPostgresCannotStoreIsRefusedNamingTheField() {
        record Case(String body, String field) {}
        for (Case c : List.of(
                new Case("{\"endpoint\":\"/e\",\"payload\":{\"p\":\"a\\u0000b\"},\"token_count\":1}", "payload.p"),
                new Case("{\"endpoint\":\"/e\",\"payload\":{\"k\\u0000\":1},\"token_count\":1}", "payload"),
                new Case(
                        "{\"endpoint\":\"/e\",\"payload\":{\"m\":[{\"c\":\"\\ud800x\"}]},\"token_count\":1}",
                        "payload.m[0].c"),
                new Case("{\"endpoint\":\"/e\\u0000\",\"payload\":{},\"token_count\":1}", "endpoint"),
                new Case(
                        "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1,\"idempotency_key\":\"k\\u0000\"}",
                        "idempotency_key"),
                new Case("{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1,\"x\\u0000\":1}", "(field name)"))) {
            JsonNode p = rejectedJob(c.body());
            assertThat(p.get("errors").values()).as(c.body()).anySatisfy(e -> {
                assertThat(e.get("field").asString()).isEqualTo(c.field());
                assertThat(e.get("rule").asString()).containsAnyOf("U+0000", "unpaired surrogate");
            });
        }
        JsonNode line = rejected(api.post(
                "/api/v1/batches",
                NDJSON,
                "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1}\n"
                        + "{\"custom_id\":\"a\\u0000\",\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1}\n"));
        assertThat(error(line, 0).get("line").asInt()).isEqualTo(2);
        assertThat(error(line, 0).get("field").asString()).isEqualTo("custom_id");
    }

    @Test
    void aNumberPastADoubleAndANameGivenTwiceAreRefused() {
        JsonNode huge = rejectedJob("{\"endpoint\":\"/e\",\"payload\":{\"t\":1e999},\"token_count\":1}");
        assertThat(error(huge, 0).get("field").asString()).isEqualTo("payload.t");

        JsonNode twice = rejectedJob("{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1,\"token_count\":2}");
        assertThat(error(twice, 0).get("rule").asString()).contains("Duplicate");
        JsonNode twiceInPayload = rejected(api.post(
                "/api/v1/batches", NDJSON, "{\"endpoint\":\"/e\",\"payload\":{\"a\":1,\"a\":2},\"token_count\":1}"));
        assertThat(error(twiceInPayload, 0).get("line").asInt()).isEqualTo(1);
    }

    @Test
    void manyUnknownFieldsGiveAShortAnswer() {
        StringBuilder body = new StringBuilder("{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1");
        for (int i = 0; i < 500; i++) {
            body.append(",\"f").append(i).append("-").append("n".repeat(100)).append("\":1");
        }
        Api.Answer a = api.postJson("/api/v1/jobs", body.append('}').toString());

        JsonNode p = rejected(a);
        assertThat(p.get("error_count").asInt()).isEqualTo(500);
        assertThat(p.get("errors").size()).isEqualTo(5); // sluice.api.max-reported-errors
        assertThat(p.get("errors_truncated").asBoolean()).isTrue();
        assertThat(error(p, 0).get("field").asString()).hasSizeLessThanOrEqualTo(65);
        assertThat(a.body().length()).isLessThan(5_000);
    }

    @Test
    void reportDatesOutsideTheSupportedRangeAreRefused() {
        for (String query : List.of(
                "from=%2B100000-01-01T00:00:00Z&to=%2B100000-01-02T00:00:00Z",
                "from=-5000-01-01T00:00:00Z&to=-5000-01-02T00:00:00Z", "to=0000-12-31T00:00:00Z")) {
            JsonNode p = rejected(api.get("/api/v1/reports/wait-times?" + query));
            assertThat(error(p, 0).get("rule").asString()).as(query).contains("0001-01-01");
        }
    }

    // 4. A job its upstream's token limit could never let through.

    @Test
    void aJobOverTheUpstreamsTokensPerMinuteIsRefused() {
        JsonNode p = rejectedJob("""
                {"upstream":"oai","endpoint":"/v1/chat/completions","payload":{},"token_count":6001}""");

        assertThat(error(p, 0).get("field").asString()).isEqualTo("token_count");
        assertThat(error(p, 0).get("rule").asString())
                .contains("6000")
                .contains("sluice.upstreams.oai.tokens-per-minute");
        assertThat(api.postJson("/api/v1/jobs", """
                                {"upstream":"oai","endpoint":"/v1/chat/completions","payload":{},"token_count":6000}""").status()).isEqualTo(201);
        jdbc.sql("UPDATE job SET endpoint = '/kept'").update();
    }

    // 3. JSON arrays are read element by element, each under max-job-size.

    @Test
    void aJsonArrayElementOverTheJobSizeLimitIsRefusedWithItsNumber() {
        String small = "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1}";
        String big = "{\"endpoint\":\"/e\",\"token_count\":1,\"payload\":{\"p\":\"" + "x".repeat(20 << 20) + "\"}}";

        JsonNode p = rejected(api.postJson("/api/v1/batches", "[" + small + "," + big + "," + small + "]"));

        assertThat(error(p, 0).get("line").asInt()).isEqualTo(2);
        assertThat(error(p, 0).get("field").asString()).isEqualTo("(element)");
        assertThat(error(p, 0).get("rule").asString()).contains("longer than").contains("sluice.api.max-job-size");
        assertThat(p.get("error_count").asInt()).isEqualTo(1);
    }

    @Test
    void aMalformedJsonArrayIsRefusedSayingWhere() {
        String job = "{\"endpoint\":\"/e\",\"payload\":{\"s\":\"a,]}\"},\"token_count\":1}";
        assertThat(error(rejected(api.postJson("/api/v1/batches", "[" + job + ",]")), 0)
                        .get("rule")
                        .asString())
                .contains("comma stands before ]");
        assertThat(error(rejected(api.postJson("/api/v1/batches", "[" + job + ",," + job + "]")), 0)
                        .get("line")
                        .asInt())
                .isEqualTo(2);
        assertThat(error(rejected(api.postJson("/api/v1/batches", "[" + job)), 0)
                        .get("rule")
                        .asString())
                .contains("ends before the JSON array is closed");
        assertThat(error(rejected(api.postJson("/api/v1/batches", "[" + job + "] {}")), 0)
                        .get("rule")
                        .asString())
                .contains("after the JSON array");
        assertThat(error(rejected(api.postJson("/api/v1/batches", "[" + job + " " + job + "]")), 0)
                        .get("rule")
                        .asString())
                .contains("not valid JSON");
        // Brackets and commas inside strings are not structure.
        Api.Answer ok = api.postJson("/api/v1/batches", "[" + job + " , " + job + "]");
        assertThat(ok.status()).isEqualTo(201);
        assertThat(ok.json().get("job_count").asInt()).isEqualTo(2);
        jdbc.sql("UPDATE job SET endpoint = '/kept'").update();
    }

    @Test
    void aBatchLineThatIsNotUtf8IsRefused() {
        byte[] body = "{\"endpoint\":\"/e\",\"payload\":{\"s\":\"\u00ff\"},\"token_count\":1}\n"
                .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        JsonNode p = rejected(api.postBytes("/api/v1/batches", NDJSON, body));
        assertThat(error(p, 0).get("rule").asString()).contains("UTF-8");
    }

    // 3. Memory is bounded for every input: however many lines, however many at once.

    @Test
    void aBatchOfMoreLinesThanTheLimitIsRefusedUnreadPastIt() {
        String line = "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1}\n";
        JsonNode p = rejected(api.post("/api/v1/batches", NDJSON, line.repeat(500_001)));

        assertThat(error(p, 0).get("field").asString()).isEqualTo("(body)");
        assertThat(error(p, 0).get("rule").asString())
                .contains("more than 500000 jobs")
                .contains("max-batch-lines");
    }

    @Test
    void longCustomIdsCostLittleAndARepeatIsStillFound() {
        // 80,000 custom_ids of 255 characters: 40 MB as Java strings, under 2 MB as kept here.
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 80_000; i++) {
            String id = String.format("%0255d", i == 79_999 ? 7 : i);
            body.append("{\"custom_id\":\"")
                    .append(id)
                    .append("\",\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1}\n");
        }
        JsonNode p = rejected(api.post("/api/v1/batches", NDJSON, body.toString()));

        assertThat(error(p, 0).get("line").asInt()).isEqualTo(80_000);
        assertThat(error(p, 0).get("rule").asString()).contains("line 8 has it too");
    }

    @Test
    void batchesBeyondTheConcurrencyBoundAreAnswered503WithRetryAfter() throws Exception {
        // Two uploads that send their headers and then stall hold both batch permits.
        List<java.net.Socket> stalled = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) {
                java.net.Socket s = new java.net.Socket("127.0.0.1", port);
                s.getOutputStream()
                        .write(("POST /api/v1/batches HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                        + "Authorization: Bearer " + dev.sluice.TestKeys.ADMIN + "\r\n"
                                        + "Content-Type: application/x-ndjson\r\nContent-Length: 1000000\r\n\r\n{")
                                .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                stalled.add(s);
            }
            org.awaitility.Awaitility.await()
                    .atMost(java.time.Duration.ofSeconds(30))
                    .until(() -> {
                        Api.Answer a = api.post(
                                "/api/v1/batches", NDJSON, "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1}\n");
                        if (a.status() != 503) {
                            jdbc.sql("UPDATE job SET endpoint = '/kept'").update();
                            return false;
                        }
                        assertThat(a.header("Retry-After")).isEqualTo("1");
                        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
                        return true;
                    });
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
        }
        // The stalled uploads gave their permits back when their connections closed.
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> api.post(
                                        "/api/v1/batches",
                                        NDJSON,
                                        "{\"endpoint\":\"/kept\",\"payload\":{},\"token_count\":1}\n")
                                .status()
                        == 201);
    }

    // 8. Idempotency means the same request.

    @Test
    void reusingABatchIdempotencyKeyWithOtherContentIsAConflict() {
        String one = "{\"endpoint\":\"/kept\",\"payload\":{\"n\":1},\"token_count\":1}\n";
        String other = "{\"endpoint\":\"/kept\",\"payload\":{\"n\":2},\"token_count\":1}\n";
        Api.Answer first = api.post("/api/v1/batches", NDJSON, one, "Idempotency-Key", "b-1");
        assertThat(first.status()).isEqualTo(201);
        long batchId = first.json().get("batch_id").asLong();

        Api.Answer same = api.post("/api/v1/batches", NDJSON, one, "Idempotency-Key", "b-1");
        assertThat(same.status()).isEqualTo(200);
        assertThat(same.json().get("batch_id").asLong()).isEqualTo(batchId);

        Api.Answer changed = api.post("/api/v1/batches", NDJSON, other, "Idempotency-Key", "b-1");
        assertThat(changed.status()).isEqualTo(409);
        assertThat(changed.header("Content-Type")).startsWith("application/problem+json");
        assertThat(changed.json().get("existing_batch_id").asLong()).isEqualTo(batchId);
        Api.Answer otherPriority = api.post("/api/v1/batches?priority=high", NDJSON, one, "Idempotency-Key", "b-1");
        assertThat(otherPriority.status()).isEqualTo(409);
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(1);
    }

    private static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
