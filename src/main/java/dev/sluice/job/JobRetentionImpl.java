package dev.sluice.job;

import java.time.Instant;
import org.springframework.jdbc.core.simple.JdbcClient;

/** The statement of {@link JobRetention}. */
class JobRetentionImpl implements JobRetention {

    private final JdbcClient jdbc;

    JobRetentionImpl(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    @Override
    public int deleteFinishedBefore(Instant cutoff, int limit) {
        // job_finished_brin finds the candidate pages; the state check keeps it to final rows.
        // Locks the rows it deletes; a job at work is never final, so nothing the queue holds.
        return jdbc.sql("""
                DELETE FROM job WHERE id IN (
                    SELECT id FROM job
                    WHERE finished_at < :cutoff AND state IN ('succeeded', 'failed', 'cancelled')
                    LIMIT :n)""")
                .param("cutoff", JobSql.ts(cutoff))
                .param("n", limit)
                .update();
    }
}
