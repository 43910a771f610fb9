package dev.sluice.door.openai;

import dev.sluice.dispatch.WaitEstimator;
import dev.sluice.job.Job;
import dev.sluice.job.QueueFields;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The door's answer for a job: the upstream's answer once the job has it (the body as the upstream
 * gave it; for a refusal, its status and body as the job recorded them), as server-sent events
 * when the request asked to stream; or, while the job still waits, 408 with {@code Retry-After}
 * and where the job waits ({@code X-Queue-*}), which the official SDKs retry.
 */
@Component
class ChatAnswers {

    static final String JOB_HEADER = "X-Sluice-Job-Id";
    /** How a failed job records the upstream's refusal (JobDispatcher.describe). */
    private static final Pattern REFUSAL = Pattern.compile("HTTP ([1-5][0-9]{2}): (.*)", Pattern.DOTALL);

    private final WaitEstimator waits;
    private final ObjectMapper json;

    ChatAnswers(WaitEstimator waits, ObjectMapper json) {
        this.waits = waits;
        this.json = json;
    }

    ResponseEntity<?> of(Job job, ChatDoor.Request request) {
        return switch (job.state()) {
            case SUCCEEDED -> request.stream() ? stream(job, request.includeUsage()) : ok(job);
            case FAILED -> failed(job);
            case CANCELLED ->
                problem(
                        job,
                        HttpStatus.CONFLICT,
                        "cancelled",
                        "Cancelled",
                        "job " + job.id() + " was cancelled before it was sent",
                        false);
            default -> waiting(job);
        };
    }

    private ResponseEntity<?> ok(Job job) {
        return ResponseEntity.ok()
                .header(JOB_HEADER, Long.toString(job.id()))
                .contentType(MediaType.APPLICATION_JSON)
                .body(job.result().getBytes(StandardCharsets.UTF_8));
    }

    private ResponseEntity<?> failed(Job job) {
        String error = job.error() == null ? "" : job.error();
        Matcher m = REFUSAL.matcher(error);
        if (m.matches()) {
            JsonNode body = parse(m.group(2));
            if (body != null && body.isObject()) {
                return ResponseEntity.status(Integer.parseInt(m.group(1)))
                        .header(JOB_HEADER, Long.toString(job.id()))
                        .header("x-should-retry", "false")
                        .contentType(MediaType.APPLICATION_JSON)
                        .body(body.toString().getBytes(StandardCharsets.UTF_8));
            }
        }
        return problem(
                job,
                HttpStatus.BAD_GATEWAY,
                "upstream-failed",
                "Upstream failed",
                "job " + job.id() + " failed: " + error,
                false);
    }

    private ResponseEntity<?> waiting(Job job) {
        QueueFields wait = waits.estimate(job).queue();
        long retryAfter =
                Math.max(1, (long) Math.ceil(wait.retryAfterS() == null ? 1 : Math.min(wait.retryAfterS(), 10)));
        ResponseEntity<?> held = problem(
                job,
                HttpStatus.REQUEST_TIMEOUT,
                "still-waiting",
                "Still waiting",
                "job " + job.id() + " is " + job.state().wireName()
                        + "; send the same request again (the official SDKs do) and it waits for the same job",
                true);
        HttpHeaders headers = new HttpHeaders();
        headers.putAll(held.getHeaders());
        headers.set(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
        if (wait.queuePosition() != null) {
            headers.set("X-Queue-Position", wait.queuePosition().toString());
        }
        if (wait.queueDepth() != null) {
            headers.set("X-Queue-Depth", wait.queueDepth().toString());
        }
        if (wait.estimatedWaitS() != null) {
            headers.set("X-Queue-ETA-S", String.format(Locale.ROOT, "%.3f", wait.estimatedWaitS()));
        }
        return new ResponseEntity<>(held.getBody(), headers, held.getStatusCode());
    }

    private ResponseEntity<?> problem(
            Job job, HttpStatus status, String type, String title, String detail, boolean retry) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create("https://sluice.dev/problems/" + type));
        p.setTitle(title);
        p.setProperty("job_id", job.id());
        p.setProperty("errors", List.of(Map.of("field", "(job)", "rule", detail)));
        p.setProperty("error", OpenAiErrorShape.error(p));
        return ResponseEntity.status(status)
                .header(JOB_HEADER, Long.toString(job.id()))
                .header("x-should-retry", Boolean.toString(retry))
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(p);
    }

    /**
     * The whole answer as OpenAI's stream of chunks: each choice's content in one delta, then its
     * finish reason, then the usage when asked for ({@code stream_options.include_usage}), then
     * {@code [DONE]}.
     */
    private ResponseEntity<?> stream(Job job, boolean includeUsage) {
        JsonNode result = json.readTree(job.result());
        StringBuilder events = new StringBuilder();
        boolean chat = "chat.completion".equals(result.path("object").asString(""));
        for (JsonNode choice : result.path("choices")) {
            ObjectNode chunk = chunk(result, chat);
            ObjectNode c = chunk.putArray("choices").addObject();
            c.set("index", choice.path("index"));
            if (chat) {
                ObjectNode delta = c.putObject("delta");
                JsonNode message = choice.path("message");
                delta.put("role", message.path("role").asString("assistant"));
                delta.set("content", message.path("content"));
                if (message.path("tool_calls").isArray()) {
                    ArrayNode calls = delta.putArray("tool_calls");
                    int i = 0;
                    for (JsonNode call : message.path("tool_calls")) {
                        ObjectNode indexed = calls.addObject();
                        indexed.put("index", i++);
                        indexed.setAll((ObjectNode) call);
                    }
                }
                c.putNull("finish_reason");
                event(events, chunk);
                ObjectNode last = chunk(result, chat);
                ObjectNode end = last.putArray("choices").addObject();
                end.set("index", choice.path("index"));
                end.putObject("delta");
                end.set("finish_reason", choice.path("finish_reason"));
                event(events, last);
            } else {
                c.set("text", choice.path("text"));
                c.set("finish_reason", choice.path("finish_reason"));
                event(events, chunk);
            }
        }
        if (includeUsage && result.has("usage")) {
            ObjectNode usage = chunk(result, chat);
            usage.putArray("choices");
            usage.set("usage", result.get("usage"));
            event(events, usage);
        }
        events.append("data: [DONE]\n\n");
        return ResponseEntity.ok()
                .header(JOB_HEADER, Long.toString(job.id()))
                .header(HttpHeaders.CACHE_CONTROL, "no-cache")
                .contentType(MediaType.TEXT_EVENT_STREAM)
                .body(events.toString().getBytes(StandardCharsets.UTF_8));
    }

    private ObjectNode chunk(JsonNode result, boolean chat) {
        ObjectNode chunk = json.createObjectNode();
        chunk.set("id", result.path("id"));
        chunk.put("object", chat ? "chat.completion.chunk" : "text_completion");
        chunk.set("created", result.path("created"));
        chunk.set("model", result.path("model"));
        if (result.has("system_fingerprint")) {
            chunk.set("system_fingerprint", result.get("system_fingerprint"));
        }
        return chunk;
    }

    private void event(StringBuilder events, JsonNode chunk) {
        events.append("data: ").append(chunk.toString()).append("\n\n");
    }

    private JsonNode parse(String text) {
        try {
            return json.readTree(text);
        } catch (RuntimeException e) {
            return null;
        }
    }
}
