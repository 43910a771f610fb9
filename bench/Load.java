import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The HTTP side of bench/run.sh, run as a single-file program (java bench/Load.java ...): one
 * HttpClient, real requests to a running Sluice. Prints "name value unit" lines.
 *
 * <pre>
 *   batch NAME BASE FILE               POST FILE (NDJSON) to /api/v1/batches: jobs/s
 *   single NAME BASE N CLIENTS BODY [WARMUP]
 *                                      N x POST /api/v1/jobs from CLIENTS threads: jobs/s, after
 *                                      WARMUP untimed ones (client and server JIT-compiled)
 *   get NAME BASE PATH N [H V]         N x GET PATH, one at a time, after 500 untimed: p50 and p99 in ms
 *   trickle BASE N PAUSE_MS BODY       N x POST /api/v1/jobs, one every PAUSE_MS (for idle latency)
 *   rate NAME URL N CLIENTS            N x GET URL from CLIENTS threads: requests/s (the HTTP
 *                                      ceiling of this client and server on this machine)
 * </pre>
 */
public class Load {

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    /** The key every request carries: SLUICE_ADMIN_KEY, as the instances were started with. */
    static final String KEY = System.getenv("SLUICE_ADMIN_KEY");

    static HttpRequest.Builder keyed(HttpRequest.Builder b) {
        return KEY == null ? b : b.header("Authorization", "Bearer " + KEY);
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "batch" -> batch(args[1], args[2], Path.of(args[3]));
            case "single" -> {
                int warmup = args.length > 6 ? Integer.parseInt(args[6]) : 0;
                if (warmup > 0) {
                    single(null, args[2], warmup, Integer.parseInt(args[4]), args[5]);
                }
                single(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
            }
            case "get" -> get(args[1], args[2], args[3], Integer.parseInt(args[4]), args.length > 6 ? args[5] : null,
                    args.length > 6 ? args[6] : null);
            case "rate" -> rate(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]));
            case "trickle" -> trickle(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), args[4]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void batch(String name, String base, Path file) throws Exception {
        long lines = java.nio.file.Files.lines(file).count();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(
                keyed(HttpRequest.newBuilder(URI.create(base + "/api/v1/batches")))
                        .header("Content-Type", "application/x-ndjson")
                        .POST(HttpRequest.BodyPublishers.ofFile(file))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
        double s = (System.nanoTime() - t0) / 1e9;
        check(r, 201);
        System.out.printf("%s %.0f jobs/s%n", name, lines / s);
    }

    static void single(String name, String base, int n, int clients, String body) throws Exception {
        AtomicInteger next = new AtomicInteger();
        List<Future<?>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    try (Connection http = new Connection(URI.create(base))) {
                        while (next.getAndIncrement() < n) {
                            http.expect(http.exchange("POST", "/api/v1/jobs", body), 201);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        if (name != null) {
            System.out.printf("%s %.0f jobs/s%n", name, n / s);
        }
    }

    static void rate(String name, String url, int n, int clients) throws Exception {
        AtomicInteger next = new AtomicInteger();
        URI uri = URI.create(url);
        List<Future<?>> done = new ArrayList<>();
        long t0 = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            for (int c = 0; c < clients; c++) {
                done.add(pool.submit(() -> {
                    try (Connection http = new Connection(uri)) {
                        while (next.getAndIncrement() < n) {
                            http.expect(http.exchange("GET", uri.getRawPath(), null), 200);
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s %.0f requests/s%n", name, n / s);
    }

    static void get(String name, String base, String path, int n, String header, String value) throws Exception {
        List<Double> ms = new ArrayList<>();
        int warmup = 500; // client and server JIT-compiled before anything is timed
        try (Connection http = new Connection(URI.create(base))) {
            for (int i = 0; i < n + warmup; i++) {
                long t0 = System.nanoTime();
                int status = http.exchange("GET", path, null, header, value);
                double took = (System.nanoTime() - t0) / 1e6;
                if (status >= 500) {
                    http.expect(status, 200);
                }
                if (i >= warmup) {
                    ms.add(took);
                }
            }
        }
        Collections.sort(ms);
        System.out.printf("%s_p50 %.2f ms%n%s_p90 %.2f ms%n%s_p99 %.2f ms%n%s_max %.2f ms%n", name,
                ms.get(ms.size() / 2), name, ms.get((int) Math.ceil(ms.size() * 0.9) - 1), name,
                ms.get((int) Math.ceil(ms.size() * 0.99) - 1), name, ms.getLast());
    }

    static void trickle(String base, int n, long pauseMs, String body) throws Exception {
        for (int i = 0; i < n; i++) {
            check(post(base, body), 201);
            Thread.sleep(pauseMs);
        }
    }

    static HttpResponse<String> post(String base, String body) throws Exception {
        return HTTP.send(
                keyed(HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs")))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    static void check(HttpResponse<String> r, int expected) {
        if (r.statusCode() != expected) {
            throw new IllegalStateException(r.request().uri() + " answered " + r.statusCode() + ": " + r.body());
        }
    }

    /**
     * One kept-alive HTTP/1.1 connection, spoken by hand: the load generator shares the 2 cores with
     * the server and PostgreSQL, and java.net.http.HttpClient spent so much CPU per request that it
     * was what got measured (2,500 trivial GETs/s from 8 threads where wrk reached 32,000 against
     * the same server, 2026-11-23). This writes a request and reads one response, nothing else.
     */
    static final class Connection implements AutoCloseable {
        private final URI base;
        private final String host;
        private Socket socket;
        private InputStream in;
        private OutputStream out;
        private String lastBody = "";

        Connection(URI base) throws IOException {
            this.base = base;
            host = base.getHost() + ":" + base.getPort();
            open();
        }

        private void open() throws IOException {
            socket = new Socket(base.getHost(), base.getPort());
            socket.setTcpNoDelay(true);
            in = new BufferedInputStream(socket.getInputStream(), 1 << 14);
            out = new BufferedOutputStream(socket.getOutputStream(), 1 << 14);
        }

        /** Sends one request ({@code body} as JSON, or none) and returns the response's status. */
        int exchange(String method, String path, String body) throws IOException {
            return exchange(method, path, body, null, null);
        }

        /** The same, with one more header when {@code header} is not null. */
        int exchange(String method, String path, String body, String header, String value) throws IOException {
            byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder head = new StringBuilder(method).append(' ').append(path).append(" HTTP/1.1\r\nHost: ")
                    .append(host).append("\r\n");
            if (KEY != null) {
                head.append("Authorization: Bearer ").append(KEY).append("\r\n");
            }
            if (header != null) {
                head.append(header).append(": ").append(value).append("\r\n");
            }
            if (body != null) {
                head.append("Content-Type: application/json\r\nContent-Length: ").append(bytes.length).append("\r\n");
            }
            out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            String status = line();
            int code = Integer.parseInt(status.substring(9, 12));
            long length = -1;
            boolean chunked = false;
            boolean close = false;
            for (String h = line(); !h.isEmpty(); h = line()) {
                String lower = h.toLowerCase(Locale.ROOT);
                if (lower.startsWith("connection:") && lower.contains("close")) {
                    close = true; // the server's keep-alive limit: the next request opens a new one
                } else if (lower.startsWith("content-length:")) {
                    length = Long.parseLong(lower.substring(15).trim());
                } else if (lower.startsWith("transfer-encoding:") && lower.contains("chunked")) {
                    chunked = true;
                }
            }
            ByteArrayOutputStream received = new ByteArrayOutputStream();
            if (chunked) {
                for (int size = Integer.parseInt(line().split(";")[0].trim(), 16); size > 0;
                        size = Integer.parseInt(line().split(";")[0].trim(), 16)) {
                    received.write(in.readNBytes(size));
                    line();
                }
                while (!line().isEmpty()) {} // trailers
            } else if (length > 0) {
                received.write(in.readNBytes((int) length));
            }
            lastBody = received.toString(StandardCharsets.UTF_8);
            if (close) {
                socket.close();
                open();
            }
            return code;
        }

        void expect(int status, int expected) {
            if (status != expected) {
                throw new IllegalStateException("answered " + status + " (expected " + expected + "): " + lastBody);
            }
        }

        private String line() throws IOException {
            StringBuilder b = new StringBuilder();
            for (int c = in.read(); c != '\n'; c = in.read()) {
                if (c < 0) {
                    throw new EOFException("the server closed the connection");
                }
                if (c != '\r') {
                    b.append((char) c);
                }
            }
            return b.toString();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
