package dev.sluice.project;

import jakarta.servlet.http.HttpServletRequest;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.http.HttpMethod;
import org.springframework.security.web.servlet.util.matcher.PathPatternRequestMatcher;
import org.springframework.security.web.util.matcher.RequestMatcher;

/**
 * Which scopes each request needs, first match wins: the one table both the security chain and
 * its 403 answers read. Health is open; everything else needs a key.
 */
final class AccessRules {

    /** Requests matching {@code matcher} need one of {@code scopes} (empty: none, open to all). */
    record Rule(RequestMatcher matcher, Set<Scope> scopes) {}

    static final List<Rule> RULES = List.of(
            open("/actuator/health"),
            open("/actuator/health/**"),
            admin(null, "/actuator/**"),
            admin(null, "/api/v1/keys/**"),
            admin(null, "/api/v1/projects/**"),
            admin(null, "/api/v1/audit/**"),
            admin(null, "/api/v1/nodes/**"),
            // Upstreams: limits and usage of every project's traffic; pausing stops everyone's.
            admin(null, "/api/v1/upstreams"),
            admin(null, "/api/v1/upstreams/**"),
            // Queue snapshots are of whole upstreams, their limits and every project's jobs.
            admin(null, "/api/v1/reports/queue-depth"),
            rule(HttpMethod.POST, "/api/v1/jobs", Scope.SUBMIT),
            rule(HttpMethod.POST, "/api/v1/jobs/*/retry", Scope.SUBMIT),
            rule(HttpMethod.DELETE, "/api/v1/jobs/*", Scope.SUBMIT),
            rule(HttpMethod.POST, "/api/v1/batches", Scope.SUBMIT),
            rule(HttpMethod.POST, "/api/v1/batches/*/cancel", Scope.SUBMIT),
            rule(HttpMethod.POST, "/api/v1/batches/*/retry-failed", Scope.SUBMIT),
            rule(HttpMethod.GET, "/api/**", Scope.READ),
            // The OpenAI door: reading is read, anything else (upload, create, cancel, delete) submits.
            rule(HttpMethod.GET, "/v1/**", Scope.READ),
            rule(null, "/v1/**", Scope.SUBMIT),
            // The Tinker door: polling a future reads; sampling (and its sessions) submits.
            rule(HttpMethod.POST, "/tinker/api/v1/retrieve_future", Scope.READ),
            rule(HttpMethod.GET, "/tinker/**", Scope.READ),
            rule(null, "/tinker/**", Scope.SUBMIT),
            admin(null, "/api/**"));

    private AccessRules() {}

    /** The scopes the request needs (admin always among them), or empty when it is open. */
    static Set<Scope> scopesFor(HttpServletRequest request) {
        return RULES.stream()
                .filter(r -> r.matcher().matches(request))
                .findFirst()
                .map(Rule::scopes)
                .orElse(EnumSet.noneOf(Scope.class));
    }

    private static Rule open(String pattern) {
        return new Rule(PathPatternRequestMatcher.pathPattern(pattern), EnumSet.noneOf(Scope.class));
    }

    private static Rule admin(HttpMethod method, String pattern) {
        return new Rule(PathPatternRequestMatcher.pathPattern(method, pattern), EnumSet.of(Scope.ADMIN));
    }

    private static Rule rule(HttpMethod method, String pattern, Scope scope) {
        return new Rule(PathPatternRequestMatcher.pathPattern(method, pattern), EnumSet.of(scope, Scope.ADMIN));
    }
}
