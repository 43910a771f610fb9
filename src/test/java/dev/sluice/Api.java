package dev.sluice;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Real HTTP to the running instance, with the JSON answer parsed. */
public final class Api {

    public record Answer(int status, Map<String, java.util.List<String>> headers, String body) {
        public JsonNode json() {
            return JSON.readTree(body);
        }

        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .findFirst()
                    .map(e -> e.getValue().getFirst())
                    .orElse(null);
        }
    }

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private final String base;
    private final String key;

    /** Sluice on this port, called with the tests' admin key. */
    public Api(int port) {
        this(port, TestKeys.ADMIN);
    }

    private Api(int port, String key) {
        this.base = "http://127.0.0.1:" + port;
        this.key = key;
    }

    /** The same instance, called with this key ({@code Authorization: Bearer}), or with none (null). */
    public Api as(String key) {
        return new Api(Integer.parseInt(base.replaceAll(".*:", "")), key);
    }

    /** An emulator (or anything but Sluice) on this port: no Sluice key is sent. */
    public static Api emulator(int port) {
        return new Api(port, null);
    }

    /** Adds the key unless the request names one itself. */
    private HttpRequest.Builder keyed(HttpRequest.Builder b, String... headers) {
        for (int i = 0; i < headers.length; i += 2) {
            if (headers[i].equalsIgnoreCase("Authorization") || headers[i].equalsIgnoreCase("X-API-Key")) {
                return b;
            }
        }
        return key == null ? b : b.header("Authorization", "Bearer " + key);
    }

    public Answer get(String path, String... headers) {
        HttpRequest.Builder b =
                keyed(HttpRequest.newBuilder(URI.create(base + path)).GET(), headers);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    /** GET /api/v1/jobs/{id} as JSON. */
    public JsonNode job(long id) {
        return get("/api/v1/jobs/" + id).json();
    }

    /** Waits (up to 30 s) until the job is in {@code state}, and answers it. */
    public JsonNode awaitJobState(long id, String state) {
        org.awaitility.Awaitility.await()
                .atMost(java.time.Duration.ofSeconds(30))
                .until(() -> job(id).get("state").asString().equals(state));
        return job(id);
    }

    public JsonNode json(String text) {
        return JSON.readTree(text);
    }

    public Answer delete(String path, String... headers) {
        HttpRequest.Builder b =
                keyed(HttpRequest.newBuilder(URI.create(base + path)).DELETE(), headers);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public Answer put(String path, String json, String... headers) {
        HttpRequest.Builder b = keyed(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(json)),
                headers);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public Answer post(String path, String contentType, String body, String... headers) {
        HttpRequest.Builder b = keyed(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofString(body)),
                headers);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public Answer postBytes(String path, String contentType, byte[] body, String... headers) {
        HttpRequest.Builder b = keyed(
                HttpRequest.newBuilder(URI.create(base + path))
                        .header("Content-Type", contentType)
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body)),
                headers);
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b.build());
    }

    public Answer postJson(String path, String body, String... headers) {
        return post(path, "application/json", body, headers);
    }

    private static Answer send(HttpRequest request) {
        try {
            HttpResponse<String> r = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new Answer(r.statusCode(), r.headers().map(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
