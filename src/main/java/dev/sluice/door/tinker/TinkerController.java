package dev.sluice.door.tinker;

import dev.sluice.api.ApiProperties;
import dev.sluice.api.BodyPermits;
import dev.sluice.api.JsonBodies;
import dev.sluice.api.LimitedInputStream;
import dev.sluice.door.JobWaits;
import dev.sluice.job.Job;
import dev.sluice.job.JobService;
import dev.sluice.job.QueueLimitException;
import dev.sluice.project.Caller;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** The Tinker futures API under {@code /tinker}: the calls a Tinker client makes to sample. */
@RestController
@RequestMapping("/tinker/api/v1")
class TinkerController {

    private final TinkerDoor door;
    private final TinkerAnswers answers;
    private final JobWaits waits;
    private final JobService jobs;
    private final TinkerDoorProperties properties;
    private final ApiProperties api;
    private final ObjectMapper json;
    private final BodyPermits bodies;

    TinkerController(
            TinkerDoor door,
            TinkerAnswers answers,
            JobWaits waits,
            JobService jobs,
            TinkerDoorProperties properties,
            ApiProperties api,
            ObjectMapper json) {
        this.door = door;
        this.answers = answers;
        this.waits = waits;
        this.jobs = jobs;
        this.properties = properties;
        this.api = api;
        this.json = json;
        this.bodies = new BodyPermits(api.maxConcurrentJobBodies(), "request bodies");
    }

    @PostMapping("/create_session")
    ResponseEntity<byte[]> createSession() {
        return answers.json(
                HttpStatus.OK, Map.of("type", "create_session", "session_id", "sluice-session-" + UUID.randomUUID()));
    }

    @RequestBody(
            description = "Tinker's create_sampling_session request",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"base_model": "Qwen/Qwen3-0.6B", "session_id": "s-1", "sampling_session_seq_id": 0}"""))
            })
    @PostMapping("/create_sampling_session")
    ResponseEntity<byte[]> createSamplingSession(HttpServletRequest request) throws IOException {
        String id = door.samplingSession(body(request));
        return answers.json(HttpStatus.OK, Map.of("type", "create_sampling_session", "sampling_session_id", id));
    }

    @PostMapping("/session_heartbeat")
    ResponseEntity<byte[]> heartbeat() {
        return answers.json(HttpStatus.OK, Map.of("type", "session_heartbeat"));
    }

    /** What the SDK asks before anything else: plain API-key auth and its default limits. */
    @PostMapping({"/client/config", "/client/dynamic_config"})
    ResponseEntity<byte[]> clientConfig() {
        Map<String, Object> config = new LinkedHashMap<>();
        config.put("pjwt_auth_enabled", false);
        config.put("credential_default_source", "api_key");
        config.put("sample_max_concurrent_requests", 2000);
        config.put("sample_no_retries", false);
        config.put("use_pyqwest_transport", false);
        return answers.json(HttpStatus.OK, config);
    }

    /** Client telemetry: accepted and dropped. */
    @PostMapping("/telemetry")
    ResponseEntity<byte[]> telemetry() {
        return answers.json(HttpStatus.OK, Map.of("status", "accepted"));
    }

    @GetMapping("/get_server_capabilities")
    ResponseEntity<byte[]> capabilities() {
        return answers.json(
                HttpStatus.OK,
                Map.of(
                        "supported_models",
                        door.models().stream().map(m -> Map.of("model_name", m)).toList()));
    }

    /**
     * Stores the sample as a durable job at once and answers its future. Over the project's queue
     * limit, 429 with Tinker's backpressure detail (nothing is stored; the SDK backs off and sends
     * again).
     */
    @RequestBody(
            description = "Tinker's asample request",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"sampling_session_id": "sluice-...", "seq_id": 1, "num_samples": 1, "prompt": {"chunks": [{"type": "encoded_text", "tokens": [1, 2, 3]}]}, "sampling_params": {"max_tokens": 16}}"""))
            })
    @PostMapping("/asample")
    ResponseEntity<byte[]> asample(
            HttpServletRequest request,
            @RequestHeader(name = "X-Sluice-Priority", required = false) String priority,
            @AuthenticationPrincipal Caller caller)
            throws IOException {
        JsonNode body = body(request);
        long jobId;
        try {
            jobId = door.sample(body, caller, priority);
        } catch (QueueLimitException e) {
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("code", "sampling_principal_backpressure");
            detail.put("scope", "project");
            detail.put("limit", e.limit());
            detail.put("message", e.getMessage() + "; nothing was stored");
            return answers.json(HttpStatus.TOO_MANY_REQUESTS, Map.of("detail", detail));
        }
        return answers.json(HttpStatus.OK, Map.of("request_id", TinkerDoor.future(jobId)));
    }

    /**
     * The future: waits up to {@code sluice.doors.tinker.long-poll} for the job, then answers it
     * (see {@link TinkerAnswers}). Unknown ids, and other projects' jobs, are 404 as Tinker's are.
     */
    @RequestBody(
            description = "Tinker's retrieve_future request: the future's id",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"request_id": "sluice-job-42"}"""))
            })
    @PostMapping("/retrieve_future")
    ResponseEntity<byte[]> retrieveFuture(HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException, InterruptedException {
        JsonNode body = body(request);
        String requestId =
                body.path("request_id").isString() ? body.get("request_id").stringValue() : null;
        long jobId = TinkerDoor.jobOf(requestId);
        if (jobId < 0 || jobs.find(jobId, caller.visibility()).isEmpty()) {
            String shown = requestId == null
                    ? "(none)"
                    : requestId.length() > 64 ? requestId.substring(0, 64) + "…" : requestId;
            return answers.json(HttpStatus.NOT_FOUND, Map.of("detail", "Unknown request_id: " + shown));
        }
        Job job = waits.await(jobId, caller, properties.longPoll());
        return answers.of(job, requestId);
    }

    /** A small JSON object body (at most sluice.api.max-job-size), read with a permit. */
    private JsonNode body(HttpServletRequest request) throws IOException {
        try (BodyPermits.Permit reading = bodies.take()) {
            JsonNode body = JsonBodies.read(
                    json,
                    new LimitedInputStream(request.getInputStream(), api.maxJobSize(), "sluice.api.max-job-size"));
            if (!body.isObject()) {
                throw new dev.sluice.job.InvalidJobException(
                        java.util.List.of(dev.sluice.job.Violation.of("(body)", "must be a JSON object")));
            }
            return body;
        }
    }
}
