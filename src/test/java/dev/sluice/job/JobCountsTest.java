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
        Job third = jobs.findById(n3).orElseThrow();
        assertThat(jobs.countQueuedBefore(third, 100)).isEqualTo(2);
        assertThat(jobs.countQueuedBefore(third, 1)).as("capped").isEqualTo(1);
        assertThat(jobs.countQueuedFrom(jobs.findById(n2).orElseThrow(), 100))
                .as("it and newer")
                .isEqualTo(2);
        assertThat(jobs.countQueuedHigher("noop", Priority.NORMAL, 100)).isEqualTo(1);
        assertThat(jobs.countQueuedHigher("noop", Priority.HIGH, 100)).isZero();
        assertThat(jobs.queuedTurnRange("noop", Priority.NORMAL))
                .containsExactly(jobs.findById(n1).orElseThrow().fairTag(), third.fairTag());
        assertThat(third.fairTag() - jobs.findById(n1).orElseThrow().fairTag())
                .as("one project's jobs take consecutive turns")
                .isEqualTo(2 * Owner.SLUICE.stride());
        assertThat(jobs.queuedTurnRange("other", Priority.HIGH)).isNull();
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
