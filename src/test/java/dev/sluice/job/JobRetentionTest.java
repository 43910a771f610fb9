package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.QuietSluiceTest;
import org.junit.jupiter.api.Test;

/**
 * Retention ({@link JobRetention}): only jobs that finished before the cutoff go, at most the limit
 * per statement; a job still in the queue stays however old it is.
 */
@QuietSluiceTest
class JobRetentionTest extends JobSqlTest {

    @Test
    void deletesFinishedJobsPastTheCutoffALimitAtATimeAndKeepsTheRest() {
        long[] old = new long[3];
        for (int i = 0; i < old.length; i++) {
            old[i] = insert(Priority.NORMAL);
            jobs.cancel(old[i], now);
        }
        long oldButQueued = insert(Priority.NORMAL);
        long recent = insert(Priority.NORMAL);
        jobs.cancel(recent, now.plusSeconds(100));

        assertThat(jobs.deleteFinishedBefore(now.plusSeconds(50), 2)).isEqualTo(2);
        assertThat(jobs.deleteFinishedBefore(now.plusSeconds(50), 2)).isEqualTo(1);
        assertThat(jobs.deleteFinishedBefore(now.plusSeconds(50), 2)).isZero();

        for (long id : old) {
            assertThat(jobs.findById(id)).isEmpty();
        }
        assertThat(jobs.findById(oldButQueued)).isPresent();
        assertThat(jobs.findById(recent)).isPresent();
    }
}
