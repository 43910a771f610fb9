package dev.sluice.emulator;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/**
 * The Tinker/mint futures API as mint serves it, plus {@code /emulator/*} for stats and tests.
 */
@Profile("emulator")
@RestController
class TinkerEmulatorController {

    private final SamplingEngine engine;
    private final ForcedAnswers forced;
    private final EmulatorProperties properties;
    private final OpenAiBudget budget;
    private final AtomicLong sessions = new AtomicLong();

    TinkerEmulatorController(
            SamplingEngine engine, ForcedAnswers forced, EmulatorProperties properties, OpenAiBudget budget) {
        this.engine = engine;
        this.forced = forced;
        this.properties = properties;
        this.budget = budget;
    }

    @PostMapping("/api/v1/create_session")
    ResponseEntity<Object> createSession(@RequestHeader(name = "X-API-Key", required = false) String key) {
        return guarded(
                key,
                () -> forced.answer(
                        "create_session",
                        () -> ok(
                                Map.of("type", "create_session", "session_id", "sess-" + sessions.incrementAndGet()))));
    }

    /** Like mint, accepts a session id it has not seen. */
    @PostMapping("/api/v1/create_sampling_session")
    ResponseEntity<Object> createSamplingSession(
            @RequestHeader(name = "X-API-Key", required = false) String key, @RequestBody JsonNode body) {
        return guarded(key, () -> {
            if (!body.path("session_id").isString() || !body.path("base_model").isString()) {
                return detail(HttpStatus.UNPROCESSABLE_CONTENT, "session_id and base_model are required");
            }
            return ok(Map.of(
                    "type",
                    "create_sampling_session",
                    "sampling_session_id",
                    "samp-" + UUID.randomUUID().toString().substring(0, 12)));
        });
    }

    @PostMapping("/api/v1/session_heartbeat")
    ResponseEntity<Object> heartbeat(@RequestHeader(name = "X-API-Key", required = false) String key) {
        return guarded(key, () -> ok(Map.of("type", "session_heartbeat")));
    }

    @PostMapping("/api/v1/asample")
    ResponseEntity<Object> asample(
            @RequestHeader(name = "X-API-Key", required = false) String key,
            @RequestHeader(name = "X-Tinker-Sampling-Backpressure", required = false) String backpressure,
            @RequestHeader(name = "X-Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody JsonNode body) {
        return guarded(key, () -> forced.answer("asample", () -> sample(backpressure, idempotencyKey, body)));
    }

    private ResponseEntity<Object> sample(String backpressure, String idempotencyKey, JsonNode body) {
        {
            ResponseEntity<Object> fault = fault();
            if (fault != null) {
                return fault;
            }
            if (!body.path("sampling_session_id").isString()
                    || !body.path("seq_id").canConvertToLong()) {
                return detail(HttpStatus.UNPROCESSABLE_CONTENT, "sampling_session_id and seq_id are required");
            }
            if ("1".equals(backpressure) && engine.inFlight() >= properties.maxInFlight()) {
                engine.rejectedByBackpressure();
                return ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS)
                        .header(HttpHeaders.RETRY_AFTER, "1")
                        .body(Map.of("detail", "Sampling backpressure: server overloaded"));
            }
            int maxTokens = body.path("sampling_params").path("max_tokens").asInt(16);
            int numSamples = Math.max(1, body.path("num_samples").asInt(1));
            long promptTokens = 0;
            for (JsonNode chunk : body.path("prompt").path("chunks")) {
                promptTokens += chunk.path("tokens").size();
            }
            EmulatedRequest r = engine.submit(
                    body.get("sampling_session_id").asString(),
                    body.get("seq_id").asLong(),
                    idempotencyKey,
                    maxTokens,
                    numSamples,
                    promptTokens + (long) maxTokens * numSamples);
            return ok(Map.of("request_id", r.id));
        }
    }

    @PostMapping("/api/v1/retrieve_future")
    ResponseEntity<Object> retrieveFuture(
            @RequestHeader(name = "X-API-Key", required = false) String key, @RequestBody JsonNode body) {
        return guarded(key, () -> {
            String id = body.path("request_id").asString("");
            ForcedAnswers.Forced f = forced.next("retrieve_future");
            if (f != null && f.scripted()) {
                if (f.status() == 410) {
                    engine.markEnded(id, EmulatedRequest.Stage.LOST);
                } else if (f.body() != null && f.body().has("error")) {
                    engine.markEnded(id, EmulatedRequest.Stage.ERRORED);
                }
                return ForcedAnswers.scriptedAnswer(f);
            }
            ResponseEntity<Object> fault = fault();
            if (fault != null) {
                return fault;
            }
            return switch (engine.poll(id)) {
                case SamplingEngine.Poll.Unknown u -> detail(HttpStatus.NOT_FOUND, "Unknown request_id: " + id);
                case SamplingEngine.Poll.Lost l -> detail(HttpStatus.GONE, "Future lost: " + id);
                // As mint: a future read and past its grace is a system error of that request.
                case SamplingEngine.Poll.Gone g ->
                    ok(Map.of("error", "Future already retrieved", "category", "system"));
                case SamplingEngine.Poll.Done d -> ok(d.result());
                case SamplingEngine.Poll.Pending p -> {
                    ResponseEntity.BodyBuilder b = ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT);
                    p.snapshot().headers().forEach(b::header);
                    yield b.body(p.snapshot().body());
                }
            };
        });
    }

    /**
     * The client configuration the Tinker SDK asks for before anything else ({@code {"sdk_version"}}
     * in; a {@code ClientConfigResponse} out, each field optional on the SDK's side): plain API-key
     * auth, the SDK's default limits, and its httpx transport. Without an answer the SDK cannot
     * start (a 404 stops it). {@code /client/dynamic_config} gets the same.
     */
    @PostMapping({"/api/v1/client/config", "/api/v1/client/dynamic_config"})
    ResponseEntity<Object> clientConfig(@RequestHeader(name = "X-API-Key", required = false) String key) {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("pjwt_auth_enabled", false);
        config.put("credential_default_source", "api_key");
        config.put("sample_max_concurrent_requests", 2000);
        config.put("sample_no_retries", false);
        config.put("use_pyqwest_transport", false);
        return guarded(key, () -> ok(config));
    }

    /** Client telemetry, as the Tinker SDK posts it: accepted and dropped (mint records it). */
    @PostMapping("/api/v1/telemetry")
    ResponseEntity<Object> telemetry(@RequestHeader(name = "X-API-Key", required = false) String key) {
        return guarded(key, () -> ok(Map.of("status", "accepted")));
    }

    @GetMapping("/emulator/stats")
    Map<String, Object> stats() {
        return engine.stats();
    }

    @GetMapping("/emulator/requests/{id}")
    ResponseEntity<Object> request(@PathVariable String id) {
        Map<String, Object> d = engine.describe(id);
        return d == null ? detail(HttpStatus.NOT_FOUND, "Unknown request_id: " + id) : ok(d);
    }

    /**
     * {@code {"path":"retrieve_future","status":410,"body":{...},"headers":{...},"count":1}}; without
     * a status, the call is handled as usual, {@code hang_ms} late, its reply held {@code hang_after_ms}.
     * {@code raw_body} (with {@code raw_repeat} and {@code trickle_ms}) answers bytes that are not
     * JSON, as large and as slow as a test needs.
     */
    @PostMapping("/emulator/forced")
    ResponseEntity<Object> force(@RequestBody JsonNode body) {
        Map<String, String> headers = new LinkedHashMap<>();
        body.path("headers")
                .properties()
                .forEach(e -> headers.put(e.getKey(), e.getValue().asString()));
        forced.add(
                body.path("path").asString(),
                new ForcedAnswers.Forced(
                        body.has("status") ? body.get("status").asInt() : null,
                        body.get("body"),
                        headers,
                        body.path("hang_ms").asLong(0),
                        body.path("hang_after_ms").asLong(0),
                        body.path("raw_body").isString()
                                ? new ForcedAnswers.Raw(
                                        body.get("raw_body").asString(),
                                        body.path("raw_repeat").asLong(1),
                                        body.path("trickle_ms").asLong(0))
                                : null),
                body.path("count").asInt(1));
        return ok(Map.of("forced", true));
    }

    @PostMapping("/emulator/reset")
    Map<String, Object> reset() {
        engine.reset();
        budget.reset();
        forced.clear();
        return engine.stats();
    }

    private ResponseEntity<Object> guarded(String key, java.util.function.Supplier<ResponseEntity<Object>> action) {
        if (properties.apiKey() != null
                && !properties.apiKey().isEmpty()
                && !properties.apiKey().equals(key)) {
            return detail(HttpStatus.UNAUTHORIZED, "Invalid API key");
        }
        return action.get();
    }

    /** Injected faults: a 500, or a call left hanging until the client gives up. */
    private ResponseEntity<Object> fault() {
        double roll = ThreadLocalRandom.current().nextDouble();
        EmulatorProperties.Faults faults = properties.faults();
        if (roll < faults.serverErrorRate()) {
            return detail(HttpStatus.INTERNAL_SERVER_ERROR, "Internal server error (injected)");
        }
        if (roll < faults.serverErrorRate() + faults.timeoutRate()) {
            sleep(faults.hangFor());
            return detail(HttpStatus.GATEWAY_TIMEOUT, "Hung (injected)");
        }
        return null;
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ResponseEntity<Object> ok(Object body) {
        return ResponseEntity.ok(body);
    }

    private static ResponseEntity<Object> detail(HttpStatus status, String detail) {
        return ResponseEntity.status(status).body(Map.of("detail", detail));
    }
}
