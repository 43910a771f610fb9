package dev.sluice.reporting;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.MovableClock;
import dev.sluice.QuietSluiceTest;
import dev.sluice.job.JobRepository;
import dev.sluice.job.Priority;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * The overview's series: what the project snapshots count (queued, finished, both waits) reads the
 * same from the snapshots (an hour) and from the five-minute buckets (a day), per project and for
 * every project together.
 */
@QuietSluiceTest
class OverviewSeriesTest {

    @Autowired
    JdbcClient jdbc;

    @Autowired
    JobRepository jobs;

    @Autowired
    OverviewSeries series;

    MovableClock clock;
    ProjectSnapshots snapshots;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        jdbc.sql("TRUNCATE project_snapshot, project_snapshot_5m").update();
        jdbc.sql(
                        "INSERT INTO project (id, name, created_at) VALUES (901, 'overview-a', now()), (902, 'overview-b', now())"
                                + " ON CONFLICT DO NOTHING")
                .update();
        clock = new MovableClock();
        snapshots = new ProjectSnapshots(jdbc, jobs);
    }

    /** {@code n} jobs of the project, finished just now, each having waited {@code wait} in our queue. */
    private void finished(long project, int n, Duration wait, Instant at) {
        jdbc.sql("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, attempts, max_attempts,
                                 run_after, created_at, claimed_at, submitted_at, finished_at, project_id)
                SELECT 'noop', '/e', '{}', 1, 0, 'succeeded', 1, 1, :c, :c, :claimed, :claimed, :f, :p
                FROM generate_series(1, :n)""")
                .param("c", Timestamp.from(at.minus(wait).minusSeconds(5)))
                .param("claimed", Timestamp.from(at.minusSeconds(5)))
                .param("f", Timestamp.from(at.minusSeconds(4)))
                .param("p", project)
                .param("n", n)
                .update();
    }

    private void queued(long project, int n) {
        jdbc.sql("""
                INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, attempts, max_attempts,
                                 run_after, created_at, project_id)
                SELECT 'noop', '/e', '{}', 1, 0, 'queued', 0, 1, now(), now(), :p FROM generate_series(1, :n)""").param("p", project).param("n", n).update();
    }

    private static long finishedIn(List<OverviewSeries.Point> points) {
        return points.stream()
                .filter(p -> p.priority() == Priority.HIGH)
                .mapToLong(OverviewSeries.Point::finished)
                .sum();
    }

    @Test
    void anHourFromSnapshotsAndADayFromBucketsAgree() {
        queued(901, 7);
        queued(902, 5);
        snapshots.take(clock.instant(), Duration.ofSeconds(10));
        clock.advance(Duration.ofSeconds(10));
        finished(901, 4, Duration.ofSeconds(2), clock.instant());
        finished(902, 6, Duration.ofSeconds(8), clock.instant());
        snapshots.take(clock.instant(), Duration.ofSeconds(10));
        Instant now = clock.instant().plusSeconds(1);

        for (OverviewSeries.Range range : List.of(OverviewSeries.Range.HOUR, OverviewSeries.Range.DAY)) {
            List<OverviewSeries.Point> all = series.series(null, range, now);
            List<OverviewSeries.Point> a = series.series(901L, range, now);
            assertThat(finishedIn(all)).as(range + ": every project's").isEqualTo(10);
            assertThat(finishedIn(a)).as(range + ": one project's").isEqualTo(4);
            assertThat(all)
                    .filteredOn(p -> p.priority() == Priority.HIGH)
                    .extracting(OverviewSeries.Point::queued)
                    .as(range + ": the deepest the whole queue was")
                    .contains(12L);
            assertThat(a)
                    .filteredOn(p -> p.finished() > 0)
                    .singleElement()
                    .satisfies(p -> assertThat(p.queueWaitP50()).isEqualTo(2.0));
            assertThat(all)
                    .filteredOn(p -> p.finished() > 0)
                    .allSatisfy(p ->
                            assertThat(p.queueWaitP50()).as("weighted by jobs").isBetween(5.5, 5.7));
        }
    }
}
