package dev.sluice.emulator;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.springframework.context.annotation.Profile;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;

/**
 * Answers a test has scripted for the next calls to one path ({@code asample},
 * {@code retrieve_future} or {@code create_session}), taken first in, first out, before the emulator's own logic: so each
 * outcome of the protocol can be produced on demand, over real HTTP.
 */
@Profile("emulator")
@Component
class ForcedAnswers {

    /**
     * A scripted call. With a {@code status}: that answer, after hanging {@code hangMillis} first (a
     * client's timeout then fires). Without one: the emulator's own handling, {@code hangMillis}
     * late (a slow upstream), its reply held back {@code hangAfterMillis} after the work was taken
     * (a client killed in that window never learns the upstream accepted).
     */
    record Forced(
            Integer status,
            JsonNode body,
            Map<String, String> headers,
            long hangMillis,
            long hangAfterMillis,
            Raw raw) {

        boolean scripted() {
            return status != null;
        }
    }

    /**
     * A body given as bytes rather than JSON, for answers a real upstream should never give: {@code
     * text} written {@code repeat} times (streamed, so it may be far larger than memory), a pause
     * of {@code trickleMillis} before each.
     */
    record Raw(String text, long repeat, long trickleMillis) {}

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

    /** Answers the next call to {@code path}: a scripted answer, or {@code normal} around the hangs. */
    ResponseEntity<Object> answer(String path, Supplier<ResponseEntity<Object>> normal) {
        Forced f = next(path);
        if (f == null) {
            return normal.get();
        }
        if (f.scripted()) {
            return scriptedAnswer(f);
        }
        sleep(f.hangMillis());
        ResponseEntity<Object> answer = normal.get();
        sleep(f.hangAfterMillis());
        return answer;
    }

    /** The scripted answer, after its hang. */
    static ResponseEntity<Object> scriptedAnswer(Forced f) {
        sleep(f.hangMillis());
        ResponseEntity.BodyBuilder b = ResponseEntity.status(f.status());
        f.headers().forEach(b::header);
        if (f.raw() != null) {
            if (!f.headers().containsKey("Content-Type")) {
                b.contentType(org.springframework.http.MediaType.TEXT_PLAIN);
            }
            return b.body(new org.springframework.core.io.InputStreamResource(new RawBody(f.raw())));
        }
        return f.body() == null ? b.build() : b.body(f.body());
    }

    private static void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Produces a {@link Raw} body as it is read, without holding it. */
    private static final class RawBody extends java.io.InputStream {
        private final byte[] text;
        private final long total;
        private final long trickleMillis;
        private long sent;

        RawBody(Raw raw) {
            this.text = raw.text().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            this.total = text.length * Math.max(1, raw.repeat());
            this.trickleMillis = raw.trickleMillis();
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            if (sent >= total) {
                return -1;
            }
            if (trickleMillis > 0) {
                sleep(trickleMillis);
                len = 1; // one byte per pause
            }
            int n = (int) Math.min(len, total - sent);
            for (int i = 0; i < n; i++) {
                b[off + i] = text[(int) ((sent + i) % text.length)];
            }
            sent += n;
            return n;
        }
    }

    synchronized void clear() {
        byPath.clear();
    }
}
