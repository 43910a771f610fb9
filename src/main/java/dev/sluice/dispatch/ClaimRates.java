package dev.sluice.dispatch;

import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Jobs this instance claimed per upstream over the last 30 seconds, in one-second buckets: the
 * observed drain rate, for ETAs when an upstream has no configured limit.
 */
@Component
class ClaimRates {

    private static final int SECONDS = 30;

    private static final class Window {
        final long[] counts = new long[SECONDS];
        final long[] stamps = new long[SECONDS];
    }

    private final ConcurrentHashMap<String, Window> windows = new ConcurrentHashMap<>();

    void record(String upstream, int claimed, long epochSecond) {
        Window w = windows.computeIfAbsent(upstream, u -> new Window());
        synchronized (w) {
            int slot = (int) (epochSecond % SECONDS);
            if (w.stamps[slot] != epochSecond) {
                w.stamps[slot] = epochSecond;
                w.counts[slot] = 0;
            }
            w.counts[slot] += claimed;
        }
    }

    /** Claims per second over the last 30 whole seconds; 0 when none. */
    double perSecond(String upstream, long epochSecond) {
        Window w = windows.get(upstream);
        if (w == null) {
            return 0;
        }
        long sum = 0;
        synchronized (w) {
            for (int i = 0; i < SECONDS; i++) {
                if (w.stamps[i] < epochSecond && w.stamps[i] >= epochSecond - SECONDS) {
                    sum += w.counts[i];
                }
            }
        }
        return sum / (double) SECONDS;
    }
}
