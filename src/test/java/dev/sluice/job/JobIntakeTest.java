package dev.sluice.job;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Intake ({@link JobIntake}): a job enters the queue with its first history row, an idempotency key
 * makes one job however often it is sent, and a batch's COPY puts every job in with its history.
 */
@QuietSluiceTest
class JobIntakeTest extends JobSqlTest {

    @org.springframework.beans.factory.annotation.Autowired
    TransactionTemplate tx;

    @Test
    void anInsertedJobIsQueuedWithItsFirstHistoryRow() {
        long id = jobs.insert(Fixtures.job("noop", Priority.HIGH, 7), now).orElseThrow();

        Job row = jobs.findById(id).orElseThrow();
        assertThat(row.state()).isEqualTo(JobState.QUEUED);
        assertThat(row.priority()).isEqualTo(Priority.HIGH);
        assertThat(row.attempts()).isZero();
        assertThat(row.createdAt()).isEqualTo(now);
        List<Map<String, Object>> history = Fixtures.history(jdbc, id);
        assertThat(history).singleElement().satisfies(h -> {
            assertThat(h.get("state")).isEqualTo("queued");
            assertThat(h.get("source")).isEqualTo("queue");
            assertThat(h.get("attempt")).isEqualTo(0);
        });
    }

    @Test
    void aTakenIdempotencyKeyMakesNoSecondJobAndNoSecondHistoryRow() {
        NewJob keyed = new NewJob("noop", "/v1/test", "{}", 1, Priority.NORMAL, null, "key-1", 3, null);

        OptionalLong first = jobs.insert(keyed, now);
        OptionalLong again = jobs.insert(keyed, now.plusSeconds(1));

        assertThat(first).isPresent();
        assertThat(again).as("the key is taken").isEmpty();
        assertThat(jobs.findByProjectIdAndIdempotencyKey(Owner.SLUICE.projectId(), "key-1")
                        .orElseThrow()
                        .id())
                .isEqualTo(first.getAsLong());
        assertThat(jdbc.sql("SELECT count(*) FROM job").query(Long.class).single())
                .isEqualTo(1);
        assertThat(jdbc.sql("SELECT count(*) FROM job_history")
                        .query(Long.class)
                        .single())
                .isEqualTo(1);
    }

    @Test
    void aBatchCopiedInIsQueuedWholeEachJobWithItsHistoryRow() {
        long batchId = 41;
        jdbc.sql("INSERT INTO batch (id, created_at) VALUES (?, ?)")
                .params(batchId, java.sql.Timestamp.from(now))
                .update();
        JobCopyEncoder encoder = new JobCopyEncoder(batchId, Owner.SLUICE, now);
        ByteArrayOutputStream rows = new ByteArrayOutputStream();
        for (int i = 0; i < 3; i++) {
            encoder.write(
                    new NewJob(
                            "noop",
                            "/v1/test",
                            "{\"n\":" + i + ",\"tab\":\"a\\tb\"}",
                            1,
                            Priority.LOW,
                            null,
                            null,
                            3,
                            "line-" + i),
                    rows);
        }

        long first = jobs.reserveTurns(Owner.SLUICE, "noop", Priority.LOW, 3, now);
        Long copied = tx.execute(s -> jobs.copyIn(
                batchId,
                JobCopyEncoder.stamp(
                        new ByteArrayInputStream(rows.toByteArray()), new long[] {first}, Owner.SLUICE.stride())));

        assertThat(copied).isEqualTo(3);
        assertThat(jobs.countInBatch(batchId)).isEqualTo(3);
        assertThat(jdbc.sql("SELECT custom_id FROM job WHERE batch_id = ? ORDER BY id")
                        .param(batchId)
                        .query(String.class)
                        .list())
                .containsExactly("line-0", "line-1", "line-2");
        assertThat(jdbc.sql("SELECT fair_tag FROM job WHERE batch_id = ? ORDER BY id")
                        .param(batchId)
                        .query(Long.class)
                        .list())
                .as("each line takes the next of the turns reserved for its lane")
                .containsExactly(first, first + Owner.SLUICE.stride(), first + 2 * Owner.SLUICE.stride());
        assertThat(jdbc.sql("SELECT payload->>'tab' FROM job WHERE custom_id = 'line-1'")
                        .query(String.class)
                        .single())
                .as("a tab in the payload survives COPY's text format")
                .isEqualTo("a\tb");
        assertThat(jdbc.sql("""
                        SELECT count(*) FROM job_history h JOIN job j ON j.id = h.job_id
                        WHERE j.batch_id = ? AND h.state = 'queued'""").param(batchId).query(Long.class).single()).isEqualTo(3);
    }
}
