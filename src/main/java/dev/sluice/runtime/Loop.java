package dev.sluice.runtime;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one scheduler of background work: a platform thread that runs a component's {@code
 * runOnce()} and then waits as the {@link Pass} asks, or until its {@link Wakeup} is woken.
 * {@link Loops} starts and stops every loop of the application.
 *
 * <p>The error policy, the same for every loop: a pass that throws is logged and the loop waits
 * before the next, doubling from 1 s with jitter for each failure in a row, up to 30 s but never
 * longer than the last wait its pass asked for (a heartbeat every 2 s retries within 2 s); it
 * carries on (e.g. while the database is away). An {@link Error} ends the loop: out of memory
 * halts the JVM ({@link FatalErrors}), anything else leaves {@code /actuator/health} DOWN.
 */
public final class Loop {

    private static final Logger log = LoggerFactory.getLogger(Loop.class);
    private static final Backoff ERROR_BACKOFF = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
    private static final Duration SHORTEST_ERROR_PAUSE = Duration.ofSeconds(1);

    private final String name;
    private final Supplier<Pass> pass;
    private final Wakeup wakeup;
    private Duration firstPassAfter = Duration.ZERO;
    private boolean firstPassOnStart;
    private int failures;
    private Duration asked = SHORTEST_ERROR_PAUSE;
    private volatile boolean running;
    private volatile Throwable death;
    private Thread thread;

    /** A loop running {@code pass}, woken early through {@code wakeup}. */
    public Loop(String name, Supplier<Pass> pass, Wakeup wakeup) {
        this.name = Objects.requireNonNull(name);
        this.pass = Objects.requireNonNull(pass);
        this.wakeup = Objects.requireNonNull(wakeup);
    }

    public Loop(String name, Supplier<Pass> pass) {
        this(name, pass, new Wakeup());
    }

    /** The first pass runs {@code delay} after start (default: at once, on the loop's thread). */
    public Loop firstPassAfter(Duration delay) {
        this.firstPassAfter = Objects.requireNonNull(delay);
        return this;
    }

    /**
     * The first pass runs on the thread that starts the loop, so that it is done before any loop
     * of a later {@link Stage} starts (a failure is handled as any other pass's).
     */
    public Loop firstPassOnStart() {
        this.firstPassOnStart = true;
        return this;
    }

    synchronized void start() {
        if (running || death != null) {
            return;
        }
        running = true;
        Duration first = firstPassAfter;
        if (firstPassOnStart) {
            try {
                first = runPass();
            } catch (Throwable e) {
                died(e);
                throw e;
            }
        }
        Duration wait = first;
        thread = Thread.ofPlatform().name(name).daemon().start(() -> run(wait));
    }

    private void run(Duration firstWait) {
        Duration wait = firstWait;
        try {
            while (running) {
                if (wait.isPositive()) {
                    wakeup.await(wait);
                }
                if (!running) {
                    return;
                }
                wait = runPass();
            }
        } catch (InterruptedException e) {
            // Interrupted by awaitStop after its grace: the loop ends here.
        } catch (Throwable e) {
            died(e);
        }
    }

    /** Runs one pass under the error policy; returns how long to wait before the next. */
    private Duration runPass() {
        try {
            Pass p = pass.get();
            failures = 0;
            asked = p.waitBeforeNext();
            return asked;
        } catch (RuntimeException e) {
            if (!running) {
                return Duration.ZERO; // failed because it is being stopped: end quietly
            }
            Duration pause = min(ERROR_BACKOFF.before(++failures), max(asked, SHORTEST_ERROR_PAUSE));
            log.warn("{} failed ({} in a row); trying again in {}", name, failures, pause, e);
            return pause;
        }
    }

    /** An Error ended the loop: out of memory halts the JVM; anything else leaves it DOWN. */
    private void died(Throwable e) {
        FatalErrors.haltIfFatal(e);
        death = e;
        running = false;
        log.error("{} died; /actuator/health is DOWN until the instance is restarted", name, e);
    }

    /** Runs the next pass now instead of at the end of its wait. */
    public void wake() {
        wakeup.wake();
    }

    /** Asks the loop to end after the pass under way, and wakes it if it waits. */
    void signalStop() {
        running = false;
        wakeup.wake();
    }

    /** Waits up to {@code grace} for the thread to end, then interrupts it; true if it ended in time. */
    synchronized boolean awaitStop(Duration grace) throws InterruptedException {
        if (thread == null) {
            return true;
        }
        thread.join(Math.max(1, grace.toMillis()));
        boolean ended = !thread.isAlive();
        if (!ended) {
            log.warn("{} still in a pass {} after stop; interrupting it", name, grace);
            thread.interrupt();
        }
        thread = null;
        return ended;
    }

    /** True from start until it is asked to stop or dies. */
    public boolean isRunning() {
        return running;
    }

    /** What ended the loop while it was meant to run; null while it runs or after a clean stop. */
    public Throwable death() {
        return death;
    }

    public String name() {
        return name;
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    private static Duration max(Duration a, Duration b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
