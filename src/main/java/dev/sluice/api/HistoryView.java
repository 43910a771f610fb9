package dev.sluice.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.sluice.history.JobStatusHistory;
import dev.sluice.job.QueueFields;
import java.time.Instant;

/**
 * One status-history row as the API shows it. {@code id} is the stored row's; the three rows a job
 * row holds (queued, its first claim, succeeded) have none.
 */
record HistoryView(
        Long id,
        Instant observedAt,
        String source,
        String state,
        int attempt,
        String detail,
        Integer httpStatus,
        @JsonUnwrapped QueueFields queue,
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
                h.queue(),
                h.headers(),
                h.repeats(),
                h.lastObservedAt());
    }
}
