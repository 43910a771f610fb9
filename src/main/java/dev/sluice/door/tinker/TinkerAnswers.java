package dev.sluice.door.tinker;

import dev.sluice.dispatch.WaitEstimator;
import dev.sluice.job.Job;
import dev.sluice.job.QueueFields;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.ObjectMapper;

/**
 * What {@code retrieve_future} answers for a job: its result exactly as the upstream gave it; a
 * failure as Tinker's {@code {"error", "category"}}; or, while it waits, 408 with the queue body
 * and {@code Retry-After} / {@code X-Queue-*} headers: Sluice's own position and ETA while the job
 * waits here, the upstream's last snapshot once it is there. Always {@code application/json},
 * whatever the client accepts (a newer SDK asks for protobuf, and must still get the queue answer).
 */
@Component
class TinkerAnswers {

    private final WaitEstimator waits;
    private final ObjectMapper json;

    TinkerAnswers(WaitEstimator waits, ObjectMapper json) {
        this.waits = waits;
        this.json = json;
    }

    ResponseEntity<byte[]> of(Job job, String requestId) {
        return switch (job.state()) {
            case SUCCEEDED -> json(HttpStatus.OK, job.result().getBytes(StandardCharsets.UTF_8));
            case FAILED ->
                json(
                        HttpStatus.OK,
                        Map.of(
                                "error", job.error() == null ? "failed" : job.error(),
                                "category",
                                        job.error() != null && job.error().matches("HTTP 4[0-9][0-9]:[\\s\\S]*")
                                                ? "user"
                                                : "server"));
            case CANCELLED ->
                json(HttpStatus.OK, Map.of("error", "cancelled before it was sent upstream", "category", "user"));
            default -> waiting(job, requestId);
        };
    }

    private ResponseEntity<byte[]> waiting(Job job, String requestId) {
        QueueFields q = waits.estimate(job).queue();
        // mint's rule: Retry-After is the whole seconds of retry_after_s, at least 1.
        long retryAfter = Math.max(1, q.retryAfterS() == null ? 1 : (long) Math.floor(q.retryAfterS()));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("request_id", requestId);
        body.put("type", "try_again");
        body.put("status", q.status());
        body.put("queue_state", q.queueState());
        body.put("queue_state_reason", q.queueStateReason());
        body.put("queue_position", q.queuePosition());
        body.put("queue_depth", q.queueDepth());
        body.put("estimated_wait_s", q.estimatedWaitS());
        body.put("progress", q.progressJson() == null ? null : json.readTree(q.progressJson()));
        body.put("retry_after_s", (double) retryAfter);
        HttpHeaders headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        headers.set(HttpHeaders.CACHE_CONTROL, "no-store");
        if (q.queueDepth() != null) {
            headers.set("X-Queue-Depth", q.queueDepth().toString());
        }
        if (q.queuePosition() != null) {
            headers.set("X-Queue-Position", q.queuePosition().toString());
        }
        if (q.estimatedWaitS() != null) {
            headers.set("X-Queue-ETA-S", String.format(Locale.ROOT, "%.3f", q.estimatedWaitS()));
        }
        if (q.status() != null) {
            headers.set("X-Queue-Status", q.status());
        }
        headers.setContentType(MediaType.APPLICATION_JSON);
        return new ResponseEntity<>(json.writeValueAsBytes(body), headers, HttpStatus.REQUEST_TIMEOUT);
    }

    ResponseEntity<byte[]> json(HttpStatus status, Object body) {
        byte[] bytes = body instanceof byte[] b ? b : json.writeValueAsBytes(body);
        return ResponseEntity.status(status)
                .contentType(MediaType.APPLICATION_JSON)
                .body(bytes);
    }
}
