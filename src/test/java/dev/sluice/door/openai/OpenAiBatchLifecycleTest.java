package dev.sluice.door.openai;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.stream.IntStream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * An OpenAI batch's life past its window, and the door's answers to bad input, over real HTTP on
 * a quiet queue (nothing is sent, so a test decides which jobs have finished).
 */
@SluiceTest
@TestPropertySource(properties = {"sluice.dispatch.enabled=false", "sluice.doors.openai.default-upstream=noop"})
class OpenAiBatchLifecycleTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DoorUpkeep upkeep;

    Api api;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
    }

    static String line(int i) {
        return "{\"custom_id\":\"r" + i
                + "\",\"method\":\"POST\",\"url\":\"/v1/chat/completions\",\"body\":{\"model\":\"m\","
                + "\"messages\":[{\"role\":\"user\",\"content\":\"q" + i + "\"}]}}";
    }

    /** POST /v1/files as the SDK sends it: multipart, the file as application/octet-stream. */
    static Api.Answer upload(Api api, String content) {
        String boundary = "b" + UUID.randomUUID();
        String body = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"purpose\"\r\n\r\nbatch\r\n"
                + "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"in.jsonl\"\r\n"
                + "Content-Type: application/octet-stream\r\n\r\n" + content + "\r\n--" + boundary + "--\r\n";
        return api.postBytes(
                "/v1/files", "multipart/form-data; boundary=" + boundary, body.getBytes(StandardCharsets.UTF_8));
    }

    private String batchOf(int lines) {
        String content = String.join(
                "\n",
                IntStream.rangeClosed(1, lines)
                        .mapToObj(OpenAiBatchLifecycleTest::line)
                        .toList());
        String file = upload(api, content).json().get("id").asString();
        Api.Answer created = api.postJson("/v1/batches", """
                {"input_file_id":"%s","endpoint":"/v1/chat/completions","completion_window":"24h"}""".formatted(file));
        assertThat(created.status()).as(created.body()).isEqualTo(200);
        return created.json().get("id").asString();
    }

    private static long number(String batch) {
        return Long.parseLong(batch.substring("batch_".length()));
    }

    private void finishOne(String batch, String customId) {
        jdbc.sql("""
                UPDATE job SET state = 'succeeded', result = '{"ok":true}', finished_at = now()
                WHERE batch_id = ? AND custom_id = ?""").params(number(batch), customId).update();
    }

    private void windowPassed(String batch) {
        jdbc.sql("UPDATE openai_batch SET expires_at = now() - interval '1 second' WHERE batch_id = ?")
                .param(number(batch))
                .update();
    }

    @Test
    void aBatchPastItsWindowExpiresKeepingWhatWasDone() {
        String batch = batchOf(3);
        finishOne(batch, "r2");
        windowPassed(batch);

        upkeep.runOnce();

        JsonNode b = api.get("/v1/batches/" + batch).json();
        assertThat(b.get("status").asString()).isEqualTo("expired");
        assertThat(b.get("expired_at").isNumber()).isTrue();
        assertThat(b.get("request_counts").toString()).isEqualTo("{\"total\":3,\"completed\":1,\"failed\":2}");
        List<String> errors = api.get("/v1/files/" + b.get("error_file_id").asString() + "/content")
                .body()
                .lines()
                .toList();
        assertThat(errors).hasSize(2).allMatch(l -> l.contains("\"code\":\"batch_expired\""));
        assertThat(api.get("/v1/files/" + b.get("output_file_id").asString() + "/content")
                        .body())
                .contains("\"custom_id\":\"r2\"", "\"status_code\":200", "\"body\":{\"ok\": true}");
        assertThat(jdbc.sql("SELECT count(*) FROM job WHERE state = 'queued'")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aBatchDoneBeforeItsWindowPassedStaysCompleted() {
        String batch = batchOf(1);
        finishOne(batch, "r1");
        windowPassed(batch);

        upkeep.runOnce();
        upkeep.runOnce();

        JsonNode b = api.get("/v1/batches/" + batch).json();
        assertThat(b.get("status").asString()).isEqualTo("completed");
        assertThat(b.get("expired_at").isNull()).isTrue();
        assertThat(b.get("completed_at").isNumber()).isTrue();
    }

    @Test
    void aCancelTakesTheHeadOfTheQueueAtOnceAndTheUpkeepTheRest() {
        String batch = batchOf(BatchDoor.CANCEL_PAGE + 5);
        finishOne(batch, "r1");

        JsonNode answer = api.postJson("/v1/batches/" + batch + "/cancel", "").json();

        assertThat(answer.get("status").asString()).isEqualTo("cancelling");
        assertThat(answer.get("cancelling_at").isNumber()).isTrue();
        // The first 10,000 unsent, lowest ids (the head of the queue) first; the rest wait.
        assertThat(jdbc.sql("SELECT min(custom_id::text) FROM job WHERE state = 'queued'")
                        .query(String.class)
                        .single())
                .isEqualTo("r10002");

        upkeep.runOnce();

        JsonNode b = api.get("/v1/batches/" + batch).json();
        assertThat(b.get("status").asString()).isEqualTo("cancelled");
        assertThat(b.get("request_counts").toString()).isEqualTo("{\"total\":10005,\"completed\":1,\"failed\":10004}");
        assertThat(jdbc.sql("SELECT count(*) FROM openai_batch WHERE NOT cancel_finished")
                        .query(Long.class)
                        .single())
                .isZero();
    }

    @Test
    void aFileWithBadLinesIsRefusedWholeWithTheirNumbersAndNothingIsKept() {
        long filesBefore =
                jdbc.sql("SELECT count(*) FROM openai_file").query(Long.class).single();
        String content = line(1) + "\n" + line(1) + "\n"
                + "{\"custom_id\":\"x\",\"method\":\"POST\",\"url\":\"/v1/images\",\"body\":{}}\n"
                + "[1,2]\n" + "x".repeat(1_100_000) + "\n";

        Api.Answer refused = upload(api, content);

        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused.header("Content-Type")).startsWith("application/json");
        String errors = refused.json().get("errors").toString();
        assertThat(errors)
                .contains(
                        "{\"line\":2,\"field\":\"custom_id\",\"rule\":\"must be unique in the batch; line 1 has it too\"}")
                .contains(
                        "\"line\":3,\"field\":\"url\"",
                        "\"line\":3,\"field\":\"body.model\"",
                        "\"line\":4",
                        "\"line\":5");
        assertThat(refused.json().get("error").get("message").asString()).contains("line 2:");
        assertThat(jdbc.sql("SELECT count(*) FROM openai_file")
                        .query(Long.class)
                        .single())
                .isEqualTo(filesBefore);
    }

    @Test
    void aBadCreateNamesEveryBrokenRuleAndAnotherProjectsIdsAreUnknown() {
        Api.Answer bad = api.postJson("/v1/batches", """
                {"input_file_id":"nope","endpoint":"/v1/images","completion_window":"1h",
                 "metadata":{"priority":"urgent"},"x":1}""");

        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.json().get("errors").toString())
                .contains("input_file_id", "endpoint", "completion_window", "metadata.priority", "\"x\"");

        String batch = batchOf(1);
        Api other = api.as(otherProjectsKey());
        Api.Answer theirs = other.get("/v1/batches/" + batch);
        Api.Answer none = other.get("/v1/batches/batch_999999");
        assertThat(theirs.status()).isEqualTo(404);
        assertThat(theirs.json().get("detail").asString().replace(batch, "ID"))
                .isEqualTo(none.json().get("detail").asString().replace("batch_999999", "ID"));
        assertThat(other.get("/v1/files/file-out-" + number(batch) + "/content").status())
                .isEqualTo(404);
        assertThat(other.postJson("/v1/batches/" + batch + "/cancel", "").status())
                .isEqualTo(404);
        assertThat(api.get("/v1/batches/" + batch).json().get("status").asString())
                .isEqualTo("in_progress");
    }

    @Test
    void aChatAtAPriorityTheProjectMayNotUseIsRefusedAndStoresNothing() {
        String project = "p-" + UUID.randomUUID().toString().substring(0, 8);
        Api team = api.as(api.postJson("/api/v1/keys", """
                        {"project":"%s","name":"t","scopes":["submit","read"],"expires_at":null}""".formatted(project))
                .json()
                .get("key")
                .asString());
        api.put("/api/v1/projects/" + project, "{\"allowed_priorities\":[\"low\"]}");

        Api.Answer refused = team.postJson(
                "/v1/chat/completions",
                "{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}",
                "X-Sluice-Priority",
                "high");

        assertThat(refused.status()).as(refused.body()).isEqualTo(403);
        assertThat(refused.json().get("errors").get(0).get("field").asString()).isEqualTo("allowed_priorities");
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isZero();
    }

    @Test
    void withoutAKeyTheDoorAnswers401() {
        assertThat(api.as(null).get("/v1/models").status()).isEqualTo(401);
        assertThat(api.as(null).postJson("/tinker/api/v1/asample", "{}").status())
                .isEqualTo(401);
    }

    private String otherProjectsKey() {
        Api.Answer key = api.postJson(
                "/api/v1/keys", """
                {"project":"p-%s","name":"t","scopes":["submit","read"],"expires_at":null}""".formatted(UUID.randomUUID().toString().substring(0, 8)));
        return key.json().get("key").asString();
    }
}
