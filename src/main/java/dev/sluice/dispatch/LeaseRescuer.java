package dev.sluice.dispatch;

import dev.sluice.job.JobRepository;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;

/**
 * Returns to the queue the jobs whose claim lease expired: their instance died, hung, or lost the
 * database while sending. Any instance may rescue any other's jobs; the fence on every outcome write
 * keeps a late worker from overwriting what happened since.
 */
@Component
public class LeaseRescuer {

    private static final Logger log = LoggerFactory.getLogger(LeaseRescuer.class);
    private static final int BATCH = 1000;

    private final JobRepository jobs;
    private final DispatchProperties properties;
    private final Clock clock;

    LeaseRescuer(JobRepository jobs, DispatchProperties properties, Clock clock) {
        this.jobs = jobs;
        this.properties = properties;
        this.clock = clock;
    }

    /** Rescues every expired claim, a thousand per statement; returns how many. */
    public int runOnce() {
        int total = 0;
        int moved;
        do {
            moved = jobs.rescueExpiredClaims(clock.instant(), BATCH);
            total += moved;
        } while (moved == BATCH);
        if (total > 0) {
            log.warn("rescued {} job(s) whose claim lease expired", total);
        }
        return total;
    }

    @Scheduled(
            fixedDelayString = "${sluice.dispatch.rescue-interval:10s}",
            initialDelayString = "${sluice.dispatch.rescue-interval:10s}")
    void scheduled() {
        if (!properties.enabled()) {
            return;
        }
        try {
            runOnce();
        } catch (RuntimeException e) {
            log.warn("lease rescue failed; trying again next interval", e);
        }
    }
}
