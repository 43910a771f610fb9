package dev.sluice.emulator;

/**
 * A budget that refills continuously up to its capacity, as the emulated OpenAI side keeps its
 * per-minute and per-day limits. Not thread-safe: the caller holds a lock.
 */
final class TokenBucket {

    private final double capacity;
    private final double perNano;
    private double level;
    private long at;

    TokenBucket(long capacity, long periodNanos) {
        this.capacity = capacity;
        this.perNano = capacity / (double) periodNanos;
        this.level = capacity;
        this.at = System.nanoTime();
    }

    private void refill(long now) {
        level = Math.min(capacity, level + (now - at) * perNano);
        at = now;
    }

    boolean has(long n, long now) {
        refill(now);
        return level >= n;
    }

    void take(long n, long now) {
        refill(now);
        level -= n;
    }

    long remaining(long now) {
        refill(now);
        return (long) Math.floor(Math.max(0, level));
    }

    long capacity() {
        return (long) capacity;
    }

    /** Nanoseconds until {@code n} are there. */
    long nanosUntil(long n, long now) {
        refill(now);
        return level >= n ? 0 : (long) Math.ceil((n - level) / perNano);
    }

    /** Nanoseconds until the bucket is full again: what {@code x-ratelimit-reset-*} reports. */
    long nanosUntilFull(long now) {
        refill(now);
        return (long) Math.ceil((capacity - level) / perNano);
    }
}
