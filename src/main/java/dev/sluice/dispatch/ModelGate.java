package dev.sluice.dispatch;

import dev.sluice.upstream.UpstreamException;
import dev.sluice.upstream.UpstreamProperties.ModelLimits;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model under an upstream: its own limits ({@code sluice.upstreams.<name>.models.<model>.*}),
 * its pause after a 429 that named it, and its part of the lead. A model with no limits of its own
 * still gets a gate when a 429 pauses it, so that the pause stops that model only.
 *
 * <p>Per-day limits are counted over the last 24 hours: what the database says was sent (read
 * again every {@link #DAY_REFRESH}), plus what this instance sent since. Each instance may use its
 * share of what is left, so the instances together stay within the limit; jobs sent but not yet
 * recorded by another instance are the only slack (at most its in-flight jobs).
 */
public final class ModelGate {

    /** How often the day's usage is read from the database again. */
    static final Duration DAY_REFRESH = Duration.ofSeconds(5);

    private final String model;
    private final ModelLimits limits;
    private final RequestPacer requests;
    private final Duration lead;
    private final TokenBudget tokens;
    private volatile int share = 1;
    private final AtomicLong pausedUntilNanos = new AtomicLong(System.nanoTime());
    private final AtomicInteger unsent = new AtomicInteger();

    /** The day's usage as the database last said, and what this instance sent since. */
    private record Day(long requests, long tokens, long readAtNanos) {}

    private volatile Day day;
    private final AtomicLong sentRequests = new AtomicLong();
    private final AtomicLong sentTokens = new AtomicLong();

    ModelGate(
            String upstream,
            String model,
            ModelLimits limits,
            Duration lead,
            Duration maxTokenWait,
            RateLimiterRegistry registry) {
        this.model = model;
        this.limits = limits == null ? new ModelLimits(0, 0, 0, 0) : limits;
        this.lead = lead;
        this.requests = this.limits.requestsPerMinute() == 0
                ? null
                : new RequestPacer(
                        "sluice-" + upstream + "-model-" + model + "-requests",
                        this.limits.requestsPerMinute(),
                        lead.multipliedBy(3),
                        registry);
        this.tokens = new TokenBudget(
                "sluice-" + upstream + "-model-" + model + "-tokens",
                this.limits.tokensPerMinute(),
                maxTokenWait,
                registry);
    }

    String model() {
        return model;
    }

    ModelLimits limits() {
        return limits;
    }

    synchronized void shareBetween(int n) {
        if (requests != null) {
            requests.shareBetween(n);
        }
        share = n;
        tokens.shareBetween(n);
    }

    void holdUntil(long nanos) {
        if (requests != null) {
            requests.holdUntil(nanos);
        }
    }

    void sendUntil(long nanos) {
        if (requests != null) {
            requests.sendUntil(nanos);
        }
    }

    /** Whether this model is paced on its own: claimed by itself, into a lead of its own. */
    boolean paced() {
        return requests != null;
    }

    /**
     * How many of its jobs may be claimed into its lead now (its rate over {@code send-lead}, at
     * least one): none while more than half of it waits, as the upstream's lead.
     */
    int leadRoom() {
        if (requests == null) {
            return Integer.MAX_VALUE;
        }
        int cap = (int) Math.max(1, Math.min(10_000, Math.ceil(requests.perSecondHere() * lead.toNanos() / 1e9)));
        int waiting = unsent.get();
        return waiting > cap / 2 ? 0 : cap - waiting;
    }

    void joinedLead() {
        unsent.incrementAndGet();
    }

    void leftLead() {
        unsent.decrementAndGet();
    }

    long awaitSendSlot() throws InterruptedException {
        return requests == null ? System.nanoTime() : requests.awaitSlot();
    }

    /** Token permits for the job, reserved: how long to wait, or null when not within the wait limit. */
    Duration reserveTokens(int tokenCount) {
        return tokens.reserve(tokenCount);
    }

    /** Whether a job of this many tokens is more than the model's tokens-per-minute or per-day limit. */
    boolean neverGrants(int tokenCount) {
        return tokens.neverGrants(tokenCount) || (limits.tokensPerDay() > 0 && tokenCount > limits.tokensPerDay());
    }

    /** A 429 named this model: send none of it for {@code d}. */
    void pause(Duration d) {
        long until =
                System.nanoTime() + UpstreamException.RateLimited.bounded(d).toNanos();
        pausedUntilNanos.accumulateAndGet(until, Math::max);
    }

    Duration pausedFor() {
        return Duration.ofNanos(pausedUntilNanos.get() - System.nanoTime());
    }

    boolean hasDailyLimit() {
        return limits.requestsPerDay() > 0 || limits.tokensPerDay() > 0;
    }

    /** Whether the day's usage should be read from the database again. */
    boolean dayStale() {
        Day d = day;
        return hasDailyLimit() && (d == null || System.nanoTime() - d.readAtNanos() > DAY_REFRESH.toNanos());
    }

    /** What the database says was sent in the last 24 hours; this instance's own count starts again. */
    synchronized void dayRead(long requestsSent, long tokensSent) {
        day = new Day(requestsSent, tokensSent, System.nanoTime());
        sentRequests.set(0);
        sentTokens.set(0);
    }

    /** Whether its jobs may be claimed now: not paused after a 429, its day not used up. */
    boolean open() {
        return !pausedFor().isPositive() && !dayExhausted();
    }

    /** Whether this instance's share of the day has room for one more job (of any size): for the claimer. */
    boolean dayExhausted() {
        return !dayHasRoomFor(1, 0);
    }

    private boolean dayHasRoomFor(long requestsMore, long tokensMore) {
        Long requests = requestsLeftToday();
        Long tokens = tokensLeftToday();
        return (requests == null || requestsMore <= requests) && (tokens == null || tokensMore <= tokens);
    }

    /** What this instance may still send today of its share of the requests left; null: no such limit, or not read yet. */
    private Long requestsLeftToday() {
        Day d = day;
        return d == null || limits.requestsPerDay() == 0
                ? null
                : (limits.requestsPerDay() - d.requests()) / Math.max(1, share) - sentRequests.get();
    }

    /** As {@link #requestsLeftToday}, of tokens. */
    private Long tokensLeftToday() {
        Day d = day;
        return d == null || limits.tokensPerDay() == 0
                ? null
                : (limits.tokensPerDay() - d.tokens()) / Math.max(1, share) - sentTokens.get();
    }

    /** Counts a job of {@code tokenCount} against the day, if its share has room; false when it has not. */
    synchronized boolean takeDay(int tokenCount) {
        if (!dayHasRoomFor(1, tokenCount)) {
            return false;
        }
        sentRequests.incrementAndGet();
        sentTokens.addAndGet(tokenCount);
        return true;
    }

    /**
     * The live numbers, for GET /api/v1/upstreams: what this instance may still send today (null:
     * no such limit, or not read yet), and how long a 429 still pauses the model.
     */
    public record Snapshot(ModelLimits limits, Long requestsLeftToday, Long tokensLeftToday, Duration pausedFor) {}

    Snapshot snapshot() {
        Long requestsLeft = requestsLeftToday();
        Long tokensLeft = tokensLeftToday();
        Duration paused = pausedFor();
        return new Snapshot(
                limits,
                requestsLeft == null ? null : Math.max(0, requestsLeft),
                tokensLeft == null ? null : Math.max(0, tokensLeft),
                paused.isPositive() ? paused : Duration.ZERO);
    }
}
