package dev.sluice.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.sluice.history.JobStatusHistory;
import java.time.Instant;

/** One status-history row as the API shows it. */
record HistoryView(
        long id,
        Instant observedAt,
        String source,
        String state,
        int attempt,
        String detail,
        Integer httpStatus,
        String status,
        String queueState,
        String queueStateReason,
        Integer queuePosition,
        Integer queueDepth,
        Double estimatedWaitS,
        @JsonRawValue String progress,
        Double retryAfterS,
        @JsonRawValue String headers,
        int repeats,
        Instant lastObservedAt) {

    static HistoryView of(JobStatusHistory h) {
        return new HistoryView(
                h.id(),
                h.observedAt(),
                h.source(),
                h.state(),
                h.attempt(),
                h.detail(),
                h.httpStatus(),
                h.status(),
                h.queueState(),
                h.queueStateReason(),
                h.queuePosition(),
                h.queueDepth(),
                h.estimatedWaitS(),
                h.progress(),
                h.retryAfterS(),
                h.headers(),
                h.repeats(),
                h.lastObservedAt());
    }
}
