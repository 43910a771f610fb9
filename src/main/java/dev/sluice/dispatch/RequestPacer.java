package dev.sluice.dispatch;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Gives each send its moment: a requests-per-minute limit, this instance's share of it, as a
 * Resilience4j rate limiter from which every job reserves one permit just before it is sent.
 *
 * <p>Why at the send and not at the claim: whatever stands between a permit and the POST (making
 * a Tinker session, a slow commit, a GC pause, a rescued job) would otherwise let jobs permitted
 * over several seconds go out in one. Here a permit is good only at its moment: a sender that wakes
 * more than {@link #LATE} after it (the JVM paused, the database stalled before the send) takes a
 * fresh one instead. So the sends in any 1-second window hold the permits of at most 1 s + 50 ms,
 * plus what one refresh period holds.
 *
 * <p>A per-minute limit is spread evenly: each refresh period holds at most a twentieth of a
 * second's worth of permits (at least one), so 600 per minute is one job per 100 ms, never a
 * burst of 600; unused permits do not pile up beyond one period. When the share changes (an
 * instance joined or left) the limiter is rebuilt, and the new one hands out nothing before the
 * last moment the old one gave, so the two never overlap.
 */
final class RequestPacer {

    /** A period holds at most this much time's worth of permits: the largest burst. */
    private static final long BURST_NANOS = Duration.ofMillis(50).toNanos();

    /** A sender this late for its permit's moment takes a fresh permit instead of sending. */
    static final long LATE = Duration.ofMillis(50).toNanos();

    private static final Duration FENCED_WAIT = Duration.ofMillis(50);

    private final String name;
    private final long perMinute;
    private final Duration horizon;
    private final RateLimiterRegistry registry;
    private volatile RateLimiter limiter;
    private volatile int share;
    /** The latest moment handed out, so a rebuilt limiter starts after it. */
    private final AtomicLong lastSlot = new AtomicLong(System.nanoTime());
    /** Nothing is handed out before this (a rebuilt limiter, or an instance that just joined). */
    private volatile long notBefore = System.nanoTime();
    /**
     * Nothing is handed out after this: when this instance's heartbeat is so late that the others
     * may have counted it out and taken its share, it must not send on its own.
     */
    private volatile long notAfter = Long.MAX_VALUE;

    /**
     * @param horizon how far ahead a permit may be reserved; a job that would wait longer is
     *     handed back
     */
    RequestPacer(String name, long perMinute, Duration horizon, RateLimiterRegistry registry) {
        if (perMinute <= 0) {
            throw new IllegalArgumentException("a pacer needs a positive limit, was " + perMinute);
        }
        this.name = name;
        this.perMinute = perMinute;
        this.horizon = horizon;
        this.registry = registry;
        shareBetween(1);
    }

    static RateLimiterConfig config(long perMinute, Duration timeout) {
        long minute = Duration.ofMinutes(1).toNanos();
        // permits per period p and period T with p / T = perMinute / minute, p <= rate / 20 s.
        long permits = Math.max(1, perMinute * BURST_NANOS / minute);
        long period = Math.ceilDiv(minute * permits, perMinute);
        return RateLimiterConfig.custom()
                .limitForPeriod((int) Math.min(permits, Integer.MAX_VALUE))
                .limitRefreshPeriod(Duration.ofNanos(period))
                .timeoutDuration(timeout)
                .build();
    }

    /** This instance's share: 1/{@code instances} of the limit, rounded down, at least 1 a minute. */
    synchronized void shareBetween(int instances) {
        int n = Math.max(1, instances);
        if (n == share) {
            return;
        }
        share = n;
        notBefore = Math.max(notBefore, lastSlot.get());
        registry.remove(name);
        limiter = registry.rateLimiter(name, config(Math.max(1, perMinute / n), horizon));
    }

    /** Hands out nothing before {@code nanos} ({@link System#nanoTime()}): a joining instance waits for the others to make room. */
    synchronized void holdUntil(long nanos) {
        notBefore = Math.max(notBefore, nanos);
    }

    /** Hands out nothing after {@code nanos} until it is moved on. */
    void sendUntil(long nanos) {
        notAfter = nanos;
    }

    int share() {
        return share;
    }

    long perMinute() {
        return perMinute;
    }

    /** This instance's rate, per second. */
    double perSecondHere() {
        return Math.max(1, perMinute / share) / 60.0;
    }

    /** The latest moment handed out so far. */
    long lastSlot() {
        return lastSlot.get();
    }

    int available() {
        return limiter.getMetrics().getAvailablePermissions();
    }

    /**
     * Waits for this job's moment and returns it ({@link System#nanoTime()}), or -1 when no permit
     * can be had within the horizon. A sender that wakes late takes a fresh permit.
     */
    long awaitSlot() throws InterruptedException {
        while (true) {
            long hold = notBefore - System.nanoTime();
            if (hold > 0) {
                Thread.sleep(Duration.ofNanos(hold));
            }
            if (System.nanoTime() > notAfter) {
                // Counted out by the others, perhaps: wait for this instance's next heartbeat.
                Thread.sleep(FENCED_WAIT);
                continue;
            }
            RateLimiter current = limiter;
            long wait = current.reservePermission(1);
            if (wait < 0) {
                return -1;
            }
            long slot = System.nanoTime() + wait;
            lastSlot.accumulateAndGet(slot, Math::max);
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            if (!isLate(slot) && slot <= notAfter) {
                return slot;
            }
        }
    }

    /** Whether sending now would be more than {@link #LATE} after {@code slot}. */
    static boolean isLate(long slot) {
        return System.nanoTime() - slot > LATE;
    }

    /** Spends what is left of this period (after the upstream said "too many"). */
    void drain() {
        limiter.drainPermissions();
    }
}
