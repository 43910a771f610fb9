package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.sluice.QuietSluiceTest;
import dev.sluice.history.JobStatusHistory;
import dev.sluice.history.JobStatusHistoryRepository;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

/**
 * A job's history as it is read (the view job_history, V018): the rows of job_status_history, and
 * the enqueue, the first claim and the success, which its job row holds and which are not written
 * twice. Every change is there, once, in the order it happened, however many share one moment.
 */
@QuietSluiceTest
class JobHistoryTest extends JobSqlTest {

    @Autowired
    JobStatusHistoryRepository history;

    @Test
    void aJobEnqueuedClaimedOnceAndSucceededStoresNoRowYetItsHistoryHasAllThree() {
        long id = insert(Priority.NORMAL);
        ClaimedJob claimed = claim(1).getFirst();
        assertThat(jobs.markSucceededAll(List.of(new Success(claimed.fence(), "{}", now, now))))
                .containsKey(id);

        assertThat(stored(id)).as("nothing written to job_status_history").isZero();
        // All three at the same moment (the test clock does not move): ord keeps their order.
        assertThat(history.findByJobIdOrderByObservedAtAscOrdAscRowKeyAsc(id))
                .extracting(
                        JobStatusHistory::state,
                        JobStatusHistory::attempt,
                        JobStatusHistory::id,
                        JobStatusHistory::source)
                .containsExactly(
                        tuple("queued", 0, null, "queue"),
                        tuple("claimed", 1, null, "queue"),
                        tuple("succeeded", 1, null, "queue"));
        assertThat(history.findByJobIdOrderByObservedAtAscOrdAscRowKeyAsc(id))
                .allSatisfy(h -> assertThat(h.observedAt()).isEqualTo(now));
    }

    @Test
    void onlyTheFirstClaimIsReadFromTheJobRowAndEveryLaterChangeIsStored() {
        long id = insert(Priority.NORMAL);
        ClaimedJob first = claim(1).getFirst();
        // The second claim comes at the same moment as the first (the test clock does not move):
        // its stored row must not hide the first claim's.
        assertThat(jobs.requeue(first.fence(), now, "upstream answered 503", now))
                .isTrue();
        ClaimedJob second = claim(1).getFirst();
        assertThat(second.attempt()).isEqualTo(2);
        assertThat(jobs.markSucceeded(second.fence(), "{}", now, now.plusSeconds(1)))
                .isTrue();

        assertThat(stored(id)).as("the requeue and the second claim").isEqualTo(2);
        List<JobStatusHistory> rows = history.findByJobIdOrderByObservedAtAscOrdAscRowKeyAsc(id);
        assertThat(rows)
                .extracting(JobStatusHistory::state, JobStatusHistory::attempt, h -> h.id() != null)
                .containsExactly(
                        tuple("queued", 0, false),
                        tuple("claimed", 1, false),
                        tuple("queued", 1, true),
                        tuple("claimed", 2, true),
                        tuple("succeeded", 2, false));
        assertThat(rows.get(2).detail()).isEqualTo("upstream answered 503");
        assertThat(rows.getLast().observedAt()).isEqualTo(now.plusSeconds(1));
    }

    @Test
    void rowsStoredBeforeTheJobRowHeldThemAreShownOnce() {
        long id = insert(Priority.NORMAL);
        ClaimedJob claimed = claim(1).getFirst();
        assertThat(jobs.markSucceeded(claimed.fence(), "{}", now, now.plusSeconds(1)))
                .isTrue();
        // What an instance of an earlier version wrote for the same three changes.
        jdbc.sql("""
                INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
                VALUES (:id, :now, 'queue', 'queued', 0), (:id, :now, 'queue', 'claimed', 1),
                       (:id, :done, 'queue', 'succeeded', 1)
                """)
                .param("id", id)
                .param("now", JobSql.ts(now))
                .param("done", JobSql.ts(now.plusSeconds(1)))
                .update();

        assertThat(history.findByJobIdOrderByObservedAtAscOrdAscRowKeyAsc(id))
                .extracting(JobStatusHistory::state, h -> h.id() != null)
                .containsExactly(tuple("queued", true), tuple("claimed", true), tuple("succeeded", true));
    }

    private long stored(long jobId) {
        return jdbc.sql("SELECT count(*) FROM job_status_history WHERE job_id = ?")
                .param(jobId)
                .query(Long.class)
                .single();
    }
}
