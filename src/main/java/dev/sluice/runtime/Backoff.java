package dev.sluice.runtime;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential backoff with jitter: before retry n (n = the attempt that just failed) the job waits
 * a random time between half and all of min(max, base * 2^(n-1)), so that jobs that failed
 * together do not all come back together.
 */
public record Backoff(Duration base, Duration max) {

    public Duration before(int failedAttempt) {
        int doublings = Math.min(Math.max(failedAttempt - 1, 0), 30);
        long ceiling = Math.min(max.toMillis(), base.toMillis() << doublings);
        if (ceiling <= 0) {
            ceiling = max.toMillis();
        }
        long jittered = ceiling / 2 + ThreadLocalRandom.current().nextLong(ceiling / 2 + 1);
        return Duration.ofMillis(jittered);
    }
}
