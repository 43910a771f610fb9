package dev.sluice.api;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Priority;
import dev.sluice.job.Violation;
import dev.sluice.project.AuditLog;
import dev.sluice.project.Caller;
import dev.sluice.project.KeyCheck;
import dev.sluice.project.Project;
import dev.sluice.project.Projects;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.MediaType;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Projects (admin): list them, and set one's weight, limits and callback secret. A field left out
 * keeps its setting; a field sent as null clears it. The secret is never shown, only whether there
 * is one.
 */
@RestController
@RequestMapping("/api/v1/projects")
class ProjectController {

    /** The largest max_queued (as the project table's CHECK says). */
    private static final long MAX_QUEUED = 1_000_000_000_000L;

    private static final Set<String> FIELDS =
            Set.of("weight", "max_queued", "allowed_priorities", "max_batch_jobs", "callback_secret");

    private final Projects projects;
    private final AuditLog audit;
    private final KeyCheck keys;
    private final ObjectMapper json;
    private final Clock clock;

    ProjectController(Projects projects, AuditLog audit, KeyCheck keys, ObjectMapper json, Clock clock) {
        this.projects = projects;
        this.audit = audit;
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    record ProjectView(
            long id,
            String name,
            int weight,
            Long maxQueued,
            List<String> allowedPriorities,
            Integer maxBatchJobs,
            boolean hasCallbackSecret) {
        static ProjectView of(Project p) {
            return new ProjectView(
                    p.id(),
                    p.name(),
                    p.weight(),
                    p.maxQueued(),
                    p.allowedPriorities() == null
                            ? null
                            : p.allowedPriorities().stream()
                                    .sorted()
                                    .map(Priority::wireName)
                                    .toList(),
                    p.maxBatchJobs(),
                    p.hasCallbackSecret());
        }
    }

    @GetMapping
    Map<String, List<ProjectView>> list() {
        return Map.of(
                "projects", projects.findAll().stream().map(ProjectView::of).toList());
    }

    @GetMapping("/{name}")
    ProjectView get(@PathVariable String name) {
        return projects.findByName(name).map(ProjectView::of).orElseThrow(() -> new ProjectNotFoundException(name));
    }

    /** Sets the project's settings (making the project if it is new) and answers it as it now is. */
    @RequestBody(
            description = "The project's settings; a field left out is unchanged, null clears it",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"weight": 3, "max_queued": 1000000, "allowed_priorities": ["normal", "low"], "max_batch_jobs": 500000, "callback_secret": "whsec-..."}"""))
            })
    @PutMapping(value = "/{name}", consumes = MediaType.APPLICATION_JSON_VALUE)
    ProjectView update(@PathVariable String name, HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        List<Violation> violations = new ArrayList<>();
        if (!Project.validName(name)) {
            violations.add(Violation.of("name", Project.NAME_RULE));
        }
        JsonNode body = JsonBodies.readObject(json, request.getInputStream(), "project", FIELDS, violations);
        Integer weight = integer(body, "weight", 1, 1000, violations);
        Long maxQueued = body.has("max_queued") && !body.get("max_queued").isNull()
                ? longValue(body.get("max_queued"), "max_queued", violations)
                : null;
        Integer maxBatchJobs = integer(body, "max_batch_jobs", 1, Integer.MAX_VALUE, violations);
        Set<Priority> priorities = priorities(body.get("allowed_priorities"), violations);
        String secret = null;
        JsonNode s = body.get("callback_secret");
        if (s != null && !s.isNull()) {
            if (!s.isString()
                    || s.stringValue().length() < 16
                    || s.stringValue().length() > 256) {
                violations.add(Violation.of("callback_secret", "must be a string of 16 to 256 characters, or null"));
            } else {
                secret = s.stringValue();
            }
        }
        if (body.has("weight") && body.get("weight").isNull()) {
            violations.add(Violation.of("weight", "must be an integer from 1 to 1000 (it cannot be cleared)"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        Project updated = projects.update(
                name,
                new Projects.Settings(
                        weight,
                        maxQueued,
                        priorities,
                        maxBatchJobs,
                        secret,
                        cleared(body, "max_queued"),
                        cleared(body, "allowed_priorities"),
                        cleared(body, "max_batch_jobs"),
                        cleared(body, "callback_secret")),
                clock.instant());
        Map<String, Object> changed = new LinkedHashMap<>();
        body.propertyNames()
                .forEach(field -> changed.put(
                        field,
                        field.equals("callback_secret")
                                ? (cleared(body, field) ? "(cleared)" : "(set)")
                                : body.get(field)));
        audit.record(caller, "project.update", "project:" + name, changed);
        // Keys remember their project's settings: forget them, so the change holds at once here.
        keys.forgetAll();
        return ProjectView.of(updated);
    }

    private static boolean cleared(JsonNode body, String field) {
        return body.has(field) && body.get(field).isNull();
    }

    private static Integer integer(JsonNode body, String field, int min, int max, List<Violation> violations) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min || v.intValue() > max) {
            violations.add(Violation.of(field, "must be an integer from " + min + " to " + max + ", or null"));
            return null;
        }
        return v.intValue();
    }

    private static Long longValue(JsonNode v, String field, List<Violation> violations) {
        if (!v.isIntegralNumber() || !v.canConvertToLong() || v.longValue() < 0 || v.longValue() > MAX_QUEUED) {
            violations.add(Violation.of(field, "must be an integer from 0 to " + MAX_QUEUED + ", or null"));
            return null;
        }
        return v.longValue();
    }

    private static Set<Priority> priorities(JsonNode v, List<Violation> violations) {
        if (v == null || v.isNull()) {
            return null;
        }
        String rule = "must be a non-empty list of priorities (high, normal, low), or null for all";
        if (!v.isArray() || v.isEmpty() || v.size() > 3) {
            violations.add(Violation.of("allowed_priorities", rule));
            return null;
        }
        Set<Priority> set = EnumSet.noneOf(Priority.class);
        for (int i = 0; i < v.size(); i++) {
            Priority p = v.get(i).isString() ? Priority.fromWire(v.get(i).stringValue()) : null;
            if (p == null) {
                violations.add(Violation.of("allowed_priorities[" + i + "]", rule));
            } else {
                set.add(p);
            }
        }
        return set;
    }
}
