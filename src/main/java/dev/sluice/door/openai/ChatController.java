package dev.sluice.door.openai;

import dev.sluice.api.ApiProperties;
import dev.sluice.api.BodyPermits;
import dev.sluice.api.JsonBodies;
import dev.sluice.api.LimitedInputStream;
import dev.sluice.door.JobWaits;
import dev.sluice.job.Job;
import dev.sluice.project.Caller;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * {@code POST /v1/chat/completions}, {@code /v1/completions} and {@code /v1/embeddings} through
 * the queue: each request is a durable job with its priority ({@code X-Sluice-Priority}, else the
 * project's default), sent in its turn within the upstream's limits; the request is held until the
 * job is done, up to {@code sluice.doors.openai.hold}, and then answered 408 so the SDK asks again.
 */
@RestController
class ChatController {

    private final ChatDoor door;
    private final JobWaits waits;
    private final ChatAnswers answers;
    private final OpenAiDoorProperties properties;
    private final ApiProperties api;
    private final BodyPermits bodies;
    private final ObjectMapper json;

    ChatController(
            ChatDoor door,
            JobWaits waits,
            ChatAnswers answers,
            OpenAiDoorProperties properties,
            ApiProperties api,
            ObjectMapper json) {
        this.door = door;
        this.waits = waits;
        this.answers = answers;
        this.properties = properties;
        this.api = api;
        this.json = json;
        this.bodies = new BodyPermits(api.maxConcurrentJobBodies(), "request bodies");
    }

    @RequestBody(
            description = "OpenAI's request body, sent upstream as is; the model picks the upstream",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"model": "llama-3.1-8b-instant", "messages": [{"role": "user", "content": "Say hi"}], "max_tokens": 32}"""))
            })
    @PostMapping({"/v1/chat/completions", "/v1/completions", "/v1/embeddings"})
    ResponseEntity<?> send(
            HttpServletRequest request,
            @RequestHeader(name = "X-Sluice-Priority", required = false) String priority,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey,
            @RequestHeader(name = "X-Stainless-Retry-Count", required = false) String retryCount,
            @RequestHeader(name = "X-Stainless-Read-Timeout", required = false) String readTimeout,
            @AuthenticationPrincipal Caller caller)
            throws IOException, InterruptedException {
        String path = request.getRequestURI();
        ChatDoor.Request read;
        try (BodyPermits.Permit reading = bodies.take()) {
            byte[] raw;
            try (InputStream in =
                    new LimitedInputStream(request.getInputStream(), api.maxJobSize(), "sluice.api.max-job-size")) {
                raw = in.readAllBytes();
            }
            JsonNode body = JsonBodies.read(json, new ByteArrayInputStream(raw));
            read = door.read(path, raw, body, caller, priority, idempotencyKey);
        }
        long jobId = door.submit(read, BatchesController.retried(retryCount), caller);
        Job job = waits.await(jobId, caller, hold(readTimeout));
        return answers.of(job, read);
    }

    /** The configured hold, but never past the client's own read timeout less 2 s, and at least 1 s. */
    Duration hold(String readTimeout) {
        Duration hold = properties.hold();
        if (readTimeout != null) {
            try {
                double seconds = Double.parseDouble(readTimeout.strip());
                if (Double.isFinite(seconds) && seconds > 0) {
                    Duration client = Duration.ofMillis((long) (seconds * 1000)).minusSeconds(2);
                    hold = client.compareTo(hold) < 0 ? client : hold;
                }
            } catch (NumberFormatException e) {
                // Not a number: the configured hold stands.
            }
        }
        return hold.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : hold;
    }
}
