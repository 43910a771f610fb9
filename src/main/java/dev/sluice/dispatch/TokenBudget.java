package dev.sluice.dispatch;

import io.github.resilience4j.ratelimiter.RateLimiter;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;

/**
 * A tokens-per-minute limit (an upstream's or a model's), this instance's share of it, as a
 * Resilience4j rate limiter from which each job reserves its {@code token_count} in claim order;
 * and its correction once the answer says how many tokens the job really used: more are reserved
 * at once, fewer are credited to the next jobs for {@link #CREDIT_LIFE}, at most a minute of the
 * share, so the tokens the upstream sees track the configured rate.
 */
final class TokenBudget {

    /** Credit older than this is forgotten: it was reserved too long ago to be spent in its window. */
    private static final long CREDIT_LIFE = Duration.ofSeconds(30).toNanos();

    private final String name;
    private final long perMinute;
    private final Duration maxWait;
    private final RateLimiterRegistry registry;
    private volatile RateLimiter limiter;
    private volatile int share;
    private long credit;
    private long creditAt;

    /** A budget of {@code perMinute} tokens (0: none); a job waits at most {@code maxWait} for its tokens. */
    TokenBudget(String name, long perMinute, Duration maxWait, RateLimiterRegistry registry) {
        this.name = name;
        this.perMinute = perMinute;
        this.maxWait = maxWait;
        this.registry = registry;
        shareBetween(1);
    }

    long perMinute() {
        return perMinute;
    }

    int share() {
        return share;
    }

    /** This instance's share: 1/{@code instances} of the limit, rounded down; rebuilt only on change. */
    synchronized void shareBetween(int instances) {
        int n = Math.max(1, instances);
        if (n == share) {
            return;
        }
        share = n;
        if (perMinute > 0) {
            registry.remove(name);
            limiter = registry.rateLimiter(name, RequestPacer.config(Math.max(1, perMinute / n), maxWait));
        }
    }

    /** Whether a job of this many tokens is more than the limit: it could never be sent. */
    boolean neverGrants(int tokenCount) {
        return perMinute > 0 && tokenCount > perMinute;
    }

    /** Reserves the job's tokens: how long to wait before sending it, or null when not within the wait limit. */
    Duration reserve(int tokenCount) {
        RateLimiter l = limiter;
        if (l == null || tokenCount == 0) {
            return Duration.ZERO;
        }
        int fromCredit = takeCredit(tokenCount);
        if (fromCredit == tokenCount) {
            return Duration.ZERO;
        }
        long nanos = l.reservePermission(tokenCount - fromCredit);
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    private synchronized int takeCredit(int want) {
        if (credit == 0 || System.nanoTime() - creditAt > CREDIT_LIFE) {
            credit = 0;
            return 0;
        }
        int taken = (int) Math.min(credit, want);
        credit -= taken;
        return taken;
    }

    /**
     * A job's answer said it used {@code surplus} tokens more than its token_count (fewer, when
     * negative): more are reserved now (as far as the wait limit reaches; the rest is dropped, not
     * owed for ever), fewer are credited.
     */
    void correct(int surplus) {
        RateLimiter l = limiter;
        if (l == null || surplus == 0) {
            return;
        }
        if (surplus < 0) {
            synchronized (this) {
                long now = System.nanoTime();
                long kept = now - creditAt > CREDIT_LIFE ? 0 : credit;
                credit = Math.min(Math.max(1, perMinute / share), kept - (long) surplus);
                creditAt = now;
            }
            return;
        }
        int chunk = Math.max(1, l.getRateLimiterConfig().getLimitForPeriod());
        for (int left = surplus; left > 0; left -= chunk) {
            if (l.reservePermission(Math.min(chunk, left)) < 0) {
                return;
            }
        }
    }

    /** Spends what is left of this period (after the upstream said "too many"). */
    void drain() {
        RateLimiter l = limiter;
        if (l != null) {
            l.drainPermissions();
        }
    }

    /** This instance's tokens available now; null when unlimited. */
    Integer available() {
        RateLimiter l = limiter;
        return l == null ? null : l.getMetrics().getAvailablePermissions();
    }
}
