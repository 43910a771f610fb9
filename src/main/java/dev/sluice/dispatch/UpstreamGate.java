package dev.sluice.dispatch;

import dev.sluice.upstream.UpstreamException;
import dev.sluice.upstream.UpstreamProperties.ModelLimits;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What may be sent to one upstream now: a request pacer (one permit per job, taken just before its
 * send: {@link RequestPacer}), a token limiter ({@code token_count} permits per job, reserved in
 * claim order), an in-flight cap, and the lead: how many claimed jobs may wait here for their
 * moment. A limit of 0 means none.
 *
 * <p>The lead keeps the budget used: jobs are claimed ahead of their permits, so a slow claim
 * (a commit waiting on fsync) does not leave the pacer with nothing to send while its permits
 * lapse. It is bounded by count (the share's rate times {@code sluice.dispatch.send-lead}, at least
 * one job) and by time (a job that cannot get a permit within three leads goes back to the queue),
 * and is handed back on shutdown. The claimer tops it up when it is half empty, so a claim takes
 * half a lead of jobs at once, not one at a time.
 */
public final class UpstreamGate {

    private final String upstream;
    private final int maxInFlight;
    private final Duration lead;
    private final RequestPacer requests;
    private final RateLimiterRegistry registry;
    private final Duration maxTokenWait;
    private final TokenBudget tokens;
    private final Semaphore inFlight;
    private final AtomicLong pausedUntilNanos = new AtomicLong(System.nanoTime());
    /** Jobs this instance is sending to the upstream now (taken slots not yet given back). */
    private final AtomicInteger sending = new AtomicInteger();
    /** Claimed jobs not yet sent: the lead. */
    private final AtomicInteger unsent = new AtomicInteger();
    /** Models with limits of their own, and those a 429 paused. */
    private final ConcurrentHashMap<String, ModelGate> models = new ConcurrentHashMap<>();

    /** Most models given a gate only because a 429 named them: beyond, a 429 pauses the upstream. */
    private static final int MAX_PAUSED_MODELS = 1000;

    /** At most this many in flight, by what the upstream last said of its budget. */
    private volatile int budgetCap = Integer.MAX_VALUE;

    UpstreamGate(
            String upstream,
            long requestsPerMinute,
            long tokensPerMinute,
            int maxInFlight,
            Duration maxTokenWait,
            Duration lead,
            Map<String, ModelLimits> modelLimits,
            RateLimiterRegistry registry) {
        this.upstream = upstream;
        modelLimits.forEach((model, limits) ->
                models.put(model, new ModelGate(upstream, model, limits, lead, maxTokenWait, registry)));
        this.maxInFlight = maxInFlight;
        this.lead = lead;
        this.registry = registry;
        this.maxTokenWait = maxTokenWait;
        this.inFlight = maxInFlight == 0 ? null : new Semaphore(maxInFlight);
        this.requests = requestsPerMinute == 0
                ? null
                : new RequestPacer(
                        "sluice-" + upstream + "-requests", requestsPerMinute, lead.multipliedBy(3), registry);
        this.tokens = new TokenBudget("sluice-" + upstream + "-tokens", tokensPerMinute, maxTokenWait, registry);
    }

    /**
     * This instance's share of the limits: 1/{@code liveInstances} of each, rounded down, so the
     * instances together never exceed the configured total. Limiters are rebuilt only on change.
     */
    synchronized void shareBetween(int liveInstances) {
        int n = Math.max(1, liveInstances);
        if (requests != null) {
            requests.shareBetween(n);
        }
        models.values().forEach(m -> m.shareBetween(n));
        tokens.shareBetween(n);
    }

    /** Sends nothing before {@code nanos} ({@link System#nanoTime()}). */
    void holdUntil(long nanos) {
        if (requests != null) {
            requests.holdUntil(nanos);
        }
        models.values().forEach(m -> m.holdUntil(nanos));
    }

    /** Sends nothing after {@code nanos} ({@link System#nanoTime()}) until moved on. */
    void sendUntil(long nanos) {
        if (requests != null) {
            requests.sendUntil(nanos);
        }
        models.values().forEach(m -> m.sendUntil(nanos));
    }

    /** The gate of {@code model} (null: it has no limits of its own and no 429 paused it). */
    ModelGate model(String model) {
        return model == null ? null : models.get(model);
    }

    /**
     * A 429 named {@code model}: pause it alone for {@code d}. False when it cannot have a gate
     * of its own (too many models were paused so), and the caller pauses the whole upstream.
     */
    boolean pauseModel(String model, Duration d) {
        ModelGate m = models.get(model);
        if (m == null) {
            if (models.size() >= MAX_PAUSED_MODELS) {
                return false;
            }
            m = models.computeIfAbsent(model, k -> {
                ModelGate g = new ModelGate(upstream, k, null, lead, maxTokenWait, registry);
                g.shareBetween(tokens.share());
                return g;
            });
        }
        m.pause(d);
        return true;
    }

    /** Every model gate (for the claimer's skips, the day's reads and the snapshot). */
    java.util.Collection<ModelGate> models() {
        return models.values();
    }

    /**
     * The models whose jobs the claim of the upstream passes over: paused after a 429, at this
     * instance's share of their daily limit, or paced on their own (claimed apart, into a lead of
     * their own, see {@link ModelGate#leadRoom}).
     */
    List<String> modelsToSkip() {
        List<String> skip = new java.util.ArrayList<>();
        for (ModelGate m : models.values()) {
            if (m.paced() || !m.open()) {
                skip.add(m.model());
            }
        }
        return skip;
    }

    String upstream() {
        return upstream;
    }

    long tokensPerMinute() {
        return tokens.perMinute();
    }

    /** Whether a job of {@code tokenCount} tokens is more than the tokens-per-minute limit: never sent. */
    boolean neverGrants(int tokenCount) {
        return tokens.neverGrants(tokenCount);
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

    /**
     * How many more jobs may be claimed into the lead now: none while it is more than half full
     * (the sender wakes the claimer when it drops to half), otherwise enough to fill it.
     */
    int leadRoom() {
        if (requests == null) {
            return Integer.MAX_VALUE;
        }
        int cap = leadCap();
        int waiting = unsent.get();
        return waiting > cap / 2 ? 0 : cap - waiting;
    }

    /** The lead's bound by count: the share's rate over {@code send-lead}, at least one job. */
    int leadCap() {
        double perSecond = requests.perSecondHere();
        return (int) Math.max(1, Math.min(10_000, Math.ceil(perSecond * lead.toNanos() / 1e9)));
    }

    /** {@code n} claimed jobs joined the lead. */
    void joinedLead(int n) {
        unsent.addAndGet(n);
    }

    /** A job left the lead (sent, or handed back); true when the claimer should top it up. */
    boolean leftLead() {
        int left = unsent.decrementAndGet();
        return requests != null && left == leadCap() / 2;
    }

    /** Jobs claimed here and not yet sent. */
    int unsent() {
        return unsent.get();
    }

    /**
     * Waits for this job's moment to be sent and returns it, or -1 when none can be had within the
     * lead's time bound. See {@link RequestPacer#awaitSlot}.
     */
    long awaitSendSlot() throws InterruptedException {
        return requests == null ? System.nanoTime() : requests.awaitSlot();
    }

    /**
     * Reserves {@code tokenCount} token permits and returns how long to wait before sending, or
     * null when the token budget cannot cover the job within the configured wait.
     */
    Duration reserveTokens(int tokenCount) {
        return tokens.reserve(tokenCount);
    }

    /** The answer said the job used {@code surplus} tokens more than its token_count: see {@link TokenBudget#correct}. */
    void correctTokens(int surplus) {
        tokens.correct(surplus);
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
            requests.drain();
        }
        tokens.drain();
    }

    /** The live numbers, for GET /api/v1/queue. Available counts are null when unlimited. */
    public record Snapshot(
            int share,
            long requestsPerMinute,
            Integer availableRequests,
            long tokensPerMinute,
            Integer availableTokens,
            int maxInFlight,
            Integer availableInFlight,
            int unsent,
            Map<String, ModelGate.Snapshot> models) {}

    Snapshot snapshot() {
        return new Snapshot(
                requests == null ? tokens.share() : requests.share(),
                requests == null ? 0 : requests.perMinute(),
                requests == null ? null : requests.available(),
                tokens.perMinute(),
                tokens.available(),
                maxInFlight,
                inFlight == null ? null : inFlight.availablePermits(),
                unsent.get(),
                modelSnapshots());
    }

    private Map<String, ModelGate.Snapshot> modelSnapshots() {
        Map<String, ModelGate.Snapshot> out = new java.util.TreeMap<>();
        models.forEach((name, m) -> out.put(name, m.snapshot()));
        return out;
    }
}
