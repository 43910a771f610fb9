package dev.sluice.job;

import dev.sluice.upstream.SubmitKey;

/**
 * A job this node has claimed: what the dispatcher needs to send it upstream, and the attempt
 * number that, with the lease owner, fences every write about it.
 */
public record ClaimedJob(
        long id,
        String upstream,
        String endpoint,
        String payloadJson,
        int tokenCount,
        Priority priority,
        int attempt,
        int maxAttempts,
        String idempotencyKey,
        String upstreamSession,
        Long upstreamSeqId,
        String leaseOwner) {

    /** The key this job's current request was first sent with, or null if it has none yet. */
    public SubmitKey submitKey() {
        return upstreamSeqId == null ? null : new SubmitKey(upstreamSession, upstreamSeqId);
    }

    public Fence fence() {
        return new Fence(id, leaseOwner, attempt);
    }

    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }
}
