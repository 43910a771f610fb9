package dev.sluice.job;

import java.util.Set;

/**
 * One queue snapshot an upstream gave for a pending request (a Tinker 408 body and its
 * {@code X-Queue-*} headers). Strings are kept as they came; {@code progressJson} and
 * {@code headersJson} are JSON text.
 */
public record UpstreamSnapshot(
        int httpStatus,
        String status,
        String queueState,
        String queueStateReason,
        Integer queuePosition,
        Integer queueDepth,
        Double estimatedWaitS,
        String progressJson,
        Double retryAfterS,
        String headersJson) {

    private static final Set<String> WAITING = Set.of("queued", "pending", "waiting", "try_again");

    /** Whether the request is being worked on upstream (mint's prefill/decode/running, etc.). */
    public boolean showsRunning() {
        if (queueState != null && Set.of("processing", "running").contains(queueState)) {
            return true;
        }
        return status != null && !WAITING.contains(status);
    }
}
