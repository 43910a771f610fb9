import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
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
 *   single NAME BASE N CLIENTS BODY    N x POST /api/v1/jobs from CLIENTS threads: jobs/s
 *   get NAME BASE PATH N [H V]         N x GET PATH, one at a time: p50 and p99 in ms
 *   trickle BASE N PAUSE_MS BODY       N x POST /api/v1/jobs, one every PAUSE_MS (for idle latency)
 * </pre>
 */
public class Load {

    static final HttpClient HTTP = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "batch" -> batch(args[1], args[2], Path.of(args[3]));
            case "single" -> single(args[1], args[2], Integer.parseInt(args[3]), Integer.parseInt(args[4]), args[5]);
            case "get" -> get(args[1], args[2], args[3], Integer.parseInt(args[4]), args.length > 6 ? args[5] : null,
                    args.length > 6 ? args[6] : null);
            case "trickle" -> trickle(args[1], Integer.parseInt(args[2]), Long.parseLong(args[3]), args[4]);
            default -> throw new IllegalArgumentException("unknown command " + args[0]);
        }
    }

    static void batch(String name, String base, Path file) throws Exception {
        long lines = java.nio.file.Files.lines(file).count();
        long t0 = System.nanoTime();
        HttpResponse<String> r = HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/batches"))
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
                    while (next.getAndIncrement() < n) {
                        check(post(base, body), 201);
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%s %.0f jobs/s%n", name, n / s);
    }

    static void get(String name, String base, String path, int n, String header, String value) throws Exception {
        List<Double> ms = new ArrayList<>();
        for (int i = 0; i < n + 20; i++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
            if (header != null) {
                b.header(header, value);
            }
            long t0 = System.nanoTime();
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            double took = (System.nanoTime() - t0) / 1e6;
            if (r.statusCode() >= 500) {
                throw new IllegalStateException("GET " + path + ": " + r.statusCode() + " " + r.body());
            }
            if (i >= 20) { // the first 20 warm up
                ms.add(took);
            }
        }
        Collections.sort(ms);
        System.out.printf("%s_p50 %.2f ms%n%s_p99 %.2f ms%n", name, ms.get(ms.size() / 2), name,
                ms.get((int) Math.ceil(ms.size() * 0.99) - 1));
    }

    static void trickle(String base, int n, long pauseMs, String body) throws Exception {
        for (int i = 0; i < n; i++) {
            check(post(base, body), 201);
            Thread.sleep(pauseMs);
        }
    }

    static HttpResponse<String> post(String base, String body) throws Exception {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create(base + "/api/v1/jobs"))
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
}
