package dev.sluice.runtime;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * The one way to wake a {@link Loop} early. At most one wake-up is pending: many wakes while the
 * loop works make one more pass, not many. A wake-up that finds nothing costs one cheap pass; a
 * missed one costs at most the wait the last pass asked for.
 */
public final class Wakeup {

    private final Semaphore signal = new Semaphore(0);

    public void wake() {
        if (signal.availablePermits() == 0) {
            signal.release();
        }
    }

    /** Waits for a wake-up or for {@code timeout}; true when woken. */
    boolean await(Duration timeout) throws InterruptedException {
        boolean woken = signal.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        signal.drainPermits();
        return woken;
    }
}
