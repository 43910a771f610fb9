package dev.sluice.upstream;

import dev.sluice.job.QueueFields;
import dev.sluice.job.StorableJson;
import dev.sluice.job.UpstreamObservation;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads a Tinker queue answer (body and {@code Retry-After}/{@code X-Queue-*} headers) as a snapshot. */
final class TinkerSnapshots {

    /** The longest text of a queue field or header kept; the longest progress kept. */
    static final int MAX_FIELD = 256;

    static final int MAX_PROGRESS = 4096;

    /** The longest wait before the next poll, whatever the upstream asks for. */
    static final Duration MAX_POLL_AFTER = Duration.ofMinutes(10);

    private TinkerSnapshots() {}

    static UpstreamObservation of(int httpStatus, JsonNode body, HttpHeaders headers, ObjectMapper json) {
        ObjectNode queueHeaders = json.createObjectNode();
        headers.map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("retry-after") || lower.startsWith("x-queue-")) {
                queueHeaders.put(
                        StorableJson.cleaned(lower, MAX_FIELD), StorableJson.cleaned(values.getFirst(), MAX_FIELD));
            }
        });
        JsonNode progress = body.get("progress");
        QueueFields queue = new QueueFields(
                text(body, "status", headers.firstValue("X-Queue-Status").orElse(null)),
                text(body, "queue_state", null),
                text(body, "queue_state_reason", null),
                integer(
                        body,
                        "queue_position",
                        headers.firstValue("X-Queue-Position").orElse(null)),
                integer(body, "queue_depth", headers.firstValue("X-Queue-Depth").orElse(null)),
                number(
                        body,
                        "estimated_wait_s",
                        headers.firstValue("X-Queue-ETA-S").orElse(null)),
                progress(progress),
                number(body, "retry_after_s", null));
        return new UpstreamObservation(httpStatus, queue, queueHeaders.isEmpty() ? null : queueHeaders.toString());
    }

    /** When to poll again: Retry-After, else the body's retry_after_s, never sooner than the floor. */
    static Duration pollAfter(UpstreamObservation s, HttpHeaders headers, Duration floor) {
        Duration after = retryAfterHeader(headers)
                .orElse(
                        s.queue().retryAfterS() == null
                                ? floor
                                : Duration.ofMillis((long) (s.queue().retryAfterS() * 1000)));
        return after.compareTo(floor) < 0 ? floor : after.compareTo(MAX_POLL_AFTER) > 0 ? MAX_POLL_AFTER : after;
    }

    /** The upstream's progress as it came, if it is small and storable; else none. */
    private static String progress(JsonNode progress) {
        if (progress == null || progress.isNull()) {
            return null;
        }
        String text = progress.toString();
        java.util.List<dev.sluice.job.Violation> unstorable = new java.util.ArrayList<>();
        StorableJson.check(progress, "progress", unstorable, 1);
        return text.length() <= MAX_PROGRESS && unstorable.isEmpty() ? text : null;
    }

    static Optional<Duration> retryAfterHeader(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(v -> {
            try {
                double seconds = Double.parseDouble(v.trim());
                return Double.isFinite(seconds)
                        ? Optional.of(Duration.ofMillis((long) (Math.min(seconds, 86_400) * 1000)))
                        : Optional.empty();
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: rare here; the caller's default applies
            }
        });
    }

    private static String text(JsonNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return StorableJson.cleaned(fallback, MAX_FIELD);
        }
        return StorableJson.cleaned(v.isString() ? v.asString() : v.toString(), MAX_FIELD);
    }

    private static Integer integer(JsonNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v != null && v.canConvertToInt()) {
            return v.intValue();
        }
        try {
            return fallback == null ? null : Integer.valueOf(fallback.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static Double number(JsonNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v != null && v.isNumber()) {
            return Double.isFinite(v.doubleValue()) ? v.doubleValue() : null;
        }
        try {
            Double d = fallback == null ? null : Double.valueOf(fallback.trim());
            return d == null || Double.isFinite(d) ? d : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
