package dev.sluice.upstream;

import dev.sluice.job.UpstreamObservation;
import java.time.Duration;

/** What one poll of an accepted request found. */
public sealed interface PollResult {

    /** Still pending upstream: record the snapshot, poll again after {@code pollAfter}. */
    record Pending(UpstreamObservation snapshot, Duration pollAfter) implements PollResult {}

    /** Done, with the result. */
    record Completed(String resultJson) implements PollResult {}

    /**
     * Done, with an error. {@code retryable} is false when the upstream says the request itself
     * is at fault (Tinker's category {@code user}); a retry is then pointless.
     */
    record Failed(String error, String category, boolean retryable) implements PollResult {}

    /** The upstream lost the request (Tinker's 410): submit it again, with the same key. */
    record Lost(String detail) implements PollResult {}
}
