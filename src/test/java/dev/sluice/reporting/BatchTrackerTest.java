package dev.sluice.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.MovableClock;
import dev.sluice.QuietSluiceTest;
import dev.sluice.batch.BatchActions;
import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.job.JobRepository;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * A batch's counts as lists show them: taken every interval while it runs, with its progress
 * over time and its rate and ETA; frozen once it is finished; reopened by a retry.
 */
@QuietSluiceTest
class BatchTrackerTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobRepository jobs;

    @Autowired
    BatchActions actions;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    ReportingProperties reporting;

    @Autowired
    DispatchProperties dispatch;

    Api api;
    MovableClock clock;
    BatchTracker tracker;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
        clock = new MovableClock();
        tracker = new BatchTracker(jdbc, jobs, actions, tx, reporting, dispatch, clock);
    }

    private long batch(int jobs) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < jobs; i++) {
            body.append("{\"custom_id\":\"c")
                    .append(i)
                    .append("\",\"endpoint\":\"/v1/s\",\"payload\":{},\"token_count\":1}\n");
        }
        return api.post("/api/v1/batches?upstream=other", "application/x-ndjson", body.toString())
                .json()
                .get("batch_id")
                .asLong();
    }

    private void finish(long batchId, int jobs, String state) {
        jdbc.sql("""
                UPDATE job SET state = :state, finished_at = now() WHERE id IN (
                    SELECT id FROM job WHERE batch_id = :b AND state = 'queued' ORDER BY id LIMIT :n)""").param("state", state).param("b", batchId).param("n", jobs).update();
    }

    private JsonNode listed(long batchId) {
        return api.get("/api/v1/batches").json().get("batches").values().stream()
                .filter(b -> b.get("id").asLong() == batchId)
                .findFirst()
                .orElseThrow();
    }

    @Test
    void countsARunningBatchEachIntervalWithItsRateAndEtaThenFreezesItWhenFinished() {
        long b = batch(10);
        assertThat(listed(b).get("counts").get("queued").asLong())
                .as("before any count")
                .isEqualTo(10);

        assertThat(tracker.runOnce().done()).isEqualTo(1);
        assertThat(tracker.runOnce().done())
                .as("not due again within the interval")
                .isZero();
        finish(b, 4, "succeeded");
        clock.advance(Duration.ofSeconds(20));
        assertThat(tracker.runOnce().done()).isEqualTo(1);

        JsonNode running = listed(b);
        assertThat(running.get("state").asString()).isEqualTo("running");
        assertThat(running.get("counts").get("succeeded").asLong()).isEqualTo(4);
        assertThat(running.get("total").asLong()).isEqualTo(10);
        assertThat(running.get("jobs_per_second").asDouble()).isEqualTo(0.2);
        assertThat(running.get("eta_s").asDouble()).isEqualTo(30.0);

        finish(b, 5, "succeeded");
        finish(b, 1, "failed");
        clock.advance(Duration.ofSeconds(20));
        tracker.runOnce();
        JsonNode finished = listed(b);
        assertThat(finished.get("state").asString()).isEqualTo("finished");
        assertThat(finished.get("eta_s").isNull()).isTrue();
        assertThat(api.get("/api/v1/batches?state=finished")
                        .json()
                        .get("batches")
                        .size())
                .isEqualTo(1);
        clock.advance(Duration.ofSeconds(20));
        assertThat(tracker.runOnce().done())
                .as("a finished batch is not counted again")
                .isZero();

        JsonNode points = api.get("/api/v1/batches/" + b + "/progress").json().get("points");
        assertThat(points.values()).extracting(p -> p.get("succeeded").asLong()).containsExactly(0L, 4L, 9L);

        api.post("/api/v1/batches/" + b + "/retry-failed", "application/json", "");
        assertThat(listed(b).get("state").asString()).as("a retry reopens it").isEqualTo("running");
        clock.advance(Duration.ofSeconds(20));
        assertThat(tracker.runOnce().done()).isEqualTo(1);
        assertThat(listed(b).get("counts").get("queued").asLong()).isEqualTo(1);
    }

    @Test
    void aCancelledBatchBecomesCancelledOnceItsSentJobsEnd() {
        long b = batch(3);
        jdbc.sql("UPDATE job SET state = 'submitted', submitted_at = now() WHERE batch_id = ? AND custom_id = 'c0'")
                .param(b)
                .update();
        api.post("/api/v1/batches/" + b + "/cancel", "application/json", "");
        // A job that came back to the queue after the cancel (a retryable failure) is cancelled by
        // the next count, not sent again.
        jdbc.sql("UPDATE job SET state = 'queued', finished_at = NULL WHERE batch_id = ? AND custom_id = 'c1'")
                .param(b)
                .update();

        tracker.runOnce();
        assertThat(listed(b).get("state").asString()).isEqualTo("cancelling");
        assertThat(listed(b).get("counts").get("cancelled").asLong()).isEqualTo(2);
        jdbc.sql("UPDATE job SET state = 'succeeded', finished_at = now() WHERE batch_id = ? AND custom_id = 'c0'")
                .param(b)
                .update();
        clock.advance(Duration.ofSeconds(20));
        tracker.runOnce();
        assertThat(listed(b).get("state").asString()).isEqualTo("cancelled");

        // One of its jobs failed and retried by hand: the batch runs again, and the next count
        // does not cancel what the operator just queued.
        jdbc.sql("UPDATE job SET state = 'failed', finished_at = now() WHERE batch_id = ? AND custom_id = 'c0'")
                .param(b)
                .update();
        long c0 = jdbc.sql("SELECT id FROM job WHERE batch_id = ? AND custom_id = 'c0'")
                .param(b)
                .query(Long.class)
                .single();
        assertThat(api.post("/api/v1/jobs/" + c0 + "/retry", "application/json", "")
                        .status())
                .isEqualTo(200);
        assertThat(listed(b).get("state").asString()).isEqualTo("running");
        clock.advance(Duration.ofSeconds(20));
        tracker.runOnce();
        assertThat(api.job(c0).get("state").asString()).isEqualTo("queued");
    }

    @Test
    void cancellingAFinishedBatchLeavesItFinished() {
        long b = batch(2);
        finish(b, 2, "succeeded");
        tracker.runOnce();
        assertThat(listed(b).get("state").asString()).isEqualTo("finished");

        assertThat(api.post("/api/v1/batches/" + b + "/cancel", "application/json", "")
                        .json()
                        .get("jobs")
                        .asLong())
                .isZero();
        assertThat(listed(b).get("state").asString()).isEqualTo("finished");
    }
}
