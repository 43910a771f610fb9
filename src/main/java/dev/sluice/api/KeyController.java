package dev.sluice.api;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Violation;
import dev.sluice.project.ApiKeys;
import dev.sluice.project.Caller;
import dev.sluice.project.KeyService;
import dev.sluice.project.Project;
import dev.sluice.project.Scope;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** API keys (admin): make one (its secret shown this once), list them, revoke one. */
@RestController
@RequestMapping("/api/v1/keys")
class KeyController {

    /** PostgreSQL's timestamptz reaches further, but no key needs to live past this. */
    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private static final Set<String> FIELDS = Set.of("project", "name", "scopes", "expires_at");

    private final KeyService keys;
    private final ObjectMapper json;
    private final Clock clock;

    KeyController(KeyService keys, ObjectMapper json, Clock clock) {
        this.keys = keys;
        this.json = json;
        this.clock = clock;
    }

    record KeyView(
            long id,
            String prefix,
            String project,
            String name,
            List<String> scopes,
            Instant expiresAt,
            Instant createdAt,
            Long createdBy,
            Instant lastUsedAt,
            Instant revokedAt,
            Long revokedBy) {
        static KeyView of(ApiKeys.StoredKey k) {
            return new KeyView(
                    k.id(),
                    k.prefix(),
                    k.project(),
                    k.name(),
                    k.scopes().stream().map(Scope::wireName).toList(),
                    k.expiresAt(),
                    k.createdAt(),
                    k.createdBy(),
                    k.lastUsedAt(),
                    k.revokedAt(),
                    k.revokedBy());
        }
    }

    record MadeView(
            long id, String key, String prefix, String project, String name, List<String> scopes, Instant expiresAt) {}

    /** 201 with the key: the only answer that ever shows it. */
    @RequestBody(
            description =
                    "The key to make: its project (made if new), a name, scopes (read, submit, admin) and when it expires (null: never)",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"project": "team-a", "name": "nightly evals", "scopes": ["submit", "read"], "expires_at": "2027-06-01T00:00:00Z"}"""))
            })
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<MadeView> create(HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        List<Violation> violations = new ArrayList<>();
        JsonNode body = JsonBodies.readObject(json, request.getInputStream(), "key", FIELDS, violations);
        String project = string(body, "project", violations);
        if (project != null && !Project.validName(project)) {
            violations.add(Violation.of("project", Project.NAME_RULE));
        }
        String name = string(body, "name", violations);
        if (name != null
                && (name.isEmpty() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl))) {
            violations.add(Violation.of("name", "must be 1 to 100 characters, none of them a control character"));
        }
        Set<Scope> scopes = scopes(body.get("scopes"), violations);
        Instant expiresAt = expiresAt(body.get("expires_at"), violations);
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        KeyService.Made made = keys.create(caller, project, name, scopes, expiresAt);
        ApiKeys.StoredKey k = made.stored();
        return ResponseEntity.status(HttpStatus.CREATED)
                .location(URI.create("/api/v1/keys/" + k.id()))
                .header("Cache-Control", "no-store")
                .body(new MadeView(
                        k.id(),
                        made.key(),
                        k.prefix(),
                        k.project(),
                        k.name(),
                        k.scopes().stream().map(Scope::wireName).toList(),
                        k.expiresAt()));
    }

    /** Every key, newest first, without its secret (which is not kept). */
    @GetMapping
    Map<String, List<KeyView>> list() {
        return Map.of("keys", keys.list().stream().map(KeyView::of).toList());
    }

    /** Revokes the key: refused from now on on this instance, on others within the key cache's life. */
    @DeleteMapping("/{id}")
    Map<String, Object> revoke(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        return Map.of("id", id, "revoked", true, "already_revoked", !keys.revoke(caller, id));
    }

    private static String string(JsonNode body, String field, List<Violation> violations) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            violations.add(Violation.of(field, "is required"));
            return null;
        }
        if (!v.isString()) {
            violations.add(Violation.of(field, "must be a string"));
            return null;
        }
        return v.stringValue();
    }

    private static Set<Scope> scopes(JsonNode v, List<Violation> violations) {
        String rule = "must be a non-empty list of distinct scopes, each one of " + Scope.wireNames();
        if (v == null || !v.isArray() || v.isEmpty() || v.size() > Scope.values().length) {
            violations.add(Violation.of("scopes", rule));
            return null;
        }
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        for (int i = 0; i < v.size(); i++) {
            Scope s = v.get(i).isString() ? Scope.fromWire(v.get(i).stringValue()) : null;
            if (s == null || !scopes.add(s)) {
                violations.add(Violation.of("scopes[" + i + "]", rule));
            }
        }
        return scopes;
    }

    private Instant expiresAt(JsonNode v, List<Violation> violations) {
        if (v == null || v.isNull()) {
            return null;
        }
        String rule = "must be null (never) or a time in the future before 9999-12-31, as ISO-8601 with a zone"
                + " (2027-01-31T00:00:00Z)";
        if (!v.isString()) {
            violations.add(Violation.of("expires_at", rule));
            return null;
        }
        try {
            Instant at = java.time.OffsetDateTime.parse(v.stringValue()).toInstant();
            if (!at.isAfter(clock.instant()) || at.isAfter(LATEST)) {
                violations.add(Violation.of("expires_at", rule));
            }
            return at;
        } catch (DateTimeParseException e) {
            violations.add(Violation.of("expires_at", rule));
            return null;
        }
    }
}
