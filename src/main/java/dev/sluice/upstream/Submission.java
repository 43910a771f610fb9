package dev.sluice.upstream;

import java.time.Duration;

/** What an upstream answered to a submit that it did not refuse. */
public sealed interface Submission {

    /** The answer came in the submit call itself (noop, OpenAI-compatible APIs). */
    record Completed(String resultJson) implements Submission {}

    /** The upstream queued the request under its own id; poll it after {@code pollAfter}. */
    record Accepted(String requestId, Duration pollAfter) implements Submission {}
}
