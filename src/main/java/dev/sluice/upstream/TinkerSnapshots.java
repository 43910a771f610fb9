package dev.sluice.upstream;

import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/** Reads a Tinker queue answer (body and {@code Retry-After}/{@code X-Queue-*} headers) as a snapshot. */
final class TinkerSnapshots {

    private TinkerSnapshots() {}

    static UpstreamSnapshot of(int httpStatus, JsonNode body, HttpHeaders headers, ObjectMapper json) {
        ObjectNode queueHeaders = json.createObjectNode();
        headers.map().forEach((name, values) -> {
            String lower = name.toLowerCase(Locale.ROOT);
            if (lower.equals("retry-after") || lower.startsWith("x-queue-")) {
                queueHeaders.put(lower, values.getFirst());
            }
        });
        JsonNode progress = body.get("progress");
        return new UpstreamSnapshot(
                httpStatus,
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
                progress == null || progress.isNull() ? null : progress.toString(),
                number(body, "retry_after_s", null),
                queueHeaders.isEmpty() ? null : queueHeaders.toString());
    }

    /** When to poll again: Retry-After, else the body's retry_after_s, never sooner than the floor. */
    static Duration pollAfter(UpstreamSnapshot s, HttpHeaders headers, Duration floor) {
        Duration after = retryAfterHeader(headers)
                .orElse(s.retryAfterS() == null ? floor : Duration.ofMillis((long) (s.retryAfterS() * 1000)));
        return after.compareTo(floor) < 0 ? floor : after;
    }

    static Optional<Duration> retryAfterHeader(HttpHeaders headers) {
        return headers.firstValue("Retry-After").flatMap(v -> {
            try {
                return Optional.of(Duration.ofMillis((long) (Double.parseDouble(v.trim()) * 1000)));
            } catch (NumberFormatException e) {
                return Optional.empty(); // an HTTP date: rare here; the caller's default applies
            }
        });
    }

    private static String text(JsonNode body, String field, String fallback) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return fallback;
        }
        return v.isString() ? v.asString() : v.toString();
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
            return v.doubleValue();
        }
        try {
            return fallback == null ? null : Double.valueOf(fallback.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
