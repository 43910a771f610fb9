package dev.sluice.upstream;

import dev.sluice.job.ClaimedJob;
import dev.sluice.job.SubmitKey;
import dev.sluice.job.UpstreamObservation;
import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * The Tinker/mint futures API ({@code tinker} protocol, see PROTOCOLS.md): {@code asample} with the
 * backpressure header and an idempotency key, then {@code retrieve_future} polls whose 408 bodies
 * and {@code X-Queue-*} headers become snapshots.
 */
final class TinkerUpstream implements Upstream {

    private static final Logger log = LoggerFactory.getLogger(TinkerUpstream.class);
    /** mint answers a poll sooner than 1 s after the previous one with an immediate 408. */
    static final Duration MIN_POLL_INTERVAL = Duration.ofSeconds(1);

    private final String name;
    private final URI base;
    private final String apiKey;
    private final TinkerSessions sessions;
    private final ObjectMapper json;
    private final UpstreamHttp http;
    private final String defaultModel;

    TinkerUpstream(String name, UpstreamProperties.Config config, TinkerSessions sessions, ObjectMapper json) {
        this.name = name;
        String url = config.baseUrl().toString();
        this.base = URI.create(url.endsWith("/") ? url : url + "/");
        this.apiKey = config.apiKey();
        this.sessions = sessions;
        this.json = json;
        this.http = new UpstreamHttp(name, config, json);
        this.defaultModel = config.defaultModel();
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String sessionFor(ClaimedJob job) throws UpstreamException {
        JsonNode payload = json.readTree(job.payloadJson());
        if (payload.path("sampling_session_id").isString()) {
            return payload.get("sampling_session_id").asString();
        }
        String model = payload.path("base_model").isString()
                ? payload.get("base_model").asString()
                : defaultModel;
        if (model != null) {
            return sessions.get(name, model, () -> createSession(model)).samplingSessionId();
        }
        throw new UpstreamException.Permanent(
                "a tinker job's payload needs a sampling_session_id, or a base_model to make one (or the upstream"
                        + " a default-model)",
                null);
    }

    private TinkerSessions.Session createSession(String model) throws UpstreamException {
        JsonNode session = call(
                "api/v1/create_session",
                Map.of(
                        "tags",
                        java.util.List.of("sluice"),
                        "user_metadata",
                        Map.of(),
                        "sdk_version",
                        "sluice",
                        "type",
                        "create_session"),
                null);
        String sessionId = session.path("session_id").asString(null);
        JsonNode sampling = call(
                "api/v1/create_sampling_session",
                Map.of(
                        "session_id",
                        sessionId,
                        "sampling_session_seq_id",
                        0,
                        "base_model",
                        model,
                        "type",
                        "create_sampling_session"),
                null);
        String samplingId = sampling.path("sampling_session_id").asString(null);
        if (sessionId == null || samplingId == null) {
            throw new UpstreamException.Retryable("session creation answered without ids", 200, null);
        }
        log.info("{}: created session {} and sampling session {} for {}", name, sessionId, samplingId, model);
        return new TinkerSessions.Session(sessionId, samplingId);
    }

    @Override
    public Submission submit(ClaimedJob job, SubmitKey key) throws UpstreamException {
        // Checked at enqueue; checked again for a job stored before the rule.
        if (!EndpointPath.TINKER.contains(job.endpoint())) {
            throw new UpstreamException.Permanent(
                    "endpoint " + UpstreamHttp.excerpt(job.endpoint()) + " is not one a tinker upstream sends to "
                            + EndpointPath.TINKER,
                    null);
        }
        ObjectNode body = (ObjectNode) json.readTree(job.payloadJson());
        body.remove("base_model");
        body.put("sampling_session_id", key.session());
        body.put("seq_id", key.seqId());
        if (!body.has("type")) {
            body.put("type", "sample");
        }
        JsonNode answer = call("api/v1/asample", body, key.idempotencyKey(job.id()));
        String requestId = answer.path("request_id").asString(null);
        if (requestId == null) {
            throw new UpstreamException.Retryable("asample answered 200 without a request_id", 200, null);
        }
        return new Submission.Accepted(requestId, MIN_POLL_INTERVAL);
    }

    @Override
    public PollResult poll(String requestId) throws UpstreamException {
        UpstreamHttp.Answer r =
                send("api/v1/retrieve_future", Map.of("request_id", requestId, "allow_metadata_only", false), null);
        JsonNode body = parse(r.body());
        int status = r.status();
        if (status == 408
                || status == 200 && "try_again".equals(body.path("type").asString(null))) {
            UpstreamObservation s = TinkerSnapshots.of(status, body, r.headers(), json);
            return new PollResult.Pending(s, TinkerSnapshots.pollAfter(s, r.headers(), MIN_POLL_INTERVAL));
        }
        if (status == 200 && body.has("error")) {
            String category = body.path("category").asString("unknown");
            return new PollResult.Failed(body.path("error").asString(), category, !"user".equals(category));
        }
        if (status == 200) {
            return new PollResult.Completed(http.result(status, r.body()));
        }
        if (status == 410) {
            return new PollResult.Lost(detail(body, r.body()));
        }
        throw classify(status, body, r);
    }

    @Override
    public void heartbeat() {
        for (TinkerSessions.Session s : sessions.inUse(name)) {
            try {
                call(
                        "api/v1/session_heartbeat",
                        Map.of("session_id", s.sessionId(), "type", "session_heartbeat"),
                        null);
            } catch (UpstreamException e) {
                log.warn("{}: heartbeat of session {} failed: {}", name, s.sessionId(), e.getMessage());
            }
        }
    }

    /** POSTs and answers the body of a 200, or throws the kind of failure the status means. */
    private JsonNode call(String path, Object body, String idempotencyKey) throws UpstreamException {
        UpstreamHttp.Answer r = send(path, body, idempotencyKey);
        if (r.status() == 200) {
            return parse(r.body());
        }
        throw classify(r.status(), parse(r.body()), r);
    }

    private UpstreamHttp.Answer send(String path, Object body, String idempotencyKey) throws UpstreamException {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json.writeValueAsString(body)));
        if (apiKey != null && !apiKey.isEmpty()) {
            b.header("X-API-Key", apiKey);
        }
        if (idempotencyKey != null) {
            b.header("X-Tinker-Sampling-Backpressure", "1");
            b.header("X-Idempotency-Key", idempotencyKey);
        }
        return http.send(b.build(), path);
    }

    private UpstreamException classify(int status, JsonNode body, UpstreamHttp.Answer r) {
        String detail = detail(body, r.body());
        if (status == 429 || status == 498) {
            return new UpstreamException.RateLimited(
                    detail,
                    status,
                    TinkerSnapshots.retryAfterHeader(r.headers()).orElse(Duration.ofSeconds(1)));
        }
        if (status >= 500 || status == 408) {
            return new UpstreamException.Retryable(detail, status, null);
        }
        return new UpstreamException.Permanent(detail, status);
    }

    private JsonNode parse(String body) {
        if (body == null || body.isBlank()) {
            return json.createObjectNode();
        }
        try {
            return json.readTree(body);
        } catch (JacksonException e) {
            return json.createObjectNode().put("detail", body.length() > 500 ? body.substring(0, 500) : body);
        }
    }

    private static String detail(JsonNode body, String raw) {
        JsonNode d = body.get("detail");
        if (d == null) {
            return raw == null || raw.isBlank() ? "(no body)" : raw.length() > 500 ? raw.substring(0, 500) : raw;
        }
        return d.isString() ? d.asString() : d.toString();
    }
}
