package dev.sluice.upstream;

import dev.sluice.job.ClaimedJob;
import dev.sluice.job.SubmitKey;

/**
 * One upstream, speaking one protocol. {@link #submit} is called with no database transaction
 * open; it either answers or throws one of the {@link UpstreamException} kinds.
 */
public interface Upstream {

    /** The configured name, e.g. {@code noop} or {@code groq}. */
    String name();

    /**
     * The session a new request of this job belongs to, when the protocol makes re-sends the same
     * request by (session, seq_id); null when it does not. May call the upstream (e.g. to create a
     * session) and is called with no transaction open.
     */
    default String sessionFor(ClaimedJob job) throws UpstreamException {
        return null;
    }

    /**
     * Sends the job, with {@code key} when {@link #sessionFor} gave a session. Never retries by
     * itself: the queue decides what a failure means.
     */
    Submission submit(ClaimedJob job, SubmitKey key) throws UpstreamException;

    /** Polls a request this upstream accepted; only for protocols that answer with {@code Accepted}. */
    PollResult poll(String requestId) throws UpstreamException;

    /**
     * Whether the upstream recognises a re-send of the same request (Tinker's seq_id). When it does
     * not, a job whose worker dies after sending goes to submit_unknown rather than being re-sent.
     */
    default boolean recognisesResends() {
        return true;
    }

    /** Keeps this upstream's sessions alive, if it has any; called every few seconds. */
    default void heartbeat() {}
}
