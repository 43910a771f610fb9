package dev.sluice.api;

import com.fasterxml.jackson.annotation.JsonRawValue;
import dev.sluice.dispatch.WaitEstimator;
import dev.sluice.job.Job;
import dev.sluice.job.LastSnapshot;
import java.time.Instant;

/**
 * The 408 body of {@code GET /api/v1/jobs/{id}} with {@code X-Sluice-Backpressure: 1}: the fields
 * of a Tinker queue answer, for this job wherever it waits, plus the upstream's last snapshot.
 */
record WaitView(
        String requestId,
        String type,
        String status,
        String queueState,
        String queueStateReason,
        Integer queuePosition,
        Integer queueDepth,
        Double estimatedWaitS,
        @JsonRawValue String progress,
        double retryAfterS,
        String state,
        String upstreamRequestId,
        Upstream upstream) {

    record Upstream(
            Instant observedAt,
            Integer httpStatus,
            String status,
            String queueState,
            String queueStateReason,
            Integer queuePosition,
            Integer queueDepth,
            Double estimatedWaitS,
            @JsonRawValue String progress,
            Double retryAfterS) {

        static Upstream of(LastSnapshot s) {
            return s == null
                    ? null
                    : new Upstream(
                            s.observedAt(),
                            s.httpStatus(),
                            s.status(),
                            s.queueState(),
                            s.queueStateReason(),
                            s.queuePosition(),
                            s.queueDepth(),
                            s.estimatedWaitS(),
                            s.progressJson(),
                            s.retryAfterS());
        }
    }

    static WaitView of(Job job, WaitEstimator.Wait w) {
        return new WaitView(
                Long.toString(job.id()),
                "try_again",
                w.status(),
                w.queueState(),
                w.queueStateReason(),
                w.queuePosition(),
                w.queueDepth(),
                w.estimatedWaitS(),
                w.progressJson(),
                w.retryAfterS(),
                job.state().wireName(),
                job.upstreamRequestId(),
                Upstream.of(w.upstream()));
    }
}
