package dev.sluice.runtime;

import java.time.Duration;
import java.util.Objects;

/**
 * What one pass of a background component did, and how long its {@link Loop} waits before the
 * next (less when woken).
 *
 * @param done how much work the pass found (jobs claimed, rows renewed, ...); for logs and tests
 * @param waitBeforeNext zero to run the next pass at once
 */
public record Pass(int done, Duration waitBeforeNext) {

    public Pass {
        Objects.requireNonNull(waitBeforeNext, "waitBeforeNext");
        if (waitBeforeNext.isNegative()) {
            waitBeforeNext = Duration.ZERO;
        }
    }

    /** Found work: the next pass runs at once. */
    public static Pass busy(int done) {
        return new Pass(done, Duration.ZERO);
    }

    /** Found work or not; either way the next pass runs after {@code wait}. */
    public static Pass after(int done, Duration wait) {
        return new Pass(done, wait);
    }

    /** Found no work: the next pass runs after {@code wait}, or when the loop is woken. */
    public static Pass idle(Duration wait) {
        return new Pass(0, wait);
    }
}
