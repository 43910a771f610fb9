package dev.sluice.job;

import java.time.Instant;

/**
 * A job this node has claimed: what the dispatcher needs to send it upstream, and the attempt
 * number that, with the lease owner, fences every write about it. {@code deferrals} counts the
 * "not now" answers it has had since it last reached the upstream.
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
        String leaseOwner,
        Instant createdAt,
        boolean firstClaim,
        int deferrals,
        String model) {

    /** The key of this job's current request in {@code session}: its seq_id, drawn at the claim. */
    public SubmitKey submitKey(String session) {
        return new SubmitKey(session, upstreamSeqId);
    }

    public Fence fence() {
        return new Fence(id, leaseOwner, attempt);
    }
}
