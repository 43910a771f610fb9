package dev.sluice.dispatch;

import dev.sluice.runtime.BackgroundWork;
import dev.sluice.runtime.FatalErrors;
import dev.sluice.upstream.Upstreams;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/**
 * The thin scheduler around {@link JobClaimer#runOnce}: one thread per upstream, so a full or
 * rate-limited upstream never holds back another's jobs. It runs passes back to back while they
 * find work, and otherwise waits as the pass says or until woken.
 */
@Component
class ClaimLoops implements SmartLifecycle, BackgroundWork {

    private static final Logger log = LoggerFactory.getLogger(ClaimLoops.class);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private final JobClaimer claimer;
    private final JobDispatcher dispatcher;
    private final ClaimSignals signals;
    private final Upstreams upstreams;
    private final DispatchProperties properties;
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running;
    private volatile Throwable death;

    ClaimLoops(
            JobClaimer claimer,
            JobDispatcher dispatcher,
            ClaimSignals signals,
            Upstreams upstreams,
            DispatchProperties properties) {
        this.claimer = claimer;
        this.dispatcher = dispatcher;
        this.signals = signals;
        this.upstreams = upstreams;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!properties.enabled()) {
            log.info("sluice.dispatch.enabled=false: this instance claims no jobs");
            return;
        }
        running = true;
        for (String upstream : upstreams.names()) {
            threads.add(Thread.ofPlatform()
                    .name("sluice-claimer-" + upstream)
                    .daemon()
                    .start(() -> loop(upstream)));
        }
    }

    private void loop(String upstream) {
        try {
            claimUntilStopped(upstream);
        } catch (Throwable e) {
            FatalErrors.haltIfFatal(e);
            death = e;
            log.error("claimer for {} died; /actuator/health is DOWN until the instance is restarted", upstream, e);
        }
    }

    private void claimUntilStopped(String upstream) {
        while (running) {
            try {
                JobClaimer.Pass pass = claimer.runOnce(upstream);
                if (pass.claimed() == 0) {
                    signals.await(upstream, pass.waitBeforeNext());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                // The loop boundary: log, pause, carry on (e.g. while the database is away).
                log.warn("claimer for {} failed; retrying in {}", upstream, ERROR_PAUSE, e);
                try {
                    Thread.sleep(ERROR_PAUSE);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        threads.forEach(Thread::interrupt);
        for (Thread t : threads) {
            try {
                t.join(properties.shutdownGrace().toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        threads.clear();
        try {
            if (!dispatcher.shutdown(properties.shutdownGrace())) {
                log.warn(
                        "jobs still being sent after {}: their leases will expire and be rescued",
                        properties.shutdownGrace());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public String name() {
        return "claimers";
    }

    @Override
    public Throwable death() {
        return death;
    }
}
