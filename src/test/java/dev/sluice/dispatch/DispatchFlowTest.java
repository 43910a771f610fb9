package dev.sluice.dispatch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.SluiceTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestPropertySource;
import tools.jackson.databind.JsonNode;

/**
 * The whole path with the claimer running: HTTP in, claim, send to the noop upstream, outcome
 * and history written. Rates are measured from the timestamps Sluice recorded, never from the
 * test's own wall clock.
 */
@SluiceTest
@DirtiesContext(classMode = DirtiesContext.ClassMode.AFTER_CLASS)
@TestPropertySource(
        properties = {
            "sluice.upstreams.paced.protocol=noop",
            "sluice.upstreams.paced.requests-per-minute=600",
            "sluice.upstreams.metered.protocol=noop",
            "sluice.upstreams.metered.tokens-per-minute=6000",
            "sluice.dispatch.idle-wait=50ms"
        })
class DispatchFlowTest {

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

    private void awaitBatchFinished(long batchId) {
        await().atMost(Duration.ofSeconds(60))
                .until(() -> api.get("/api/v1/batches/" + batchId)
                        .json()
                        .get("finished")
                        .asBoolean());
    }

    @Test
    void theMetricsCountWhatWasSentAndTimeHowLongItWaited() {
        double before = metric("sluice_jobs_finished_total{state=\"succeeded\",upstream=\"noop\"}");
        for (int i = 0; i < 3; i++) {
            long id = api.postJson("/api/v1/jobs", """
                    {"endpoint":"/v1/echo","payload":{},"token_count":1,"priority":"high"}""").json().get("id").asLong();
            api.awaitJobState(id, "succeeded");
        }

        assertThat(metric("sluice_jobs_finished_total{state=\"succeeded\",upstream=\"noop\"}") - before)
                .isEqualTo(3.0);
        assertThat(metric("sluice_upstream_submissions_total{outcome=\"completed\",upstream=\"noop\"}"))
                .isGreaterThanOrEqualTo(3.0);
        assertThat(metric("sluice_job_queue_wait_seconds_count{priority=\"high\",upstream=\"noop\"}"))
                .isGreaterThanOrEqualTo(3.0);
    }

    /** One sample of the Prometheus scrape, 0 when absent. */
    private double metric(String series) {
        return api.get("/actuator/prometheus")
                .body()
                .lines()
                .filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(series.length() + 1)))
                .findFirst()
                .orElse(0);
    }

    @Test
    void runsAJobToSucceededWithItsPayloadEchoedAndEveryStepInTheHistory() {
        long id = api.postJson("/api/v1/jobs", """
                {"endpoint":"/v1/echo","payload":{"prompt":"hello","n":[1,2]},"token_count":4,"priority":"high"}""").json().get("id").asLong();

        api.awaitJobState(id, "succeeded");

        JsonNode job = api.get("/api/v1/jobs/" + id).json();
        assertThat(job.get("result").get("prompt").asString()).isEqualTo("hello");
        assertThat(job.get("result").get("n").get(1).asInt()).isEqualTo(2);
        assertThat(job.get("attempts").asInt()).isEqualTo(1);
        assertThat(Instant.parse(job.get("submitted_at").asString()))
                .isAfterOrEqualTo(Instant.parse(job.get("claimed_at").asString()));
        assertThat(Instant.parse(job.get("finished_at").asString()))
                .isAfterOrEqualTo(Instant.parse(job.get("submitted_at").asString()));
        JsonNode history = api.get("/api/v1/jobs/" + id + "/history").json().get("history");
        assertThat(history.values())
                .extracting(h -> h.get("state").asString())
                .containsExactly("queued", "claimed", "succeeded");
        assertThat(history.values()).extracting(h -> h.get("attempt").asInt()).containsExactly(0, 1, 1);
    }

    @Test
    void sendsABatchInStrictPriorityOrderAtNoMoreThanTheConfiguredRate() {
        StringBuilder body = new StringBuilder();
        String[] priorities = {"low", "normal", "high"};
        for (String p : priorities) {
            for (int i = 0; i < 10; i++) {
                body.append("{\"custom_id\":\"")
                        .append(p)
                        .append(i)
                        .append("\",\"endpoint\":\"/e\",\"payload\":{},")
                        .append("\"token_count\":1,\"priority\":\"")
                        .append(p)
                        .append("\"}\n");
            }
        }
        long batchId = api.post("/api/v1/batches?upstream=paced", NDJSON, body.toString())
                .json()
                .get("batch_id")
                .asLong();

        awaitBatchFinished(batchId);

        List<Integer> sentPriorities = jdbc.sql("SELECT priority FROM job WHERE batch_id = ? ORDER BY submitted_at, id")
                .param(batchId)
                .query(Integer.class)
                .list();
        assertThat(sentPriorities).hasSize(30).isSorted();
        List<Instant> sent = jdbc.sql("SELECT submitted_at FROM job WHERE batch_id = ? ORDER BY submitted_at")
                .param(batchId)
                .query(Instant.class)
                .list();
        // 600/min is one permit per 100 ms: any 1-second window holds at most 11 permits (a window
        // can touch 11 refresh periods), and never the burst of 30 an unsmoothed limit allows. The
        // send times are read on the sender threads after the permit, so a send delayed by CPU
        // contention on this 2-core machine can land next to the following one: one send of
        // slack (12 measured once in CI, 2026-11-23).
        assertThat(maxInWindow(sent, Duration.ofSeconds(1))).isLessThanOrEqualTo(12);
        double seconds = Duration.between(sent.getFirst(), sent.getLast()).toNanos() / 1e9;
        double rate = (sent.size() - 1) / seconds;
        assertThat(rate)
                .as("achieved rate per second")
                .isLessThanOrEqualTo(10.5)
                .isGreaterThan(5.0);
    }

    @Test
    void spendsTheTokenBudgetByEachJobsTokenCount() {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            body.append("{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":50}\n");
        }
        long batchId = api.post("/api/v1/batches?upstream=metered", NDJSON, body.toString())
                .json()
                .get("batch_id")
                .asLong();

        awaitBatchFinished(batchId);

        List<Instant> sent = jdbc.sql("SELECT submitted_at FROM job WHERE batch_id = ? ORDER BY submitted_at")
                .param(batchId)
                .query(Instant.class)
                .list();
        // 6000 tokens/min is 100 tokens/s: a 50-token job every 500 ms. A 1-second window can
        // hold three sends only when they fall exactly on its edges.
        assertThat(maxInWindow(sent, Duration.ofSeconds(1)) * 50).isLessThanOrEqualTo(150);
        double seconds = Duration.between(sent.getFirst(), sent.getLast()).toNanos() / 1e9;
        assertThat((sent.size() - 1) * 50 / seconds).as("tokens per second").isLessThanOrEqualTo(105);
    }

    @Test
    void theQueueShowsEachUpstreamsLiveLimits() {
        JsonNode limits = api.get("/api/v1/queue").json().get("rate_limits");

        assertThat(limits.get("paced").get("requests_per_minute").asLong()).isEqualTo(600);
        assertThat(limits.get("paced").get("available_requests").isNumber()).isTrue();
        assertThat(limits.get("paced").get("available_tokens").isNull()).isTrue();
        assertThat(limits.get("metered").get("tokens_per_minute").asLong()).isEqualTo(6000);
        assertThat(limits.get("metered").get("available_tokens").isNumber()).isTrue();
        assertThat(limits.get("noop").get("requests_per_minute").asLong()).isZero();
    }

    @Test
    void aBusyUpstreamDoesNotHoldBackAnother() {
        StringBuilder slow = new StringBuilder();
        for (int i = 0; i < 50; i++) {
            slow.append("{\"endpoint\":\"/e\",\"payload\":{},\"token_count\":1,\"priority\":\"high\"}\n");
        }
        long slowBatch = api.post("/api/v1/batches?upstream=paced", NDJSON, slow.toString())
                .json()
                .get("batch_id")
                .asLong();
        long fast = api.postJson("/api/v1/jobs", Fixtures.jobJson("low", 1))
                .json()
                .get("id")
                .asLong();

        await().atMost(Duration.ofSeconds(10))
                .until(() -> api.get("/api/v1/jobs/" + fast)
                        .json()
                        .get("state")
                        .asString()
                        .equals("succeeded"));

        assertThat(api.get("/api/v1/batches/" + slowBatch)
                        .json()
                        .get("finished")
                        .asBoolean())
                .isFalse();
    }

    static int maxInWindow(List<Instant> sorted, Duration window) {
        int best = 0;
        int start = 0;
        for (int end = 0; end < sorted.size(); end++) {
            while (Duration.between(sorted.get(start), sorted.get(end)).compareTo(window) >= 0) {
                start++;
            }
            best = Math.max(best, end - start + 1);
        }
        return best;
    }
}
