package dev.sluice;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock that stands still until the test moves it, starting at {@link TestClock#now()}: a test
 * gives it to a background component and calls its {@code runOnce()} before and after moving it,
 * to drive the loop through minutes of time without sleeping.
 */
public final class MovableClock extends Clock {

    private volatile Instant now;

    public MovableClock() {
        // To the microsecond, as PostgreSQL keeps it, so what is read back equals what was written.
        this.now = TestClock.now().truncatedTo(java.time.temporal.ChronoUnit.MICROS);
    }

    /** Moves the clock on by {@code step}. */
    public void advance(Duration step) {
        now = now.plus(step);
    }

    @Override
    public Instant instant() {
        return now;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("a movable clock is always UTC");
    }
}
