package dev.sluice.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Supplier;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Sluice's API over HTTP, as the CLI uses it: the key from {@code SLUICE_API_KEY} as a bearer
 * token, JSON answers read into trees, a problem document turned into a {@link CliException}
 * naming each broken rule.
 */
final class SluiceClient {

    static final ObjectMapper JSON = JsonMapper.builder().build();
    /** The most of an error answer read: a problem document is small. */
    private static final int MAX_ERROR = 64 * 1024;

    private final URI base;
    private final String key;
    private final HttpClient http;

    SluiceClient(String url, String key) {
        if (url == null || url.isBlank()) {
            throw new CliException("SLUICE_URL is empty; set it to Sluice's address, such as http://localhost:8080", 1);
        }
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.key = key;
        this.http =
                HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    }

    JsonNode get(String path) {
        return json(send(request(path).GET()));
    }

    JsonNode post(String path, String jsonBody) {
        HttpRequest.Builder b = request(path).header("Content-Type", "application/json");
        return json(send(b.POST(
                jsonBody == null
                        ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(jsonBody))));
    }

    JsonNode delete(String path) {
        return json(send(request(path).DELETE()));
    }

    JsonNode postStream(String path, String contentType, Supplier<InputStream> body) {
        return json(send(request(path)
                .header("Content-Type", contentType)
                .timeout(Duration.ofHours(1))
                .POST(HttpRequest.BodyPublishers.ofInputStream(body))));
    }

    /** Copies the answer's body to {@code out}; the bytes copied. */
    long download(String path, OutputStream out) {
        HttpResponse<InputStream> r = exchange(request(path)
                .setHeader("Accept", "*/*")
                .timeout(Duration.ofHours(1))
                .GET());
        try (InputStream in = r.body()) {
            if (r.statusCode() >= 400) {
                throw problem(r.statusCode(), new String(in.readNBytes(MAX_ERROR), StandardCharsets.UTF_8));
            }
            return in.transferTo(out);
        } catch (IOException e) {
            throw new CliException("reading the answer from " + base + " failed: " + e.getMessage(), 1);
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path.startsWith("/") ? path.substring(1) : path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json");
        if (key != null && !key.isBlank()) {
            b.header("Authorization", "Bearer " + key.strip());
        }
        return b;
    }

    private String send(HttpRequest.Builder b) {
        HttpResponse<InputStream> r = exchange(b);
        try (InputStream in = r.body()) {
            String text = new String(
                    r.statusCode() >= 400 ? in.readNBytes(MAX_ERROR) : in.readAllBytes(), StandardCharsets.UTF_8);
            if (r.statusCode() >= 400) {
                throw problem(r.statusCode(), text);
            }
            return text;
        } catch (IOException e) {
            throw new CliException("reading the answer from " + base + " failed: " + e.getMessage(), 1);
        }
    }

    private HttpResponse<InputStream> exchange(HttpRequest.Builder b) {
        try {
            return http.send(b.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (ConnectException e) {
            throw new CliException("cannot reach Sluice at " + base + " (is it running? is SLUICE_URL right?)", 1);
        } catch (IOException e) {
            throw new CliException("talking to Sluice at " + base + " failed: " + e.getMessage(), 1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CliException("interrupted", 130);
        }
    }

    private static JsonNode json(String text) {
        return text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
    }

    /** The answer's problem document as one message: title, detail, and each field's rule. */
    static CliException problem(int status, String body) {
        StringBuilder m = new StringBuilder("Sluice answered " + status);
        try {
            JsonNode p = JSON.readTree(body);
            if (p.has("title")) {
                m.append(": ").append(p.get("title").asString());
            }
            if (p.has("detail")) {
                m.append(": ").append(p.get("detail").asString());
            }
            JsonNode errors = p.get("errors");
            if (errors != null && errors.isArray()) {
                for (JsonNode e : errors.values()) {
                    m.append("\n  ");
                    if (e.has("line")) {
                        m.append("line ").append(e.get("line").asInt()).append(": ");
                    }
                    m.append(e.path("field").asString())
                            .append(" ")
                            .append(e.path("rule").asString());
                }
            }
        } catch (RuntimeException notJson) {
            m.append(": ").append(body.length() > 300 ? body.substring(0, 300) + "…" : body);
        }
        if (status == 401) {
            m.append("\n  (set SLUICE_API_KEY to a key of yours)");
        }
        return new CliException(m.toString(), 1);
    }
}
