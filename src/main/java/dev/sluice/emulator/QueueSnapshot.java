package dev.sluice.emulator;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One 408 answer of {@code retrieve_future}: the body fields and the headers derived from them (a
 * header is absent exactly when its body field is null).
 */
record QueueSnapshot(
        String requestId,
        String status,
        String queueState,
        String queueStateReason,
        Integer queuePosition,
        Integer queueDepth,
        Double estimatedWaitS,
        Map<String, Object> progress,
        int retryAfterS,
        Double queuedForS,
        Double runningForS,
        Double lastProgressS) {

    Map<String, Object> body() {
        Map<String, Object> b = new LinkedHashMap<>();
        b.put("request_id", requestId);
        b.put("type", "try_again");
        b.put("status", status);
        b.put("queue_state", queueState);
        b.put("queue_state_reason", queueStateReason);
        b.put("queue_position", queuePosition);
        b.put("queue_depth", queueDepth);
        b.put("estimated_wait_s", estimatedWaitS);
        b.put("progress", progress);
        b.put("retry_after_s", retryAfterS);
        b.put("queued_for_s", queuedForS);
        b.put("running_for_s", runningForS);
        b.put("last_progress_s", lastProgressS);
        return b;
    }

    Map<String, String> headers() {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Retry-After", Integer.toString(retryAfterS));
        if (queueDepth != null) {
            h.put("X-Queue-Depth", queueDepth.toString());
        }
        if (queuePosition != null) {
            h.put("X-Queue-Position", queuePosition.toString());
        }
        if (estimatedWaitS != null) {
            h.put("X-Queue-ETA-S", String.format(java.util.Locale.ROOT, "%.3f", estimatedWaitS));
        }
        if (status != null) {
            h.put("X-Queue-Status", status);
        }
        if (progress != null) {
            h.put("X-Queue-Tokens-Generated", String.valueOf(progress.get("tokens_generated")));
            h.put("X-Queue-Max-Tokens", String.valueOf(progress.get("max_tokens")));
        }
        return h;
    }

    /**
     * mint: int(clamp(eta / 4, 1, 30)), else clamp(queue_depth, 1, 10), else 1; the body's
     * retry_after_s and the Retry-After header are this same whole number.
     */
    static int retryAfter(Double estimatedWaitS, Integer queueDepth) {
        if (estimatedWaitS != null) {
            return (int) Math.min(30, Math.max(1, estimatedWaitS / 4));
        }
        if (queueDepth != null) {
            return Math.min(10, Math.max(1, queueDepth));
        }
        return 1;
    }
}
