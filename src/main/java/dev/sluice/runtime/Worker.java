package dev.sluice.runtime;

import java.time.Duration;
import org.springframework.context.SmartLifecycle;

/**
 * One daemon thread of its own, started and stopped with the application: {@link #work()} runs
 * on it and returns once {@link #running()} turns false (checking at least every {@code
 * stopWithin}); stop waits that long for it. Subclasses give the work.
 */
public abstract class Worker implements SmartLifecycle, BackgroundWork {

    private final String name;
    private final Duration stopWithin;
    private volatile boolean running;
    private volatile Throwable death;
    private Thread thread;

    protected Worker(String name, Duration stopWithin) {
        this.name = name;
        this.stopWithin = stopWithin;
    }

    /** The thread's work, until {@link #running()} is false. */
    protected abstract void work();

    /** Whether to start at all (e.g. only where this instance dispatches). */
    protected boolean enabled() {
        return true;
    }

    protected final boolean running() {
        return running;
    }

    @Override
    public synchronized void start() {
        if (!enabled()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name(name).daemon().start(() -> {
            try {
                work();
            } catch (Throwable e) {
                FatalErrors.haltIfFatal(e);
                death = e;
                org.slf4j.LoggerFactory.getLogger(Worker.class)
                        .error("{} died; /actuator/health is DOWN until the instance is restarted", name, e);
            } finally {
                running = false; // ended early (interrupted, or failed): say so, callers fall back
            }
        });
    }

    @Override
    public synchronized void stop() {
        running = false;
        if (thread != null) {
            try {
                thread.join(stopWithin.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Throwable death() {
        return death;
    }
}
