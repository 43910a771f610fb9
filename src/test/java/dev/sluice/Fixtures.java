package dev.sluice;

import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import org.springframework.dao.PessimisticLockingFailureException;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The one place tests make jobs and clean the database. */
public final class Fixtures {

    private Fixtures() {}

    /**
     * Empties the queue's tables. A running instance's background passes (rescue, lease renewal,
     * outcomes) may be mid-statement: the tables are locked in the order the application takes
     * them (batch, job, history), so TRUNCATE waits for them instead of deadlocking, and a deadlock
     * with some other order (a reader) is retried.
     */
    public static void truncate(JdbcClient jdbc) {
        for (int attempt = 1; ; attempt++) {
            try {
                jdbc.sql("""
                                DO $$ BEGIN
                                  LOCK TABLE batch, job, job_status_history IN ACCESS EXCLUSIVE MODE;
                                  TRUNCATE job_status_history, job, batch, fair_lane RESTART IDENTITY CASCADE;
                                END $$""").update();
                return;
            } catch (PessimisticLockingFailureException e) {
                if (attempt == 5) {
                    throw e;
                }
            }
        }
    }

    /** A job's history rows (job_history: the stored ones and those its job row holds), oldest first, as column maps. */
    public static java.util.List<java.util.Map<String, Object>> history(JdbcClient jdbc, long jobId) {
        return jdbc.sql("SELECT * FROM job_history WHERE job_id = ? ORDER BY observed_at, ord, row_key")
                .param(jobId)
                .query()
                .listOfRows();
    }

    public static NewJob job(Priority priority) {
        return job("noop", priority, 1);
    }

    public static NewJob job(String upstream, Priority priority, int tokenCount) {
        return new NewJob(upstream, "/v1/test", "{\"prompt\":\"hello\"}", tokenCount, priority, null, null, 3, null);
    }

    public static String jobJson(String priority, int tokenCount) {
        return """
                {"endpoint":"/v1/test","payload":{"prompt":"hi"},"token_count":%d,"priority":"%s"}""".formatted(tokenCount, priority);
    }
}
