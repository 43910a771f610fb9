package dev.sluice.runtime;

import java.time.Duration;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The thin scheduler around a background component's {@code runOnce()}: one platform thread that
 * runs passes back to back while they find work, sleeps {@code idleWait} when a pass finds none,
 * and at its boundary logs a failure, pauses a second and carries on (e.g. while the database is
 * away).
 */
public final class Loop {

    private static final Logger log = LoggerFactory.getLogger(Loop.class);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private final String name;
    private final IntSupplier pass;
    private final Duration idleWait;
    private volatile boolean running;
    private volatile Throwable death;
    private Thread thread;

    /** {@code pass} returns how much work it found; 0 makes the loop wait {@code idleWait}. */
    public Loop(String name, IntSupplier pass, Duration idleWait) {
        this.name = name;
        this.pass = pass;
        this.idleWait = idleWait;
    }

    public synchronized void start() {
        running = true;
        thread = Thread.ofPlatform().name(name).daemon().start(this::run);
    }

    private void run() {
        try {
            while (running) {
                try {
                    if (pass.getAsInt() == 0) {
                        Thread.sleep(idleWait);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("{} failed; retrying in {}", name, ERROR_PAUSE, e);
                    try {
                        Thread.sleep(ERROR_PAUSE);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        } catch (Throwable e) {
            died(e);
        }
    }

    /** An Error ended the loop: out of memory halts the JVM; anything else leaves it DOWN. */
    private void died(Throwable e) {
        FatalErrors.haltIfFatal(e);
        death = e;
        log.error("{} died; /actuator/health is DOWN until the instance is restarted", name, e);
    }

    /** What ended the loop while it was meant to run; null while it runs. */
    public Throwable death() {
        return death;
    }

    public String name() {
        return name;
    }

    /** Stops the thread, waiting up to {@code grace} for the pass under way. */
    public synchronized void stop(Duration grace) {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(grace.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    public boolean isRunning() {
        return running;
    }
}
