package dev.sluice.job;

import java.time.Instant;

/**
 * A submitted job whose poll this node has leased: what the poller needs to ask the upstream, and
 * the fence for writing what it heard.
 */
public record PolledJob(
        long id,
        String upstream,
        String upstreamRequestId,
        int attempt,
        int maxAttempts,
        int pollErrors,
        String leaseOwner,
        Instant submittedAt,
        boolean started) {

    public Fence fence() {
        return new Fence(id, leaseOwner, attempt);
    }
}
