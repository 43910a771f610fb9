package dev.sluice.upstream;

import dev.sluice.job.ClaimedJob;
import dev.sluice.job.QueueFields;
import dev.sluice.job.StorableJson;
import dev.sluice.job.SubmitKey;
import dev.sluice.job.UpstreamObservation;
import java.net.URI;
import java.net.http.HttpRequest;
import java.util.Locale;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * OpenAI-compatible APIs such as Groq's ({@code openai} protocol, PROTOCOLS.md section 2): the
 * job's endpoint is the path and its payload the body; the answer comes in the same call. 429 and
 * Groq's 498 put the job back without using an attempt; the {@code x-ratelimit-*} headers go to
 * the history and pause the upstream when a budget runs out; 5xx and timeouts are retried; other
 * 4xx fail the job with the body as its error.
 *
 * <p>These APIs have no idempotency: a request whose answer was lost (timeout, crash) may have
 * been served. Sluice sends {@code Idempotency-Key: sluice-<job>-<seq_id>} anyway, which servers
 * that know it may use (and the emulator counts).
 */
final class OpenAiUpstream implements Upstream {

    private final String name;
    private final String base;
    private final String apiKey;
    private final UpstreamProperties.Config config;
    private final ObjectMapper json;
    private final UpstreamHttp http;

    OpenAiUpstream(String name, UpstreamProperties.Config config, ObjectMapper json) {
        this.name = name;
        String url = config.baseUrl().toString();
        this.base = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
        this.apiKey = config.apiKey();
        this.config = config;
        this.json = json;
        this.http = new UpstreamHttp(name, config, json);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Submission submit(ClaimedJob job, SubmitKey key) throws UpstreamException {
        String path = job.endpoint();
        // Checked at enqueue; checked again for a job stored before the rule, or before the list changed.
        if (EndpointPath.problem(path) != null || !config.sendsTo(path)) {
            throw new UpstreamException.Permanent(
                    "endpoint " + UpstreamHttp.excerpt(path) + " is not one upstream " + name + " sends to", null);
        }
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/json")
                .header("Idempotency-Key", "sluice-" + job.id() + "-" + job.upstreamSeqId())
                .POST(HttpRequest.BodyPublishers.ofString(job.payloadJson()));
        if (apiKey != null && !apiKey.isEmpty()) {
            b.header("Authorization", "Bearer " + apiKey);
        }
        UpstreamHttp.Answer r = http.send(b.build(), path);
        int status = r.status();
        RateLimitHeaders limits = RateLimitHeaders.of(r.headers());
        UpstreamObservation observed = observed(status, r);
        if (status >= 200 && status < 300) {
            return new Submission.Completed(
                    http.result(status, r.body()),
                    observed,
                    limits.pauseBefore(job.tokenCount()).orElse(null),
                    limits.moreThatFit(job.tokenCount()));
        }
        String detail = UpstreamHttp.excerpt(r.body());
        if (status == 429 || status == 498) {
            throw new UpstreamException.RateLimited(detail, status, limits.retryAfterOr(r.body()), observed);
        }
        if (status >= 500 || status == 408) {
            throw new UpstreamException.Retryable(detail, status, null);
        }
        throw new UpstreamException.Permanent(detail, status);
    }

    /** The answer's rate-limit headers as a history row (no queue fields: these APIs have none). */
    private UpstreamObservation observed(int status, UpstreamHttp.Answer r) {
        ObjectNode headers = json.createObjectNode();
        r.headers().map().forEach((header, values) -> {
            String lower = header.toLowerCase(Locale.ROOT);
            if (lower.startsWith("x-ratelimit-") || lower.equals("retry-after")) {
                headers.put(lower, StorableJson.cleaned(values.getFirst(), TinkerSnapshots.MAX_FIELD));
            }
        });
        if (headers.isEmpty()) {
            return null;
        }
        return new UpstreamObservation(status, QueueFields.NONE, headers.toString());
    }

    /** No idempotency: a request whose answer was lost may have been served. */
    @Override
    public boolean recognisesResends() {
        return false;
    }

    @Override
    public PollResult poll(String requestId) {
        throw new IllegalStateException("openai jobs finish when submitted; there is nothing to poll");
    }
}
