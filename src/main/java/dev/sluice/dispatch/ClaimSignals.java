package dev.sluice.dispatch;

import dev.sluice.job.JobsEnqueued;
import dev.sluice.runtime.Wakeup;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Wakes an upstream's idle claim loop when there may be work for it: jobs enqueued on this
 * instance or announced by another, or an in-flight slot freed.
 */
@Component
class ClaimSignals {

    private final ConcurrentHashMap<String, Wakeup> wakeups = new ConcurrentHashMap<>();

    /** The wake-up of {@code upstream}'s claim loop. */
    Wakeup wakeup(String upstream) {
        return wakeups.computeIfAbsent(upstream, u -> new Wakeup());
    }

    void wake(String upstream) {
        wakeup(upstream).wake();
    }

    /** Wakes every claimer (e.g. after announcements may have been missed). */
    void wakeAll() {
        wakeups.values().forEach(Wakeup::wake);
    }

    @EventListener
    void onEnqueued(JobsEnqueued event) {
        event.upstreams().forEach(this::wake);
    }
}
