package dev.sluice.api;

import dev.sluice.api.UpstreamReport.PauseView;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Violation;
import dev.sluice.pause.Pauses;
import dev.sluice.project.Caller;
import dev.sluice.upstream.Upstreams;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Pausing and resuming an upstream (admin), one of its models, or all of them: the seed's
 * {@code stop()} and {@code start()}. A pause stops new sends only: enqueue goes on, jobs already
 * upstream are polled to the end. Every pause and resume is audited.
 */
@RestController
@RequestMapping("/api/v1/upstreams")
class PauseController {

    private static final Set<String> PAUSE_FIELDS = Set.of("model", "reason", "until");
    private static final Set<String> RESUME_FIELDS = Set.of("model");
    private static final int MAX_REASON = PauseActions.MAX_REASON;
    private static final int MAX_MODEL = PauseActions.MAX_MODEL;
    /** The furthest a pause may be set to end: a year; longer is "until resumed" (no until). */
    private static final Duration MAX_PAUSE = Duration.ofDays(366);

    private final Upstreams upstreams;
    private final Pauses pauses;
    private final PauseActions actions;
    private final ObjectMapper json;
    private final Clock clock;

    PauseController(Upstreams upstreams, Pauses pauses, PauseActions actions, ObjectMapper json, Clock clock) {
        this.upstreams = upstreams;
        this.pauses = pauses;
        this.actions = actions;
        this.json = json;
        this.clock = clock;
    }

    /** Pauses the upstream, or one of its models: body {@code {"model", "reason", "until"}}, all optional. */
    @RequestBody(
            description = "All optional: one model only, why, and until when (else until resumed)",
            required = false,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"model": "llama-3.1-8b-instant", "reason": "provider incident", "until": "2026-12-01T12:00:00Z"}"""))
            })
    @PostMapping("/{name}/pause")
    PauseView pause(@PathVariable String name, HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        requireUpstream(name);
        return pauseOne(name, readPause(request), caller);
    }

    /** Resumes the upstream, or one of its models (body {@code {"model"}}); 200 either way, saying whether it was paused. */
    @RequestBody(
            description = "Optional: resume one model only",
            required = false,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"model": "llama-3.1-8b-instant"}"""))
            })
    @PostMapping("/{name}/resume")
    Map<String, Object> resume(
            @PathVariable String name, HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        requireUpstream(name);
        String model = readResume(request);
        return Map.of("upstream", name, "was_paused", resumeOne(name, model, caller));
    }

    /** Pauses every upstream (the seed's {@code stop()}); a model is not taken here. */
    @RequestBody(
            description = "All optional: why, and until when",
            required = false,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"reason": "maintenance", "until": "2026-12-01T12:00:00Z"}"""))
            })
    @PostMapping("/pause")
    Map<String, List<PauseView>> pauseAll(HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        PauseRequest r = readPause(request);
        if (r.model() != null) {
            throw new InvalidJobException(List.of(Violation.of("model", "is taken only when pausing one upstream")));
        }
        List<PauseView> paused = new ArrayList<>();
        for (String name : upstreams.names()) {
            paused.add(pauseOne(name, r, caller));
        }
        return Map.of("paused", paused);
    }

    /** Resumes every upstream (the seed's {@code start()}); pauses of single models stay. */
    @PostMapping("/resume")
    Map<String, List<String>> resumeAll(@AuthenticationPrincipal Caller caller) {
        List<String> resumed = new ArrayList<>();
        for (String name : upstreams.names()) {
            if (resumeOne(name, null, caller)) {
                resumed.add(name);
            }
        }
        return Map.of("resumed", resumed);
    }

    private record PauseRequest(String model, String reason, Instant until) {}

    private PauseView pauseOne(String name, PauseRequest r, Caller caller) {
        return PauseView.of(actions.pause(caller, name, r.model(), r.reason(), r.until()));
    }

    private boolean resumeOne(String name, String model, Caller caller) {
        return actions.resume(caller, name, model);
    }

    private void requireUpstream(String name) {
        if (!upstreams.contains(name)) {
            throw new UpstreamNotFoundException(name);
        }
    }

    private PauseRequest readPause(HttpServletRequest request) throws IOException {
        java.io.InputStream in = bodyOrNull(request);
        if (in == null) {
            return new PauseRequest(null, null, null);
        }
        List<Violation> violations = new ArrayList<>();
        JsonNode body = JsonBodies.readObject(json, in, "pause", PAUSE_FIELDS, violations);
        String model = text(body, "model", MAX_MODEL, violations);
        String reason = text(body, "reason", MAX_REASON, violations);
        Instant until = null;
        JsonNode u = body.get("until");
        String rule =
                "must be a time in the future, within a year, as RFC 3339 (2026-12-01T12:00:00Z), or null for until resumed";
        if (u != null && !u.isNull()) {
            try {
                until = u.isString() ? Instant.parse(u.stringValue()) : null;
            } catch (DateTimeParseException e) {
                until = null;
            }
            Instant now = clock.instant();
            if (until == null || !until.isAfter(now) || until.isAfter(now.plus(MAX_PAUSE))) {
                violations.add(Violation.of("until", rule));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        return new PauseRequest(model, reason, until);
    }

    private String readResume(HttpServletRequest request) throws IOException {
        java.io.InputStream in = bodyOrNull(request);
        if (in == null) {
            return null;
        }
        List<Violation> violations = new ArrayList<>();
        JsonNode body = JsonBodies.readObject(json, in, "resume", RESUME_FIELDS, violations);
        String model = text(body, "model", MAX_MODEL, violations);
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        return model;
    }

    /** The request's body, or null when it has none (no bytes at all: {@code curl -X POST} with no data). */
    private static java.io.InputStream bodyOrNull(HttpServletRequest request) throws IOException {
        java.io.PushbackInputStream in = new java.io.PushbackInputStream(request.getInputStream(), 1);
        int first = in.read();
        if (first < 0) {
            return null;
        }
        in.unread(first);
        return in;
    }

    private static String text(JsonNode body, String field, int max, List<Violation> violations) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() || v.stringValue().isBlank() || v.stringValue().length() > max) {
            violations.add(
                    Violation.of(field, "must be a non-blank string of at most " + max + " characters, or null"));
            return null;
        }
        return v.stringValue();
    }
}
