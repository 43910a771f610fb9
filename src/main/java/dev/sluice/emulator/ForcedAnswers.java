package dev.sluice.emulator;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Answers a test has scripted for the next calls to one path ({@code asample} or
 * {@code retrieve_future}), taken first in, first out, before the emulator's own logic: so each
 * outcome of the protocol can be produced on demand, over real HTTP.
 */
@Profile("emulator")
@Component
class ForcedAnswers {

    /** An answer to give, after hanging {@code hangMillis} first (a client's timeout then fires). */
    record Forced(int status, JsonNode body, Map<String, String> headers, long hangMillis) {}

    private final Map<String, ArrayDeque<Forced>> byPath = new ConcurrentHashMap<>();

    synchronized void add(String path, Forced answer, int count) {
        ArrayDeque<Forced> q = byPath.computeIfAbsent(path, p -> new ArrayDeque<>());
        for (int i = 0; i < count; i++) {
            q.addLast(answer);
        }
    }

    synchronized Forced next(String path) {
        ArrayDeque<Forced> q = byPath.get(path);
        return q == null ? null : q.pollFirst();
    }

    synchronized void clear() {
        byPath.clear();
    }
}
