package dev.sluice.dispatch;

import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.upstream.Upstreams;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Runs {@link JobClaimer#runOnce} on a loop per upstream, so that a full or rate-limited upstream
 * never holds back another's jobs; {@link ClaimSignals} wakes an upstream's loop when there may be
 * work. On stop, the jobs already claimed are given the shutdown grace to be sent.
 */
@Component
class ClaimLoops implements Background {

    private static final Logger log = LoggerFactory.getLogger(ClaimLoops.class);

    private final List<Loop> loops;
    private final JobDispatcher dispatcher;
    private final DispatchProperties properties;

    ClaimLoops(
            JobClaimer claimer,
            JobDispatcher dispatcher,
            ClaimSignals signals,
            Upstreams upstreams,
            DispatchProperties properties) {
        this.dispatcher = dispatcher;
        this.properties = properties;
        if (!properties.enabled()) {
            log.info("sluice.dispatch.enabled=false: this instance claims no jobs");
        }
        this.loops = !properties.enabled()
                ? List.of()
                : upstreams.names().stream()
                        .map(u -> new Loop("sluice-claimer-" + u, () -> claimer.runOnce(u), signals.wakeup(u)))
                        .toList();
    }

    @Override
    public List<Loop> loops() {
        return loops;
    }

    @Override
    public boolean finish(Duration grace) throws InterruptedException {
        return dispatcher.shutdown(grace);
    }

    @Override
    public Duration shutdownGrace() {
        return properties.shutdownGrace();
    }
}
