package dev.sluice.upstream;

import dev.sluice.job.ClaimedJob;

/**
 * One upstream, speaking one protocol. {@link #submit} is called with no database transaction
 * open; it either answers or throws one of the {@link UpstreamException} kinds.
 */
public interface Upstream {

    /** The configured name, e.g. {@code noop} or {@code groq}. */
    String name();

    /** Sends the job. Never retries by itself: the queue decides what a failure means. */
    Submission submit(ClaimedJob job) throws UpstreamException;
}
