package dev.sluice.upstream;

import dev.sluice.job.ClaimedJob;
import dev.sluice.job.SubmitKey;

/** The {@code noop} protocol: every job completes at once, with its payload echoed as the result. */
final class NoopUpstream implements Upstream {

    private final String name;

    NoopUpstream(String name) {
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Submission submit(ClaimedJob job, SubmitKey key) {
        return new Submission.Completed(job.payloadJson());
    }

    @Override
    public PollResult poll(String requestId) {
        throw new IllegalStateException("noop jobs finish when submitted; there is nothing to poll");
    }
}
