package dev.sluice.job;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonRawValue;
import java.util.Set;

/**
 * Where a request waits, in the fields of a Tinker queue answer (its 408 body and {@code X-Queue-*}
 * headers): the one type from the upstream adapter that reads them, to the history row that keeps
 * them, to the 408 Sluice answers itself. Strings are kept as they came; {@code progressJson} is
 * JSON text (shown raw, as {@code progress}). Every field may be null.
 */
public record QueueFields(
        String status,
        String queueState,
        String queueStateReason,
        Integer queuePosition,
        Integer queueDepth,
        Double estimatedWaitS,
        @JsonProperty("progress") @JsonRawValue String progressJson,
        Double retryAfterS) {

    /** No queue fields at all (an answer that reports none, such as an OpenAI-compatible one). */
    public static final QueueFields NONE = new QueueFields(null, null, null, null, null, null, null, null);

    private static final Set<String> WAITING = Set.of("queued", "pending", "waiting", "try_again");

    /** Whether the request is being worked on upstream (mint's prefill/decode/running, etc.). */
    public boolean showsRunning() {
        if (queueState != null && Set.of("processing", "running").contains(queueState)) {
            return true;
        }
        return status != null && !WAITING.contains(status);
    }
}
