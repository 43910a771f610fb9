package dev.sluice.upstream;

import dev.sluice.job.StorableJson;
import dev.sluice.job.Violation;
import dev.sluice.runtime.FatalErrors;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.util.unit.DataSize;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.ObjectReader;

/**
 * One HTTP exchange with an upstream, bounded however the upstream behaves: one deadline covers
 * connecting, sending, the headers and the whole body ({@code sluice.upstreams.<name>.timeout}),
 * and the answer is read up to {@code max-response-size}, never further. Past the deadline the
 * exchange is cancelled and the job retried (the same request, by its key); past the size, the job
 * fails saying so.
 */
final class UpstreamHttp {

    /** What the upstream answered: its status, headers and body (UTF-8). */
    record Answer(int status, HttpHeaders headers, String body) {}

    private final String name;
    private final HttpClient http;
    private final Duration timeout;
    private final DataSize maxResponseSize;
    private final ObjectReader answers;

    UpstreamHttp(String name, UpstreamProperties.Config config, ObjectMapper json) {
        this.name = name;
        this.timeout = config.timeout();
        this.maxResponseSize = config.maxResponseSize();
        this.http = HttpClient.newBuilder()
                .connectTimeout(timeout.compareTo(Duration.ofSeconds(10)) < 0 ? timeout : Duration.ofSeconds(10))
                .build();
        // Numbers of an answer are kept as written (no double rounding, no Infinity).
        this.answers = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
    }

    /** Sends {@code request}; {@code what} names the call in errors. */
    Answer send(HttpRequest request, String what) throws UpstreamException {
        CompletableFuture<HttpResponse<String>> exchange =
                http.sendAsync(request, r -> new Bounded((int) maxResponseSize.toBytes()));
        try {
            HttpResponse<String> r = exchange.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return new Answer(r.statusCode(), r.headers(), r.body());
        } catch (TimeoutException e) {
            exchange.cancel(true);
            throw new UpstreamException.Retryable(
                    what + ": no complete answer within " + timeout.toMillis() + " ms", null, e);
        } catch (ExecutionException e) {
            FatalErrors.haltIfFatal(e); // out of memory inside the client's own threads
            if (causedByTooLarge(e)) {
                throw new UpstreamException.Permanent(
                        what + ": the answer is larger than " + maxResponseSize.toBytes() + " bytes (sluice.upstreams."
                                + name + ".max-response-size); the rest was not read",
                        null);
            }
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new UpstreamException.Retryable(
                    what + ": " + cause.getClass().getSimpleName() + " " + cause.getMessage(), null, cause);
        } catch (InterruptedException e) {
            exchange.cancel(true);
            Thread.currentThread().interrupt();
            throw new UpstreamException.Retryable(what + ": interrupted", null, e);
        }
    }

    /**
     * The body of a successful answer as the job's result: JSON that PostgreSQL can store. A body
     * that is not JSON (a proxy's HTML page, a truncated answer) or holds what {@code jsonb}
     * refuses fails this job alone, saying so; it never reaches the statement that writes other
     * jobs' results with it.
     */
    String result(int status, String body) throws UpstreamException {
        JsonNode node;
        try {
            node = answers.readTree(body == null ? "" : body);
        } catch (JacksonException e) {
            node = null;
        }
        if (node == null || node.isMissingNode()) {
            throw new UpstreamException.Permanent(
                    "the upstream answered " + status + " with a body that is not JSON: " + excerpt(body), status);
        }
        List<Violation> unstorable = new ArrayList<>();
        StorableJson.check(node, "(answer)", unstorable, 1);
        if (!unstorable.isEmpty()) {
            Violation v = unstorable.getFirst();
            throw new UpstreamException.Permanent(
                    "the upstream's answer cannot be stored: " + v.field() + " " + v.rule(), status);
        }
        return body;
    }

    private static boolean causedByTooLarge(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof AnswerTooLarge) {
                return true;
            }
        }
        return false;
    }

    static String excerpt(String body) {
        if (body == null || body.isBlank()) {
            return "(no body)";
        }
        String s = body.replace("\u0000", "");
        return s.length() > 200 ? s.substring(0, 200) + "…" : s;
    }

    /** The answer is larger than max-response-size. */
    static final class AnswerTooLarge extends IOException {
        AnswerTooLarge() {
            super("answer too large");
        }
    }

    /** Collects the body up to a limit; one byte more cancels the exchange. */
    private static final class Bounded implements HttpResponse.BodySubscriber<String> {
        private final int limit;
        private final ByteArrayOutputStream body = new ByteArrayOutputStream();
        private final CompletableFuture<String> result = new CompletableFuture<>();
        private Flow.Subscription subscription;

        Bounded(int limit) {
            this.limit = limit;
        }

        @Override
        public CompletionStage<String> getBody() {
            return result;
        }

        @Override
        public void onSubscribe(Flow.Subscription s) {
            subscription = s;
            s.request(1);
        }

        @Override
        public void onNext(List<ByteBuffer> buffers) {
            for (ByteBuffer b : buffers) {
                if (body.size() + b.remaining() > limit) {
                    subscription.cancel();
                    result.completeExceptionally(new AnswerTooLarge());
                    return;
                }
                byte[] bytes = new byte[b.remaining()];
                b.get(bytes);
                body.writeBytes(bytes);
            }
            subscription.request(1);
        }

        @Override
        public void onError(Throwable t) {
            result.completeExceptionally(t);
        }

        @Override
        public void onComplete() {
            result.complete(body.toString(StandardCharsets.UTF_8));
        }
    }
}
