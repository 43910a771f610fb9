package dev.sluice.job;

import static dev.sluice.Fixtures.job;
import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Counts ({@link JobCounts}) of one known queue: three upstreams' jobs in three priorities and
 * three states, counted by each view the estimates, the reports and the metrics read.
 */
@QuietSluiceTest
class JobCountsTest extends JobSqlTest {

    private long ins(String upstream, Priority p) {
        return jobs.insert(job(upstream, p, 1), now).orElseThrow();
    }

    @Test
    void queuedJobsAreCountedByUpstreamAndPriorityAndAroundAJob() {
        long h1 = ins("noop", Priority.HIGH);
        long n1 = ins("noop", Priority.NORMAL);
        long n2 = ins("noop", Priority.NORMAL);
        long n3 = ins("noop", Priority.NORMAL);
        ins("other", Priority.LOW);

        assertThat(jobs.countQueuedByPriority())
                .containsEntry(Priority.HIGH, 1L)
                .containsEntry(Priority.NORMAL, 3L)
                .containsEntry(Priority.LOW, 1L);
        assertThat(jobs.countQueuedByUpstreamAndPriority())
                .containsEntry("noop", Map.of(Priority.HIGH, 1L, Priority.NORMAL, 3L))
                .containsEntry("other", Map.of(Priority.LOW, 1L));
        assertThat(jobs.countQueuedBefore("noop", Priority.NORMAL, n3, 100)).isEqualTo(2);
        assertThat(jobs.countQueuedBefore("noop", Priority.NORMAL, n3, 1))
                .as("capped")
                .isEqualTo(1);
        assertThat(jobs.countQueuedFrom("noop", Priority.NORMAL, n2, 100))
                .as("it and newer")
                .isEqualTo(2);
        assertThat(jobs.countQueuedHigher("noop", Priority.NORMAL, 100)).isEqualTo(1);
        assertThat(jobs.countQueuedHigher("noop", Priority.HIGH, 100)).isZero();
        assertThat(jobs.queuedIdRange("noop", Priority.NORMAL)).containsExactly(n1, n3);
        assertThat(jobs.queuedIdRange("other", Priority.HIGH)).isNull();
        assertThat(h1).isLessThan(n1);
    }

    @Test
    void theDepthCountsEachStateAndTheLeasesCountEachOwner() {
        ins("noop", Priority.HIGH);
        ins("noop", Priority.HIGH);
        ins("noop", Priority.LOW);
        List<ClaimedJob> claimed = jobs.claimNextBatch("noop", 2, OWNER, now, now.plusSeconds(60));
        jobs.markSubmitted(claimed.get(1).fence(), "r-1", "s-1", now, now.plusSeconds(1), now);

        List<JobCounts.DepthCount> depth = jobs.countQueueDepths();

        assertThat(depth)
                .extracting(d -> d.upstream() + " " + d.state() + " " + d.priority() + " " + d.jobs())
                .containsExactlyInAnyOrder("noop queued 2 1", "noop claimed null 1", "noop submitted null 1");
        assertThat(depth)
                .filteredOn(d -> d.state().equals("queued"))
                .singleElement()
                .satisfies(d -> assertThat(d.oldestCreatedAt()).isEqualTo(now));
        assertThat(jobs.countRunningByUpstream()).containsExactly(Map.entry("noop", 2L));
        assertThat(jobs.countLeasesByOwner()).containsOnlyKeys(OWNER);
        assertThat(jobs.countLeasesByOwner().get(OWNER))
                .as("one claim being sent; the submitted job's poll is not leased")
                .containsExactly(1L, 0L);
    }
}
