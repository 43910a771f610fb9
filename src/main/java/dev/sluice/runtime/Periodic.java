package dev.sluice.runtime;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Background upkeep run every {@code every} on a daemon thread of its own, started and stopped
 * with the application in {@code phase}; a failed pass is logged and the next one runs as planned
 * (e.g. while the database is away). Subclasses give the pass.
 */
public abstract class Periodic implements SmartLifecycle, BackgroundWork {

    private static final Logger log = LoggerFactory.getLogger(Periodic.class);

    private final String name;
    private final Duration every;
    private final int phase;
    private ScheduledExecutorService timer;
    private volatile Throwable death;

    protected Periodic(String name, Duration every, int phase) {
        this.name = name;
        this.every = every;
        this.phase = phase;
    }

    /** One pass of the upkeep. */
    protected abstract void pass();

    @Override
    public synchronized void start() {
        timer = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name(name).daemon().factory());
        long ms = every.toMillis();
        timer.scheduleWithFixedDelay(this::passQuietly, ms, ms, TimeUnit.MILLISECONDS);
    }

    private void passQuietly() {
        try {
            pass();
        } catch (RuntimeException e) {
            log.warn("{} failed; trying again in {}", name, every, e);
        } catch (Throwable e) {
            // An Error: out of memory halts the JVM; anything else ends the upkeep (the executor
            // runs no more passes after a throw), and health says so.
            FatalErrors.haltIfFatal(e);
            death = e;
            log.error("{} died; /actuator/health is DOWN until the instance is restarted", name, e);
            throw e;
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Throwable death() {
        return death;
    }

    @Override
    public synchronized void stop() {
        if (timer != null) {
            timer.shutdownNow();
            try {
                // A pass under way finishes its statement before the pool closes under it.
                if (!timer.awaitTermination(5, TimeUnit.SECONDS)) {
                    log.warn("{} still running 5 s after stop", name);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            timer = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    @Override
    public int getPhase() {
        return phase;
    }
}
