package dev.sluice.runtime;

import java.time.Duration;
import java.util.function.IntSupplier;
import org.springframework.context.SmartLifecycle;

/**
 * A background component's {@link Loop} started and stopped with the application, where it is
 * enabled (the dispatching components run only where {@code sluice.dispatch.enabled} is true). On
 * stop it ends the loop, then gives the work the component already started up to the shutdown
 * grace to finish.
 */
public abstract class LoopLifecycle implements SmartLifecycle, BackgroundWork {

    private final boolean enabled;
    private final Duration shutdownGrace;
    private final Loop loop;

    protected LoopLifecycle(String name, IntSupplier pass, Duration idleWait, boolean enabled, Duration shutdownGrace) {
        this.enabled = enabled;
        this.shutdownGrace = shutdownGrace;
        this.loop = new Loop(name, pass, idleWait);
    }

    /** Waits up to {@code grace} for the work already started; false when some is left. */
    protected abstract boolean finishStartedWork(Duration grace) throws InterruptedException;

    @Override
    public void start() {
        if (enabled) {
            loop.start();
        }
    }

    @Override
    public void stop() {
        loop.stop(shutdownGrace);
        try {
            finishStartedWork(shutdownGrace);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }

    @Override
    public String name() {
        return loop.name();
    }

    @Override
    public Throwable death() {
        return loop.death();
    }
}
