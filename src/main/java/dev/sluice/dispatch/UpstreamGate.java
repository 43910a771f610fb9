package dev.sluice.dispatch;

import dev.sluice.upstream.UpstreamException;
import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterConfig;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import io.github.resilience4j.ratelimiter.internal.AtomicRateLimiter;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What may be sent to one upstream now: a request limiter (one permit per job), a token limiter
 * ({@code token_count} permits per job) and an in-flight cap. A limit of 0 means none.
 *
 * <p>A per-minute limit is spread evenly: each refresh period holds at most a twentieth of a
 * second's worth of permits (at least one), so 600 per minute is one job per 100 ms, never a
 * burst of 600, and any 1-second window holds at most the rate plus about 5% (one period's
 * permits). Measured on 2026-11-23 (2 cores): at 1,500/min the emulator saw 33 requests in its
 * busiest second with 3 permits per 120 ms, 28 with 2 per 80 ms, against 25 configured; hence
 * the finer periods. Unused
 * permits do not pile up beyond one period.
 */
public final class UpstreamGate {

    /** A period holds at most this much time's worth of permits: the largest burst. */
    private static final long BURST_NANOS = Duration.ofMillis(50).toNanos();

    private final String upstream;
    private final long requestsPerMinute;
    private final long tokensPerMinute;
    private final int maxInFlight;
    private final RateLimiterRegistry registry;
    private final Duration maxTokenWait;
    private volatile RateLimiter requests;
    private volatile RateLimiter tokens;
    private volatile int share = 1;
    private final Semaphore inFlight;
    private final AtomicLong pausedUntilNanos = new AtomicLong(System.nanoTime());
    /** Jobs this instance is sending to the upstream now (taken slots not yet given back). */
    private final AtomicInteger sending = new AtomicInteger();
    /** At most this many in flight, by what the upstream last said of its budget. */
    private volatile int budgetCap = Integer.MAX_VALUE;

    UpstreamGate(
            String upstream,
            long requestsPerMinute,
            long tokensPerMinute,
            int maxInFlight,
            Duration maxTokenWait,
            RateLimiterRegistry registry) {
        this.upstream = upstream;
        this.requestsPerMinute = requestsPerMinute;
        this.tokensPerMinute = tokensPerMinute;
        this.maxInFlight = maxInFlight;
        // The claimer never blocks on the request limiter: it takes what is there, else it waits
        // for the next refresh itself. Token permits are reserved, and waited for, per job.
        this.registry = registry;
        this.maxTokenWait = maxTokenWait;
        this.inFlight = maxInFlight == 0 ? null : new Semaphore(maxInFlight);
        buildLimiters(1);
    }

    /**
     * This instance's share of the limits: 1/{@code liveInstances} of each, rounded down, so the
     * instances together never exceed the configured total. Limiters are rebuilt only on change.
     */
    synchronized void shareBetween(int liveInstances) {
        int n = Math.max(1, liveInstances);
        if (n != share) {
            buildLimiters(n);
        }
    }

    private void buildLimiters(int n) {
        share = n;
        this.requests = requestsPerMinute == 0
                ? null
                : limiter("sluice-" + upstream + "-requests", Math.max(1, requestsPerMinute / n), Duration.ZERO);
        this.tokens = tokensPerMinute == 0
                ? null
                : limiter("sluice-" + upstream + "-tokens", Math.max(1, tokensPerMinute / n), maxTokenWait);
    }

    private RateLimiter limiter(String name, long perMinute, Duration timeout) {
        registry.remove(name);
        return registry.rateLimiter(name, config(perMinute, timeout));
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

    String upstream() {
        return upstream;
    }

    long tokensPerMinute() {
        return tokensPerMinute;
    }

    /** Whether a job of {@code tokenCount} tokens is more than the tokens-per-minute limit: never sent. */
    boolean neverGrants(int tokenCount) {
        return tokensPerMinute > 0 && tokenCount > tokensPerMinute;
    }

    /** Takes up to {@code want} in-flight slots without waiting; returns how many it took. */
    int takeSlots(int want) {
        int cap = budgetCap;
        if (cap != Integer.MAX_VALUE) {
            want = Math.min(want, cap - sending.get());
            if (want <= 0) {
                return 0;
            }
        }
        if (inFlight == null) {
            sending.addAndGet(want);
            return want;
        }
        int taken = Math.min(want, inFlight.availablePermits());
        while (taken > 0 && !inFlight.tryAcquire(taken)) {
            taken = Math.min(taken - 1, inFlight.availablePermits());
        }
        taken = Math.max(taken, 0);
        sending.addAndGet(taken);
        return taken;
    }

    void releaseSlots(int n) {
        if (n <= 0) {
            return;
        }
        sending.addAndGet(-n);
        if (inFlight != null) {
            inFlight.release(n);
        }
    }

    /**
     * What the upstream's last answer said about its budget: how many more jobs like the last one
     * it covers ({@code null}: it did not say). No more than that many are then in flight at once,
     * so that jobs sent together do not overrun a budget that only one of them fits.
     */
    void admitByBudget(Integer moreThatFit) {
        budgetCap = moreThatFit == null ? Integer.MAX_VALUE : Math.max(1, moreThatFit);
    }

    /** Takes up to {@code want} request permits without waiting; returns how many it took. */
    int takeRequestPermits(int want) {
        if (requests == null) {
            return want;
        }
        int taken = 0;
        while (taken < want && requests.acquirePermission()) {
            taken++;
        }
        return taken;
    }

    /** How long until the request limiter has a permit again (zero when unlimited). */
    Duration untilNextRequestPermit() {
        if (requests instanceof AtomicRateLimiter atomic) {
            long nanos = atomic.getDetailedMetrics().getNanosToWait();
            return Duration.ofNanos(Math.max(nanos, 1_000_000));
        }
        return Duration.ZERO;
    }

    /**
     * Reserves {@code tokenCount} token permits and returns how long to wait before sending, or
     * null when the token budget cannot cover the job within the configured wait.
     */
    Duration reserveTokens(int tokenCount) {
        if (tokens == null || tokenCount == 0) {
            return Duration.ZERO;
        }
        long nanos = tokens.reservePermission(tokenCount);
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    /**
     * The upstream said "too many" or its budget ran out: send nothing more for {@code d} (the
     * claimer waits it out), and spend what is left of this period on both limiters.
     */
    void pause(Duration d) {
        long until =
                System.nanoTime() + UpstreamException.RateLimited.bounded(d).toNanos();
        pausedUntilNanos.accumulateAndGet(until, Math::max);
        // After the pause, one job probes the budget; its answer says how many may follow.
        budgetCap = 1;
        drain();
    }

    /** How long the upstream is still paused; zero or negative when it is not. */
    Duration pausedFor() {
        return Duration.ofNanos(pausedUntilNanos.get() - System.nanoTime());
    }

    /** Spends what is left of this period, on both limiters. */
    void drain() {
        if (requests != null) {
            requests.drainPermissions();
        }
        if (tokens != null) {
            tokens.drainPermissions();
        }
    }

    /** The live numbers, for GET /api/v1/queue. Available counts are null when unlimited. */
    public record Snapshot(
            int share,
            long requestsPerMinute,
            Integer availableRequests,
            long tokensPerMinute,
            Integer availableTokens,
            int maxInFlight,
            Integer availableInFlight) {}

    Snapshot snapshot() {
        return new Snapshot(
                share,
                requestsPerMinute,
                requests == null ? null : requests.getMetrics().getAvailablePermissions(),
                tokensPerMinute,
                tokens == null ? null : tokens.getMetrics().getAvailablePermissions(),
                maxInFlight,
                inFlight == null ? null : inFlight.availablePermits());
    }
}
