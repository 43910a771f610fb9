package dev.sluice.upstream;

import dev.sluice.job.UpstreamObservation;
import java.time.Duration;

/** What an upstream answered to a submit that it did not refuse. */
public sealed interface Submission {

    /**
     * The answer came in the submit call itself (noop, OpenAI-compatible APIs). {@code observed},
     * when not null, is what the answer said about the upstream's budget (its rate-limit headers),
     * for the history; {@code pauseFor}, when not null, is how long to send nothing more because
     * that budget ran out; {@code moreThatFit}, when not null, how many more jobs like this one
     * the budget still covers.
     */
    record Completed(String resultJson, UpstreamObservation observed, Duration pauseFor, Integer moreThatFit)
            implements Submission {
        public Completed(String resultJson) {
            this(resultJson, null, null, null);
        }
    }

    /** The upstream queued the request under its own id; poll it after {@code pollAfter}. */
    record Accepted(String requestId, Duration pollAfter) implements Submission {}
}
