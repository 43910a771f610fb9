package dev.sluice.pause;

import java.time.Instant;

/**
 * An upstream, or one model of it, that sends nothing new.
 *
 * @param model null when the whole upstream is paused
 * @param until null: until resumed
 * @param pausedBy who paused it (the key's id and name)
 */
public record Pause(String upstream, String model, String reason, Instant until, Instant pausedAt, String pausedBy) {

    /** Whether this pause holds at {@code now}. */
    public boolean holdsAt(Instant now) {
        return until == null || until.isAfter(now);
    }

    /** Whether it stops jobs of {@code upstream} for {@code model} (null: a job naming none). */
    boolean covers(String upstream, String model) {
        return this.upstream.equals(upstream) && (this.model == null || this.model.equals(model));
    }
}
