package dev.sluice.upstream;

import dev.sluice.job.ClaimedJob;

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
    public Submission submit(ClaimedJob job) {
        return new Submission.Completed(job.payloadJson());
    }
}
