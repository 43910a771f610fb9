package dev.sluice.dispatch;

import dev.sluice.job.JobsEnqueued;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Wakes an idle claimer when there may be work for it: jobs enqueued on this instance, or an
 * in-flight slot freed. A wake-up that finds nothing costs one cheap probe; a missed one costs at
 * most the idle wait, since claimers also look on their own.
 */
@Component
class ClaimSignals {

    private final ConcurrentHashMap<String, Semaphore> signals = new ConcurrentHashMap<>();

    private Semaphore signal(String upstream) {
        return signals.computeIfAbsent(upstream, u -> new Semaphore(0));
    }

    void wake(String upstream) {
        Semaphore s = signal(upstream);
        // At most one pending wake-up: many wakes while the claimer works make one more pass.
        if (s.availablePermits() == 0) {
            s.release();
        }
    }

    /** Wakes every claimer (e.g. after announcements may have been missed). */
    void wakeAll() {
        signals.keySet().forEach(this::wake);
    }

    @EventListener
    void onEnqueued(JobsEnqueued event) {
        event.upstreams().forEach(this::wake);
    }

    /** Waits for a wake-up or for {@code timeout}; true when woken. */
    boolean await(String upstream, Duration timeout) throws InterruptedException {
        Semaphore s = signal(upstream);
        boolean woken = s.tryAcquire(timeout.toNanos(), TimeUnit.NANOSECONDS);
        s.drainPermits();
        return woken;
    }
}
