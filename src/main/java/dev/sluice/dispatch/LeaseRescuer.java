package dev.sluice.dispatch;

import dev.sluice.job.JobRepository;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Returns to the queue the jobs whose claim lease expired (their instance died, hung, or lost the
 * database for most of a lease while sending; a live instance renews its leases through the
 * {@link LeaseKeeper}), and at once those of an instance whose heartbeat is older than
 * {@code sluice.nodes.dead-after}. Any instance may rescue any other's jobs; the fence on every outcome write
 * keeps a late worker from overwriting what happened since. It looks every {@code
 * sluice.dispatch.rescue-interval}, where {@code sluice.dispatch.enabled} is true.
 */
@Component
class LeaseRescuer implements Background {

    private static final Logger log = LoggerFactory.getLogger(LeaseRescuer.class);
    private static final int BATCH = 1000;

    private final JobRepository jobs;
    private final DispatchProperties properties;
    private final NodeIdentity node;
    private final Clock clock;
    private final Loop loop;

    LeaseRescuer(JobRepository jobs, DispatchProperties properties, NodeIdentity node, Clock clock) {
        this.jobs = jobs;
        this.properties = properties;
        this.node = node;
        this.clock = clock;
        this.loop = new Loop("sluice-lease-rescuer", this::runOnce).firstPassAfter(properties.rescueInterval());
    }

    /**
     * Rescues every expired claim, and every claim of an instance that stopped heartbeating, a
     * thousand per statement; says how many.
     */
    public Pass runOnce() {
        int total = 0;
        int moved;
        do {
            Instant now = clock.instant();
            moved = jobs.rescueExpiredClaims(now, node.deadBefore(now), BATCH);
            total += moved;
        } while (moved == BATCH);
        if (total > 0) {
            log.warn("rescued {} job(s) whose claim lease expired or whose instance died", total);
        }
        return Pass.after(total, properties.rescueInterval());
    }

    @Override
    public List<Loop> loops() {
        return properties.onlyWhereEnabled(loop);
    }
}
