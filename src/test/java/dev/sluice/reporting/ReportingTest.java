package dev.sluice.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.MovableClock;
import dev.sluice.QuietSluiceTest;
import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.job.JobRepository;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import dev.sluice.upstream.Upstreams;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;

/**
 * The wait-time report from SQL, the API's JSON and its CSV, on the seeded jobs; the queue-depth
 * snapshots and the gauges that read them; and the upkeep of partitions and retention.
 */
@QuietSluiceTest
class ReportingTest {

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    @Autowired
    DataSource dataSource;

    @Autowired
    QueueSnapshotter snapshotter;

    @Autowired
    PartitionMaintainer maintainer;

    @Autowired
    Clock clock;

    @Autowired
    JobRepository jobs;

    @Autowired
    TransactionTemplate tx;

    @Autowired
    Upstreams upstreams;

    @Autowired
    UpstreamGates gates;

    @Autowired
    NodeIdentity node;

    @Autowired
    ReportingProperties reporting;

    @Autowired
    DispatchProperties dispatch;

    Api api;
    String from;
    String to;

    @BeforeEach
    void seed() {
        // The seed's days count back from the application's clock, which takes the snapshots.
        ReportingSeed.load(jdbc, dataSource, clock.instant());
        api = new Api(port);
        LocalDate d = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).minusDays(2);
        from = d.toString();
        to = d.plusDays(1).toString();
    }

    @Test
    void theApiTheCsvAndTheSqlFunctionGiveTheSamePercentiles() {
        JsonNode json = api.get(
                        "/api/v1/reports/wait-times?from=" + from + "&to=" + to + "&bucket=day&group_by=priority")
                .json();
        String csv = api.get(
                        "/api/v1/reports/wait-times?from=" + from + "&to=" + to + "&bucket=day&group_by=priority",
                        "Accept",
                        "text/csv")
                .body();
        List<Map<String, Object>> sql =
                jdbc.sql("""
                SELECT * FROM wait_time_stats(CAST(:from AS date), CAST(:to AS date), 'day', 'priority')""").param("from", from).param("to", to).query().listOfRows();

        JsonNode rows = json.get("rows");
        assertThat(rows.size()).isEqualTo(3).isEqualTo(sql.size());
        JsonNode high = rows.get(0);
        assertThat(high.get("priority").asString()).isEqualTo("high");
        assertThat(high.get("jobs").asInt()).isEqualTo(10);
        assertThat(high.get("queue_wait_p50").asDouble()).isEqualTo(5.5);
        assertThat(high.get("queue_wait_p99").asDouble()).isCloseTo(9.91, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(high.get("upstream_wait_p50").asDouble()).isEqualTo(55.0);
        assertThat(high.get("eta_late_share").asDouble()).isEqualTo(0.5);
        // The failed and the cancelled jobs never started upstream: no upstream wait, not 0 s.
        JsonNode normal = rows.get(2);
        assertThat(normal.get("priority").asString()).isEqualTo("normal");
        assertThat(normal.get("queue_wait_p50").asDouble()).isEqualTo(3.0);
        assertThat(normal.get("upstream_wait_p50").isNull()).isTrue();
        assertThat(normal.get("run_max").isNull()).isTrue();

        String[] lines = csv.split("\r\n");
        List<String> header = List.of(lines[0].split(",", -1));
        assertThat(header).containsExactlyElementsOf(sql.getFirst().keySet());
        assertThat(lines).hasSize(1 + sql.size());
        for (int i = 0; i < sql.size(); i++) {
            String[] cells = lines[i + 1].split(",", -1);
            List<String> fromJson = new ArrayList<>();
            for (int c = 0; c < header.size(); c++) {
                Object value = sql.get(i).get(header.get(c));
                JsonNode j = rows.get(i).get(header.get(c));
                String expected = value == null
                        ? ""
                        : value instanceof Timestamp t ? t.toInstant().toString() : value.toString();
                assertThat(cells[c]).as("CSV row %d %s", i + 1, header.get(c)).isEqualTo(expected);
                fromJson.add(j == null || j.isNull() ? "" : j.asString());
            }
            assertThat(fromJson).as("JSON row %d", i + 1).containsExactly(cells);
        }
    }

    @Test
    void badParametersGetOneProblemNamingEachOfThem() {
        Api.Answer a = api.get("/api/v1/reports/wait-times?from=yesterday&bucket=week&group_by=colour");

        assertThat(a.status()).isEqualTo(400);
        assertThat(a.header("Content-Type")).startsWith("application/problem+json");
        assertThat(a.json().get("errors").values())
                .extracting(e -> e.get("field").asString())
                .containsExactlyInAnyOrder("bucket", "group_by", "from");

        Api.Answer backwards = api.get("/api/v1/reports/queue-depth?from=2026-11-23&to=2026-11-22");
        assertThat(backwards.status()).isEqualTo(400);
        assertThat(backwards.json().get("errors").get(0).get("rule").asString()).isEqualTo("must be before to");

        Api.Answer tooLong = api.get("/api/v1/reports/queue-depth?from=2026-01-01&to=2026-11-22");
        assertThat(tooLong.json().get("errors").get(0).get("field").asString()).isEqualTo("to");
    }

    @Test
    void oneSnapshotPerIntervalIsTakenAndTheGaugesAndTheApiReadIt() {
        jdbc.sql("TRUNCATE queue_snapshot").update();

        assertThat(snapshotter.runOnce().done())
                .as("the first instance to try takes it")
                .isPositive();
        assertThat(snapshotter.runOnce().done())
                .as("a second try in the same interval does not")
                .isZero();

        List<QueueDepth> latest = snapshotter.latest();
        QueueDepth mint = latest.stream()
                .filter(d -> d.upstream().equals("mint"))
                .findFirst()
                .orElseThrow();
        assertThat(List.of(mint.queuedHigh(), mint.queuedNormal(), mint.queuedLow()))
                .containsExactly(1, 1, 1);
        assertThat(mint.oldestQueuedLowS()).isBetween(30 * 60.0 - 5, 30 * 60.0 + 60);
        assertThat(latest).extracting(QueueDepth::upstream).contains("noop", "other", "mint");

        String metrics = api.get("/actuator/prometheus").body();
        assertThat(metrics)
                .contains("sluice_queue_jobs{priority=\"high\",state=\"queued\",upstream=\"noop\"} 0.0")
                .contains("sluice_queue_oldest_queued_seconds{priority=\"low\",upstream=\"noop\"} 0.0");
        JsonNode depth = api.get("/api/v1/reports/queue-depth").json().get("rows");
        assertThat(depth.values())
                .filteredOn(r -> r.get("upstream").asString().equals("mint"))
                .singleElement()
                .satisfies(r -> assertThat(r.get("queued_low").asInt()).isEqualTo(1));
    }

    @Test
    void theNextSnapshotIsTakenOnceTheIntervalHasPassedOnTheClock() {
        jdbc.sql("TRUNCATE queue_snapshot, project_snapshot").update();
        MovableClock moving = new MovableClock();
        QueueSnapshotter snapshots = new QueueSnapshotter(
                jdbc, jobs, tx, upstreams, gates, node, reporting, dispatch, moving, new ProjectSnapshots(jdbc, jobs));

        Pass first = snapshots.runOnce();
        assertThat(first.done())
                .as("one row per upstream, and one per project and priority with jobs")
                .isGreaterThanOrEqualTo(upstreams.names().size())
                .isEqualTo(jdbc.sql(
                                "SELECT (SELECT count(*) FROM queue_snapshot) + (SELECT count(*) FROM project_snapshot)")
                        .query(Integer.class)
                        .single());
        assertThat(first.waitBeforeNext()).isEqualTo(reporting.snapshotInterval());

        moving.advance(reporting.snapshotInterval().dividedBy(2));
        assertThat(snapshots.runOnce().done()).as("half an interval later").isZero();

        moving.advance(reporting.snapshotInterval().dividedBy(2));
        assertThat(snapshots.runOnce().done()).as("a whole interval later").isPositive();
        assertThat(snapshots.latest()).allSatisfy(d -> assertThat(d.takenAt()).isEqualTo(moving.instant()));
    }

    @Test
    void upkeepMakesPartitionsAheadDropsOldOnesAndDeletesOldFinishedJobs() {
        // Upkeep runs on the application's clock: so do this test's days.
        Instant now = clock.instant();
        LocalDate old = LocalDate.ofInstant(now, ZoneOffset.UTC).minusDays(40);
        jdbc.sql("SELECT sluice_ensure_partitions('job_status_history', CAST(:d AS date), CAST(:d AS date))")
                .param("d", old.toString())
                .query(Integer.class)
                .single();
        long oldJob = finishedJob(now.minus(40, ChronoUnit.DAYS));
        long recentJob = finishedJob(now.minus(10, ChronoUnit.DAYS));
        jdbc.sql("""
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                VALUES (:id, :at, 'queue', 'succeeded', 1)""")
                .param("id", oldJob)
                .param("at", Timestamp.from(now.minus(40, ChronoUnit.DAYS)))
                .update();

        PartitionMaintainer.Upkeep pass = maintainer.upkeep();

        String oldPartition = "job_status_history_p" + old.toString().replace("-", "");
        assertThat(pass.partitionsDropped()).contains(oldPartition);
        assertThat(jdbc.sql("SELECT to_regclass(:name) IS NULL")
                        .param("name", oldPartition)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        String ahead = "job_status_history_p"
                + LocalDate.ofInstant(now, ZoneOffset.UTC)
                        .plusDays(7)
                        .toString()
                        .replace("-", "");
        assertThat(jdbc.sql("SELECT to_regclass(:name) IS NOT NULL")
                        .param("name", ahead)
                        .query(Boolean.class)
                        .single())
                .isTrue();
        assertThat(jdbc.sql("SELECT id FROM job WHERE id IN (:ids)")
                        .param("ids", List.of(oldJob, recentJob))
                        .query(Long.class)
                        .list())
                .containsExactly(recentJob);
        assertThat(pass.jobsDeleted()).isEqualTo(1);
    }

    @Test
    void aPartitionMadeForADayWhoseRowsAreInTheDefaultPartitionTakesThem() {
        // A day beyond the week made ahead: its row lands in the DEFAULT partition.
        LocalDate far = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC).plusDays(20);
        Instant at = far.atTime(12, 0).toInstant(ZoneOffset.UTC);
        String partition = "job_status_history_p" + far.toString().replace("-", "");
        jdbc.sql("DROP TABLE IF EXISTS " + partition).update(); // left by an earlier run
        jdbc.sql("""
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                VALUES (1, :at, 'queue', 'queued', 0)""").param("at", Timestamp.from(at)).update();
        assertThat(partitionHolding(at)).isEqualTo("job_status_history_default");

        int made = jdbc.sql("SELECT sluice_ensure_partitions('job_status_history', CAST(:d AS date), CAST(:d AS date))")
                .param("d", far.toString())
                .query(Integer.class)
                .single();

        assertThat(made).isEqualTo(1);
        assertThat(partitionHolding(at))
                .isEqualTo("job_status_history_p" + far.toString().replace("-", ""));
    }

    private String partitionHolding(Instant at) {
        return jdbc.sql("SELECT tableoid::regclass::text FROM job_status_history WHERE observed_at = :at")
                .param("at", Timestamp.from(at))
                .query(String.class)
                .single();
    }

    private long finishedJob(Instant at) {
        return jdbc.sql("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after,
                                 created_at, finished_at)
                VALUES ('noop', '/e', '{}', 1, 1, 'cancelled', 1, :at, :at, :at) RETURNING id""").param("at", Timestamp.from(at)).query(Long.class).single();
    }
}
