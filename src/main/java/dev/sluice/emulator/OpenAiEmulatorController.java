package dev.sluice.emulator;

import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.springframework.context.annotation.Profile;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * An OpenAI-compatible chat completions endpoint with Groq's rate-limit behaviour: a budget of
 * requests per minute (enforced; no header reports it), of requests per day and of tokens per
 * minute (reported in {@code x-ratelimit-*}, resets as Go-style durations), 429 with
 * {@code retry-after} when a budget is short, and a deterministic completion.
 */
@Profile("emulator")
@RestController
class OpenAiEmulatorController {

    private final EmulatorProperties properties;
    private final SamplingEngine engine;
    private final ForcedAnswers forced;
    private final OpenAiBudget budget;
    private final Clock clock;
    private final ObjectMapper json;

    /** The models {@code GET /v1/models} lists (any model name is served). */
    static final List<String> MODELS =
            List.of("llama-3.1-8b-instant", "llama-3.3-70b-versatile", "openai/gpt-oss-20b", "openai/gpt-oss-120b");

    OpenAiEmulatorController(
            EmulatorProperties properties,
            SamplingEngine engine,
            ForcedAnswers forced,
            OpenAiBudget budget,
            Clock clock,
            ObjectMapper json) {
        this.json = json;
        this.properties = properties;
        this.clock = clock;
        this.engine = engine;
        this.forced = forced;
        this.budget = budget;
    }

    @PostMapping({"/v1/chat/completions", "/openai/v1/chat/completions"})
    ResponseEntity<Object> chatCompletions(
            @RequestHeader(name = "Authorization", required = false) String authorization,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestBody JsonNode body) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, "Invalid API Key", "invalid_request_error", "invalid_api_key");
        }
        return forced.answer("chat_completions", () -> complete(idempotencyKey, body));
    }

    private ResponseEntity<Object> complete(String idempotencyKey, JsonNode body) {
        double roll = ThreadLocalRandom.current().nextDouble();
        if (roll < properties.faults().serverErrorRate()) {
            return error(
                    HttpStatus.INTERNAL_SERVER_ERROR,
                    "Internal server error (injected)",
                    "internal_server_error",
                    null);
        }
        if (roll < properties.faults().serverErrorRate() + properties.openai().capacityExceededRate()) {
            return ResponseEntity.status(498)
                    .body(Map.of(
                            "error",
                            errorBody("Flex tier capacity exceeded", "capacity_exceeded", "capacity_exceeded")));
        }
        if (!body.path("messages").isArray() || !body.path("model").isString()) {
            return error(HttpStatus.BAD_REQUEST, "'model' and 'messages' are required", "invalid_request_error", null);
        }
        long promptTokens = 0;
        for (JsonNode m : body.get("messages")) {
            promptTokens += Math.max(1, m.path("content").asString("").length() / 4);
        }
        long maxTokens = body.path("max_completion_tokens")
                .asLong(body.path("max_tokens").asLong(16));
        long cost = promptTokens + maxTokens;
        String model = body.get("model").asString();
        Map<String, String> headers;
        synchronized (budget) {
            TokenBucket perMinute = budget.perMinute;
            TokenBucket perDay = budget.perDay;
            TokenBucket tokens = budget.tokens;
            long now = System.nanoTime();
            String shortOf = !perMinute.has(1, now)
                    ? "requests per minute (RPM)"
                    : !perDay.has(1, now)
                            ? "requests per day (RPD)"
                            : !tokens.has(cost, now) ? "tokens per minute (TPM)" : null;
            if (shortOf != null) {
                long wait = shortOf.startsWith("tokens")
                        ? tokens.nanosUntil(cost, now)
                        : shortOf.contains("day") ? perDay.nanosUntil(1, now) : perMinute.nanosUntil(1, now);
                engine.rejectedByRateLimit();
                headers = budgetHeaders(now);
                headers.put("retry-after", Long.toString(Math.max(1, (long) Math.ceil(wait / 1e9))));
                ResponseEntity.BodyBuilder b = ResponseEntity.status(HttpStatus.TOO_MANY_REQUESTS);
                headers.forEach(b::header);
                return b.body(Map.of(
                        "error",
                        errorBody(
                                "Rate limit reached for model `" + model + "` on " + shortOf + ". Please try again in "
                                        + goDuration(wait) + ".",
                                "tokens",
                                "rate_limit_exceeded")));
            }
            perMinute.take(1, now);
            perDay.take(1, now);
            tokens.take(cost, now);
            headers = budgetHeaders(now);
        }
        engine.acceptedCompletion(idempotencyKey, cost);
        sleep(properties.openai().latency());
        ResponseEntity.BodyBuilder b = ResponseEntity.ok();
        headers.forEach(b::header);
        Map<String, Object> completion = completion(body, model, promptTokens, maxTokens);
        if (body.path("stream").asBoolean(false)) {
            return b.contentType(MediaType.TEXT_EVENT_STREAM)
                    .body(events(
                            completion,
                            body.path("stream_options").path("include_usage").asBoolean(false)));
        }
        return b.body(completion);
    }

    /** The models this emulator lists, as OpenAI and Groq answer {@code GET /v1/models}. */
    @GetMapping({"/v1/models", "/openai/v1/models"})
    ResponseEntity<Object> models(@RequestHeader(name = "Authorization", required = false) String authorization) {
        if (!authorized(authorization)) {
            return error(HttpStatus.UNAUTHORIZED, "Invalid API Key", "invalid_request_error", "invalid_api_key");
        }
        long created = clock.instant().getEpochSecond();
        return ResponseEntity.ok(Map.of(
                "object",
                "list",
                "data",
                MODELS.stream()
                        .map(id ->
                                Map.of("id", id, "object", "model", "created", created, "owned_by", "sluice-emulator"))
                        .toList()));
    }

    /**
     * The completion as server-sent events, as {@code stream: true} asks: a chunk with the role,
     * one per word of the content, one with the finish reason, the usage if asked for
     * ({@code stream_options.include_usage}), then {@code data: [DONE]}.
     */
    @SuppressWarnings("unchecked")
    private String events(Map<String, Object> completion, boolean includeUsage) {
        Map<String, Object> choice = ((List<Map<String, Object>>) completion.get("choices")).getFirst();
        String content = (String) ((Map<String, Object>) choice.get("message")).get("content");
        StringBuilder out = new StringBuilder();
        out.append(chunk(completion, Map.of("role", "assistant", "content", ""), null, null));
        String[] words = content.split(" ");
        for (int i = 0; i < words.length; i++) {
            out.append(chunk(completion, Map.of("content", (i == 0 ? "" : " ") + words[i]), null, null));
        }
        out.append(chunk(completion, Map.of(), choice.get("finish_reason"), null));
        if (includeUsage) {
            out.append(chunk(completion, null, null, completion.get("usage")));
        }
        return out.append("data: [DONE]\n\n").toString();
    }

    private String chunk(Map<String, Object> completion, Map<String, Object> delta, Object finishReason, Object usage) {
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("id", completion.get("id"));
        c.put("object", "chat.completion.chunk");
        c.put("created", completion.get("created"));
        c.put("model", completion.get("model"));
        if (delta == null) {
            c.put("choices", List.of());
            c.put("usage", usage);
        } else {
            Map<String, Object> choice = new LinkedHashMap<>();
            choice.put("index", 0);
            choice.put("delta", delta);
            choice.put("finish_reason", finishReason);
            c.put("choices", List.of(choice));
        }
        return "data: " + json.writeValueAsString(c) + "\n\n";
    }

    /** Whether the request carries the emulator's key ({@code sluice.emulator.api-key}), or none is set. */
    private boolean authorized(String authorization) {
        String key = properties.apiKey();
        return key == null || key.isEmpty() || ("Bearer " + key).equals(authorization);
    }

    private Map<String, String> budgetHeaders(long now) {
        TokenBucket perDay = budget.perDay;
        TokenBucket tokens = budget.tokens;
        Map<String, String> h = new LinkedHashMap<>();
        h.put("x-ratelimit-limit-requests", Long.toString(perDay.capacity()));
        h.put("x-ratelimit-limit-tokens", Long.toString(tokens.capacity()));
        h.put("x-ratelimit-remaining-requests", Long.toString(perDay.remaining(now)));
        h.put("x-ratelimit-remaining-tokens", Long.toString(tokens.remaining(now)));
        h.put("x-ratelimit-reset-requests", goDuration(perDay.nanosUntilFull(now)));
        h.put("x-ratelimit-reset-tokens", goDuration(tokens.nanosUntilFull(now)));
        return h;
    }

    /** As Go prints a duration, to two decimals: {@code 2m59.56s}, {@code 7.66s}, {@code 1h2m3s}. */
    static String goDuration(long nanos) {
        if (nanos <= 0) {
            return "0s";
        }
        long totalMillis = Math.round(nanos / 1e6);
        long h = totalMillis / 3_600_000;
        long m = totalMillis / 60_000 % 60;
        double s = totalMillis % 60_000 / 1000.0;
        StringBuilder out = new StringBuilder();
        if (h > 0) {
            out.append(h).append('h');
        }
        if (h > 0 || m > 0) {
            out.append(m).append('m');
        }
        String seconds = String.format(Locale.ROOT, "%.2f", s).replaceAll("\\.?0+$", "");
        return out.append(seconds.isEmpty() ? "0" : seconds).append('s').toString();
    }

    private Map<String, Object> completion(JsonNode body, String model, long promptTokens, long maxTokens) {
        int hash = body.get("messages").toString().hashCode();
        long completionTokens = Math.min(maxTokens, 12);
        StringBuilder content = new StringBuilder("Emulated answer");
        for (int i = 0; i < completionTokens - 2; i++) {
            // Eight hex digits always (a bare toHexString of a small value has fewer than three).
            content.append(' ').append(String.format(Locale.ROOT, "%08x", hash * 31 + i), 0, 3);
        }
        Map<String, Object> message = Map.of("role", "assistant", "content", content.toString());
        Map<String, Object> choice = new LinkedHashMap<>();
        choice.put("index", 0);
        choice.put("message", message);
        choice.put("finish_reason", completionTokens < maxTokens ? "stop" : "length");
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", "chatcmpl-" + Integer.toHexString(hash));
        out.put("object", "chat.completion");
        out.put("created", clock.instant().getEpochSecond());
        out.put("model", model);
        out.put("choices", List.of(choice));
        out.put(
                "usage",
                Map.of(
                        "prompt_tokens", promptTokens,
                        "completion_tokens", completionTokens,
                        "total_tokens", promptTokens + completionTokens));
        return out;
    }

    private static Map<String, Object> errorBody(String message, String type, String code) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("message", message);
        e.put("type", type);
        e.put("code", code);
        return e;
    }

    private static ResponseEntity<Object> error(HttpStatus status, String message, String type, String code) {
        return ResponseEntity.status(status).body(Map.of("error", errorBody(message, type, code)));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
