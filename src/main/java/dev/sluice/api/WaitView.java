package dev.sluice.api;

import com.fasterxml.jackson.annotation.JsonUnwrapped;
import dev.sluice.dispatch.WaitEstimator;
import dev.sluice.job.Job;
import dev.sluice.job.LastSnapshot;
import dev.sluice.job.QueueFields;
import java.time.Instant;

/**
 * The 408 body of {@code GET /api/v1/jobs/{id}} with {@code X-Sluice-Backpressure: 1}: the fields
 * of a Tinker queue answer, for this job wherever it waits, plus the upstream's last snapshot.
 */
record WaitView(
        String requestId,
        String type,
        @JsonUnwrapped QueueFields queue,
        String state,
        String upstreamRequestId,
        Upstream upstream) {

    record Upstream(
            Instant observedAt,
            Integer httpStatus,
            @JsonUnwrapped QueueFields queue) {

        static Upstream of(LastSnapshot s) {
            return s == null ? null : new Upstream(s.observedAt(), s.httpStatus(), s.queue());
        }
    }

    static WaitView of(Job job, WaitEstimator.Wait w) {
        return new WaitView(
                Long.toString(job.id()),
                "try_again",
                w.queue(),
                job.state().wireName(),
                job.upstreamRequestId(),
                Upstream.of(w.upstream()));
    }
}
