package dev.sluice.job;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** What the job statements share: how a time is bound, and how a fenced-out write is told. */
final class JobSql {

    private static final Logger log = LoggerFactory.getLogger(JobSql.class);

    private JobSql() {}

    /** timestamptz parameters go as OffsetDateTime, which pgjdbc binds without a zone guess. */
    static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    /**
     * Whether a write fenced by (job, lease owner, attempt) moved its row; logs the one that did not
     * (the job was cancelled, rescued or re-claimed meanwhile, and the write changed nothing).
     */
    static boolean fenced(Fence fence, String what, int written) {
        if (written == 0) {
            log.info(
                    "job {}: {} fenced out (lease owner {} attempt {} no longer holds it)",
                    fence.jobId(),
                    what,
                    fence.leaseOwner(),
                    fence.attempt());
        }
        return written == 1;
    }
}
