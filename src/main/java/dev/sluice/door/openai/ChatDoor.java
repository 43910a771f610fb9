package dev.sluice.door.openai;

import dev.sluice.door.Priorities;
import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.JobService;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A chat, completion or embedding request through the door: one durable Sluice job, then a wait
 * for its outcome. The official SDKs retry a request whose answer was held too long (408) or lost;
 * such a retry ({@code X-Stainless-Retry-Count} above 0) is the same key sending the same body, and
 * waits for the job the first try made: each first try is given an idempotency key of its own,
 * kept under the request's SHA-256 ({@code door_request}) before the job is made, which the retry
 * finds. An {@code Idempotency-Key} header is the job's key instead, as on {@code /api/v1/jobs}.
 */
@Service
class ChatDoor {

    /** A retry finds its first try's job this long after it. */
    static final Duration RETRY_WINDOW = Duration.ofHours(1);

    /** A request read from the door: the job to make, and what the answer needs to know. */
    record Request(NewJob job, byte[] sha256, boolean stream, boolean includeUsage) {}

    private final JobRequestParser parser;
    private final ModelRoutes routes;
    private final JobService jobs;
    private final DoorRequests requests;
    private final Clock clock;

    ChatDoor(JobRequestParser parser, ModelRoutes routes, JobService jobs, DoorRequests requests, Clock clock) {
        this.parser = parser;
        this.routes = routes;
        this.jobs = jobs;
        this.requests = requests;
        this.clock = clock;
    }

    /** Reads the body of a request to {@code path}; every broken rule at once, as a 400. */
    Request read(String path, byte[] raw, JsonNode body, Caller caller, String priorityHeader, String idempotencyKey) {
        List<Violation> violations = new ArrayList<>(JobRequestParser.checkIdempotencyHeader(idempotencyKey));
        if (!body.isObject()) {
            throw new InvalidJobException(List.of(Violation.of("(body)", "must be a JSON object")));
        }
        Priority priority = Priorities.defaultOf(caller.project());
        if (priorityHeader != null) {
            priority = Priority.fromWire(priorityHeader);
            if (priority == null) {
                violations.add(Violation.of("X-Sluice-Priority", "must be one of high, normal, low"));
            }
        }
        JsonNode model = body.get("model");
        if (model == null || !model.isString() || model.stringValue().isBlank()) {
            violations.add(Violation.of("model", "is required and must be a non-empty string"));
        }
        ObjectNode payload = ((ObjectNode) body).deepCopy();
        boolean stream = payload.path("stream").asBoolean(false);
        boolean includeUsage =
                payload.path("stream_options").path("include_usage").asBoolean(false);
        if (stream && path.equals("/v1/embeddings")) {
            violations.add(Violation.of("stream", "is not taken by embeddings"));
        }
        // The job asks for the whole answer; the door streams it to the client when it is there.
        payload.remove("stream");
        payload.remove("stream_options");
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        ModelRoutes.Route route = routes.route(model.stringValue(), path);
        if (route.refused()) {
            throw new InvalidJobException(
                    List.of(Violation.of(route.field().equals("body.model") ? "model" : "(path)", route.rule())));
        }
        var defaults = new JobRequestParser.Defaults(
                route.upstream(), priority, idempotencyKey, caller.project().hasCallbackSecret());
        NewJob job = parser.parse(
                OpenAiLines.job(null, route, payload), JobRequestParser.Source.SINGLE, defaults, violations);
        if (job == null) {
            throw new InvalidJobException(violations);
        }
        return new Request(job, sha256(path, raw), stream, includeUsage);
    }

    /**
     * The job of this request: with a client's Idempotency-Key, the job of that key; else the job
     * of the key the door gave its first try when this is a retry; else a new job under a new key.
     */
    long submit(Request request, boolean retried, Caller caller) {
        NewJob job = request.job();
        if (job.idempotencyKey() == null) {
            Instant now = clock.instant();
            Optional<String> earlier = retried
                    ? requests.newestKey(caller.keyId(), request.sha256(), now.minus(RETRY_WINDOW))
                    : Optional.empty();
            String key = earlier.orElseGet(() -> {
                String fresh = "openai-door-" + UUID.randomUUID();
                requests.insert(caller.keyId(), request.sha256(), fresh, now);
                return fresh;
            });
            job = job.withIdempotencyKey(key);
        }
        return jobs.enqueue(job, caller.owner()).job().id();
    }

    private static byte[] sha256(String path, byte[] raw) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update(path.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            digest.update((byte) '\n');
            return digest.digest(raw);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
