package dev.sluice.job;

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
        String leaseOwner) {

    public Fence fence() {
        return new Fence(id, leaseOwner, attempt);
    }

    public boolean isLastAttempt() {
        return attempt >= maxAttempts;
    }
}
