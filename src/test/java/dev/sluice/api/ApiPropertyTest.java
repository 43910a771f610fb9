package dev.sluice.api;

import static org.assertj.core.api.Assertions.assertThat;

import dev.sluice.Api;
import dev.sluice.Fixtures;
import dev.sluice.QuietSluiceTest;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.RepetitionInfo;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.simple.JdbcClient;

/**
 * Random and mutated requests against a running instance on real PostgreSQL: wrong types, sizes
 * past every limit, deep nesting, numbers past every range, U+0000, unpaired surrogates, bytes
 * that are not UTF-8, names given twice, truncated and corrupted bodies, odd query parameters and
 * headers. None may answer 5xx, every refusal is a problem document, and a refused request leaves
 * no row behind. Each repetition has its own seed (in the failure message), so a failure replays.
 */
@QuietSluiceTest
class ApiPropertyTest {

    private static final int CASES = 150;

    @LocalServerPort
    int port;

    @Autowired
    JdbcClient jdbc;

    Api api;
    Random random;

    @BeforeEach
    void setUp() {
        Fixtures.truncate(jdbc);
        api = new Api(port);
    }

    @RepeatedTest(3)
    void noRequestGetsA5xxOrLeavesARowWhenRefused(RepetitionInfo repetition) {
        long seed = 7919L * repetition.getCurrentRepetition();
        random = new Random(seed);
        for (int i = 0; i < CASES; i++) {
            Request r = request();
            long[] before = rows();
            Api.Answer a = r.send().get();
            String what = "seed " + seed + ", case " + i + ": " + r.describe();
            assertThat(a.status()).as(what).isLessThan(500);
            // 408 is the answer to a poll of an unfinished job (with X-Sluice-Backpressure), not an error.
            if (a.status() >= 400 && a.status() != 408) {
                assertThat(a.header("Content-Type")).as(what).startsWith("application/problem+json");
                assertThat(rows()).as(what + " left rows behind").containsExactly(before);
            }
        }
    }

    /** Rows of every table a request can write. */
    private long[] rows() {
        return new long[] {
            jdbc.sql("SELECT count(*) FROM job").query(Long.class).single(),
            jdbc.sql("SELECT count(*) FROM batch").query(Long.class).single(),
            jdbc.sql("SELECT count(*) FROM job_status_history")
                    .query(Long.class)
                    .single(),
            jdbc.sql("SELECT count(*) FROM callback_delivery").query(Long.class).single()
        };
    }

    private record Request(String describe, Supplier<Api.Answer> send) {}

    private Request request() {
        return switch (random.nextInt(7)) {
            case 0, 1 -> {
                byte[] body = mutate(job().getBytes(StandardCharsets.UTF_8));
                String type = random.nextInt(10) == 0
                        ? pick("text/plain", "application/json; charset=latin1", "*/*")
                        : "application/json";
                String[] headers = random.nextInt(4) == 0 ? new String[] {"Idempotency-Key", header()} : new String[0];
                yield new Request(
                        "POST /api/v1/jobs " + show(body), () -> api.postBytes("/api/v1/jobs", type, body, headers));
            }
            case 2, 3 -> {
                StringBuilder lines = new StringBuilder();
                int n = 1 + random.nextInt(4);
                for (int i = 0; i < n; i++) {
                    lines.append(job().replace("\"custom_id\":null", "\"custom_id\":\"c" + i + "\""))
                            .append('\n');
                }
                byte[] body = mutate(lines.toString().getBytes(StandardCharsets.UTF_8));
                String query = random.nextBoolean() ? "" : "?priority=" + enc(text()) + "&upstream=" + enc(text());
                yield new Request(
                        "POST /api/v1/batches" + query + " (ndjson) " + show(body),
                        () -> api.postBytes(
                                "/api/v1/batches" + query,
                                "application/x-ndjson",
                                body,
                                "Idempotency-Key",
                                "k" + random.nextInt(3)));
            }
            case 4 -> {
                String array = "[" + job().replace("\"custom_id\":null,", "") + ","
                        + job().replace("\"custom_id\":null,", "") + "]";
                byte[] body = mutate(array.getBytes(StandardCharsets.UTF_8));
                yield new Request(
                        "POST /api/v1/batches (array) " + show(body),
                        () -> api.postBytes("/api/v1/batches", "application/json", body));
            }
            case 5 -> {
                String query =
                        "from=" + enc(date()) + "&to=" + enc(date()) + "&bucket=" + enc(pick("hour", "day", text()))
                                + "&group_by=" + enc(pick("priority", "upstream", "batch", text()));
                String path = pick("/api/v1/reports/wait-times?", "/api/v1/reports/queue-depth?") + query;
                yield new Request("GET " + path, () -> api.get(path, "Accept", pick("application/json", "text/csv")));
            }
            default -> {
                String path = pick(
                        "/api/v1/jobs/" + enc(id()),
                        "/api/v1/jobs/" + enc(id()) + "/history",
                        "/api/v1/batches/" + enc(id()),
                        "/api/v1/batches/" + enc(id()) + "/jobs?limit=" + enc(id()) + "&after=" + enc(id()) + "&state="
                                + enc(text()));
                yield new Request(
                        "GET " + path, () -> api.get(path, "X-Sluice-Backpressure", pick("1", "0", header())));
            }
        };
    }

    /** A valid job, with each field possibly replaced by a value of any type or size. */
    private String job() {
        String[][] fields = {
            {"endpoint", "\"/v1/chat\""},
            {"payload", "{\"prompt\":\"hi\",\"n\":[1,2,3]}"},
            {"token_count", "12"},
            {"priority", "\"high\""},
            {"upstream", "\"noop\""},
            {"max_attempts", "3"},
            {"custom_id", "null"},
            {"callback_url", "null"}
        };
        StringBuilder b = new StringBuilder("{");
        for (String[] f : fields) {
            if (random.nextInt(12) == 0) {
                continue; // a field left out
            }
            String value = random.nextInt(4) == 0 ? value(0) : f[1];
            b.append(b.length() > 1 ? "," : "")
                    .append('"')
                    .append(f[0])
                    .append("\":")
                    .append(value);
            if (random.nextInt(25) == 0) {
                b.append(",\"").append(f[0]).append("\":").append(value(0)); // the name twice
            }
        }
        if (random.nextInt(10) == 0) {
            b.append(",").append(quoted(text())).append(":").append(value(0)); // an unknown field
        }
        return b.append('}').toString();
    }

    /** A JSON value of any type, size, nesting and text. */
    private String value(int depth) {
        return switch (random.nextInt(depth > 3 ? 7 : 10)) {
            case 0 -> quoted(text());
            case 1 ->
                pick(
                        "0",
                        "-1",
                        "1e999",
                        "-1e999",
                        "1e-99999",
                        "12345678901234567890123456789012345678901234567890",
                        "2147483648",
                        "1.5",
                        "-0",
                        "1E+400",
                        "0.000001",
                        "9".repeat(900));
            case 2 -> pick("true", "false", "null");
            case 3 -> quoted("x".repeat(random.nextInt(3) == 0 ? 70_000 : random.nextInt(300)));
            case 4 ->
                "[".repeat(random.nextInt(3) == 0 ? 700 : 50) + "1" + "]".repeat(random.nextInt(3) == 0 ? 700 : 50);
            case 5 -> quoted("/" + text());
            case 6 ->
                quoted("http://" + pick("127.0.0.1", "169.254.169.254", "[::1]", "0x7f000001", "10.0.0.1", text())
                        + "/h");
            case 7 -> "[" + value(depth + 1) + "," + value(depth + 1) + "]";
            case 8 -> "{" + quoted(text()) + ":" + value(depth + 1) + "}";
            default -> "{\"a\":" + value(depth + 1) + ",\"a\":" + value(depth + 1) + "}";
        };
    }

    /** Text with whatever a client might send: escapes of U+0000 and lone surrogates, emoji, RTL, controls. */
    private String text() {
        StringBuilder s = new StringBuilder();
        int n = random.nextInt(12);
        for (int i = 0; i < n; i++) {
            s.append(
                    switch (random.nextInt(12)) {
                        case 0 -> "\\u0000";
                        case 1 -> "\\ud800";
                        case 2 -> "\\udfff";
                        case 3 -> "😀";
                        case 4 -> "שלום";
                        case 5 -> "e\u0301";
                        case 6 -> "\\n\\t\\\"";
                        case 7 -> "\uFEFF";
                        case 8 -> "%00";
                        case 9 -> "../";
                        default -> Character.toString('a' + random.nextInt(26));
                    });
        }
        return s.toString();
    }

    /** The bytes, sometimes corrupted: cut short, a byte flipped, bytes that are not UTF-8, garbage inserted. */
    private byte[] mutate(byte[] body) {
        if (body.length == 0 || random.nextInt(3) != 0) {
            return body;
        }
        byte[] out = body.clone();
        switch (random.nextInt(4)) {
            case 0 -> out = java.util.Arrays.copyOf(out, random.nextInt(out.length));
            case 1 -> out[random.nextInt(out.length)] = (byte) random.nextInt(256);
            case 2 ->
                out[random.nextInt(out.length)] = (byte) (0x80 + random.nextInt(0x40)); // a lone continuation byte
            default -> {
                int at = random.nextInt(out.length);
                byte[] garbage =
                        pick("}", "]", "\",", "{{", "\u0000", ",,", "\n").getBytes(StandardCharsets.UTF_8);
                byte[] longer = new byte[out.length + garbage.length];
                System.arraycopy(out, 0, longer, 0, at);
                System.arraycopy(garbage, 0, longer, at, garbage.length);
                System.arraycopy(out, at, longer, at + garbage.length, out.length - at);
                out = longer;
            }
        }
        return out;
    }

    private String date() {
        return pick(
                "2026-11-23",
                "2026-11-23T10:00:00Z",
                "+100000-01-01T00:00:00Z",
                "-5000-01-01T00:00:00Z",
                "0000-01-01",
                "9999-12-31",
                "yesterday",
                "",
                text());
    }

    private String id() {
        return pick("1", "0", "-1", "99999999999999999999", "abc", "1e3", "%00", "", text());
    }

    private String header() {
        // Header values are ASCII: what an HTTP client can send at all.
        return pick("k1", "", " ", "x".repeat(300), "k\t2", "ключ".replaceAll("[^ -~]", "?"));
    }

    @SafeVarargs
    private <T> T pick(T... options) {
        return options[random.nextInt(options.length)];
    }

    private static String quoted(String text) {
        return "\"" + text.replace("\"", "\\\"") + "\"";
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String show(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.length() > 300 ? s.substring(0, 300) + "… (" + body.length + " bytes)" : s;
    }
}
