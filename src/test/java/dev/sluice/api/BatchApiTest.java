package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import tools.jackson.databind.JsonNode;

@QuietSluiceTest
class BatchApiTest {

    private static final String NDJSON = "application/x-ndjson";

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
        return jdbc.sql(
                        "SELECT (SELECT count(*) FROM job) + (SELECT count(*) FROM job_status_history) + (SELECT count(*) FROM batch)")
                .query(Long.class)
                .single();
    }

    private static String line(String customId, String priority, int tokens) {
        return "{\"custom_id\":\"" + customId + "\",\"endpoint\":\"/v1/s\",\"payload\":{\"n\":\"" + customId
                + "\"},\"token_count\":" + tokens + (priority == null ? "" : ",\"priority\":\"" + priority + "\"")
                + "}";
    }

    @Test
    void takesAnNdjsonBatchWithBatchWideDefaults() {
        String body = line("a", null, 1) + "\n" + line("b", "high", 2) + "\n\n" + line("c", null, 3) + "\n";

        Api.Answer a = api.post("/api/v1/batches?priority=normal", NDJSON, body);

        assertThat(a.status()).isEqualTo(201);
        long batchId = a.json().get("batch_id").asLong();
        assertThat(a.json().get("job_count").asLong()).isEqualTo(3);
        assertThat(a.header("Location")).isEqualTo("/api/v1/batches/" + batchId);
        List<JsonNode> jobs = api.get("/api/v1/batches/" + batchId + "/jobs").json().get("jobs").values().stream()
                .toList();
        assertThat(jobs).extracting(j -> j.get("custom_id").asString()).containsExactly("a", "b", "c");
        assertThat(jobs).extracting(j -> j.get("priority").asString()).containsExactly("normal", "high", "normal");
        assertThat(jobs).allSatisfy(j -> assertThat(j.get("batch_id").asLong()).isEqualTo(batchId));
        assertThat(jdbc.sql("SELECT count(*) FROM job_history WHERE state = 'queued'")
                        .query(Long.class)
                        .single())
                .isEqualTo(3);
    }

    @Test
    void takesAJsonArrayBatch() {
        Api.Answer a = api.postJson(
                "/api/v1/batches?upstream=other", "[" + line("x", "low", 1) + "," + line("y", "high", 1) + "]");

        assertThat(a.status()).isEqualTo(201);
        assertThat(a.json().get("job_count").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM job WHERE upstream = 'other'")
                        .query(Long.class)
                        .single())
                .isEqualTo(2);
    }

    @Test
    void oneBadLineRejectsTheWholeBatchListingEveryBadLine() {
        String body = String.join(
                "\n",
                line("ok1", null, 1),
                "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":-5}",
                line("ok2", null, 1),
                "{not json",
                "{\"endpoint\":\"/e\",\"payload\":\"text\",\"token_count\":1,\"priority\":\"urgent\"}");
        long before = rows();

        Api.Answer a = api.post("/api/v1/batches", NDJSON, body);

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        JsonNode errors = a.json().get("errors");
        assertThat(errors.values()).extracting(e -> e.get("line").asInt()).containsExactly(2, 4, 5, 5);
        assertThat(errors.values())
                .extracting(e -> e.get("field").asString())
                .containsExactly("token_count", "(line)", "payload", "priority");
        assertThat(a.json().get("error_count").asInt()).isEqualTo(4);
        assertThat(rows()).as("nothing stored").isEqualTo(before);
    }

    @Test
    void listsAtMostTheConfiguredNumberOfErrorsButCountsThemAll() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 20; i++) {
            body.append("{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":-1}\n");
        }

        JsonNode p = api.post("/api/v1/batches", NDJSON, body.toString()).json();

        assertThat(p.get("errors").size()).isEqualTo(5);
        assertThat(p.get("error_count").asInt()).isEqualTo(20);
        assertThat(p.get("errors_truncated").asBoolean()).isTrue();
    }

    @Test
    void rejectsDuplicateCustomIdsNamingBothLines() {
        Api.Answer a = api.post("/api/v1/batches", NDJSON, line("same", null, 1) + "\n" + line("same", null, 1));

        assertThat(a.status()).isEqualTo(400);
        JsonNode e = a.json().get("errors").get(0);
        assertThat(e.get("line").asInt()).isEqualTo(2);
        assertThat(e.get("field").asString()).isEqualTo("custom_id");
        assertThat(e.get("rule").asString()).contains("line 1");
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isZero();
    }

    @Test
    void rejectsBadBatchWideDefaultsAndEmptyBatches() {
        Api.Answer badPriority = api.post("/api/v1/batches?priority=urgent", NDJSON, line("a", null, 1));
        assertThat(badPriority.status()).isEqualTo(400);
        assertThat(badPriority.json().get("errors").get(0).get("field").asString())
                .isEqualTo("priority");

        Api.Answer badUpstream = api.post("/api/v1/batches?upstream=nowhere", NDJSON, line("a", null, 1));
        assertThat(badUpstream.json().get("errors").get(0).get("field").asString())
                .isEqualTo("upstream");

        Api.Answer empty = api.post("/api/v1/batches", NDJSON, "\n\n");
        assertThat(empty.status()).isEqualTo(400);
        assertThat(empty.json().get("errors").get(0).get("rule").asString()).contains("at least one job");

        Api.Answer notArray = api.postJson("/api/v1/batches", "{\"endpoint\":\"/e\"}");
        assertThat(notArray.status()).isEqualTo(400);
        assertThat(notArray.json().get("errors").get(0).get("rule").asString()).contains("JSON array");

        Api.Answer perLineKey = api.post(
                "/api/v1/batches",
                NDJSON,
                "{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1,\"idempotency_key\":\"k\"}");
        assertThat(perLineKey.json().get("errors").get(0).get("field").asString())
                .isEqualTo("idempotency_key");

        assertThat(rows()).isZero();
    }

    @Test
    void rejectsALineOverTheJobSizeLimitAndABodyOverTheBatchLimit() {
        String longLine =
                "{\"endpoint\":\"/e\",\"token_count\":1,\"payload\":{\"p\":\"" + "x".repeat(70 * 1024) + "\"}}";
        Api.Answer a = api.post("/api/v1/batches", NDJSON, line("a", null, 1) + "\n" + longLine);
        assertThat(a.status()).isEqualTo(400);
        assertThat(a.json().get("errors").get(0).get("line").asInt()).isEqualTo(2);
        assertThat(a.json().get("errors").get(0).get("rule").asString()).contains("longer than");

        StringBuilder huge = new StringBuilder(33 * 1024 * 1024 + 1000);
        String l = line("z", null, 1);
        for (int i = 0; huge.length() < 33 * 1024 * 1024; i++) {
            huge.append(l, 0, l.indexOf("\"z\""))
                    .append("\"z")
                    .append(i)
                    .append(l.substring(l.indexOf("\"z\"") + 2))
                    .append('\n');
        }
        Api.Answer tooBig = api.post("/api/v1/batches", NDJSON, huge.toString());
        assertThat(tooBig.status()).isEqualTo(413);
        assertThat(tooBig.json().get("errors").get(0).get("rule").asString()).contains("sluice.api.max-batch-size");
        assertThat(rows()).isZero();
    }

    @Test
    void aRepeatWithTheSameIdempotencyKeyAnswersWithTheFirstBatch() {
        String body = line("a", null, 1) + "\n" + line("b", null, 1);
        Api.Answer first = api.post("/api/v1/batches", NDJSON, body, "Idempotency-Key", "batch-1");
        Api.Answer again = api.post("/api/v1/batches", NDJSON, body, "Idempotency-Key", "batch-1");

        assertThat(first.status()).isEqualTo(201);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.json().get("batch_id")).isEqualTo(first.json().get("batch_id"));
        assertThat(again.json().get("job_count").asLong()).isEqualTo(2);
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(2);
    }

    @Test
    void reportsProgressDerivedFromItsJobs() {
        long batchId = api.post(
                        "/api/v1/batches",
                        NDJSON,
                        line("a", null, 1) + "\n" + line("b", null, 1) + "\n" + line("c", null, 1))
                .json()
                .get("batch_id")
                .asLong();
        long firstJob = jdbc.sql("SELECT min(id) FROM job").query(Long.class).single();
        api.delete("/api/v1/jobs/" + firstJob);

        JsonNode status = api.get("/api/v1/batches/" + batchId).json();

        assertThat(status.get("id").asLong()).isEqualTo(batchId);
        assertThat(status.get("total").asLong()).isEqualTo(3);
        assertThat(status.get("counts").get("queued").asLong()).isEqualTo(2);
        assertThat(status.get("counts").get("cancelled").asLong()).isEqualTo(1);
        assertThat(status.get("counts").get("succeeded").asLong()).isZero();
        assertThat(status.get("finished").asBoolean()).isFalse();
        assertThat(status.get("created_at").asString()).isNotBlank();

        jdbc.sql("UPDATE job SET state = 'failed', finished_at = ? WHERE batch_id = ? AND state = 'queued'")
                .param(clock.instant().atOffset(java.time.ZoneOffset.UTC))
                .param(batchId)
                .update();
        assertThat(api.get("/api/v1/batches/" + batchId).json().get("finished").asBoolean())
                .isTrue();
        assertThat(api.get("/api/v1/batches/424242").status()).isEqualTo(404);
    }

    @Test
    void pagesABatchsJobsByCursorAndState() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 7; i++) {
            body.append(line("j" + i, null, 1)).append('\n');
        }
        long batchId = api.post("/api/v1/batches", NDJSON, body.toString())
                .json()
                .get("batch_id")
                .asLong();
        long cancelled = jdbc.sql("SELECT id FROM job WHERE custom_id = 'j3'")
                .query(Long.class)
                .single();
        api.delete("/api/v1/jobs/" + cancelled);

        List<String> seen = new ArrayList<>();
        String after = "0";
        int pages = 0;
        while (after != null) {
            JsonNode page = api.get("/api/v1/batches/" + batchId + "/jobs?limit=3&after=" + after)
                    .json();
            page.get("jobs").values().forEach(j -> seen.add(j.get("custom_id").asString()));
            after = page.get("next_after").isNull()
                    ? null
                    : page.get("next_after").asString();
            pages++;
        }
        assertThat(seen).containsExactly("j0", "j1", "j2", "j3", "j4", "j5", "j6");
        assertThat(pages).isEqualTo(3);

        JsonNode onlyCancelled =
                api.get("/api/v1/batches/" + batchId + "/jobs?state=cancelled").json();
        assertThat(onlyCancelled.get("jobs").values())
                .extracting(j -> j.get("custom_id").asString())
                .containsExactly("j3");
        assertThat(onlyCancelled.get("next_after").isNull()).isTrue();

        Api.Answer bad = api.get("/api/v1/batches/" + batchId + "/jobs?state=done&limit=0");
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").values())
                .extracting(e -> e.get("field").asString())
                .containsExactly("state", "limit");
    }

    @Test
    void takesAHundredThousandLinesInOneRequest() {
        int n = 100_000;
        StringBuilder body = new StringBuilder(n * 110);
        for (int i = 0; i < n; i++) {
            body.append("{\"custom_id\":\"c")
                    .append(i)
                    .append("\",\"endpoint\":\"/v1/s\",\"payload\":{\"i\":")
                    .append(i)
                    .append("},\"token_count\":")
                    .append(i % 50)
                    .append(",\"priority\":\"")
                    .append(i % 3 == 0 ? "high" : "low")
                    .append("\"}\n");
        }

        Api.Answer a = api.post("/api/v1/batches", NDJSON, body.toString());

        assertThat(a.status()).isEqualTo(201);
        assertThat(a.json().get("job_count").asLong()).isEqualTo(n);
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(n);
        assertThat(jdbc.sql("SELECT count(*) FROM job_history WHERE state = 'queued'")
                        .query(Long.class)
                        .single())
                .isEqualTo(n);
        assertThat(jdbc.sql("SELECT payload->>'i' FROM job WHERE custom_id = 'c99999'")
                        .query(String.class)
                        .single())
                .isEqualTo("99999");
    }

    @Test
    void keepsEscapedCharactersOfPayloadsIntact() {
        String tricky =
                "{\"endpoint\":\"/e\",\"token_count\":1,\"payload\":{\"s\":\"tab\\there\\nline\\\\slash \\\"q\\\" ü ✓\"}}";

        long batchId = api.post("/api/v1/batches", NDJSON, tricky)
                .json()
                .get("batch_id")
                .asLong();

        String stored = jdbc.sql("SELECT payload->>'s' FROM job WHERE batch_id = ?")
                .param(batchId)
                .query(String.class)
                .single();
        assertThat(stored).isEqualTo("tab\there\nline\\slash \"q\" ü ✓");
    }

    @Test
    void rejectsAnUnsupportedContentType() {
        Api.Answer a = api.post("/api/v1/batches", "text/csv", "a,b");

        assertThat(a.status()).isEqualTo(415);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
    }
}
