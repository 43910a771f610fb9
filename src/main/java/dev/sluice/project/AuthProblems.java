package dev.sluice.project;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.http.HttpStatus;
import org.springframework.security.access.AccessDeniedException;
import org.springframework.security.core.AuthenticationException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.security.web.AuthenticationEntryPoint;
import org.springframework.security.web.access.AccessDeniedHandler;
import org.springframework.security.web.firewall.RequestRejectedException;
import org.springframework.security.web.firewall.RequestRejectedHandler;
import tools.jackson.databind.ObjectMapper;

/**
 * The 401 (no valid key) and 403 (a key without the scope) answers, as RFC 9457 problem documents
 * like every other error: the {@code errors} list names the header and the rule.
 */
final class AuthProblems implements AuthenticationEntryPoint, AccessDeniedHandler, RequestRejectedHandler {

    private static final String TYPES = "https://sluice.dev/problems/";

    private final ObjectMapper json;

    AuthProblems(ObjectMapper json) {
        this.json = json;
    }

    @Override
    public void commence(HttpServletRequest request, HttpServletResponse response, AuthenticationException e)
            throws IOException {
        Object refusal = request.getAttribute(ApiKeyFilter.REFUSAL);
        String rule = refusal != null
                ? "the " + refusal
                : "must carry an API key: 'Authorization: Bearer sk-sluice-...' or 'X-API-Key: sk-sluice-...'";
        response.setHeader("WWW-Authenticate", "Bearer realm=\"sluice\"");
        write(
                response,
                HttpStatus.UNAUTHORIZED,
                "unauthenticated",
                "No valid API key",
                refusal != null ? "the request's " + refusal : "the request carries no API key",
                request,
                Map.of("field", "Authorization", "rule", rule));
    }

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, AccessDeniedException e)
            throws IOException {
        Set<Scope> needed = AccessRules.scopesFor(request);
        Object principal = SecurityContextHolder.getContext().getAuthentication() == null
                ? null
                : SecurityContextHolder.getContext().getAuthentication().getPrincipal();
        String who =
                principal instanceof Caller c ? "key " + c.keyId() + " (scopes " + names(c.scopes()) + ")" : "the key";
        write(
                response,
                HttpStatus.FORBIDDEN,
                "forbidden",
                "Missing scope",
                who + " may not " + request.getMethod() + " " + request.getRequestURI() + "; that needs one of "
                        + names(needed),
                request,
                Map.of("field", "Authorization", "rule", "must carry a key with one of the scopes " + names(needed)));
    }

    /** A request the firewall refuses before anything reads it (an encoded '%' or '/', a '//' path). */
    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, RequestRejectedException e)
            throws IOException {
        write(
                response,
                HttpStatus.BAD_REQUEST,
                "invalid-request",
                "Invalid request",
                "the request's path or headers are refused before they are read: "
                        + (e.getMessage() == null ? "they are malformed" : cut(e.getMessage())),
                request,
                Map.of("field", "(path)", "rule", "must be a plain path: no encoded '%', '/', ';' or '\\', no '//'"));
    }

    private static String cut(String text) {
        return text.length() <= 200 ? text : text.substring(0, 200) + "…";
    }

    private void write(
            HttpServletResponse response,
            HttpStatus status,
            String type,
            String title,
            String detail,
            HttpServletRequest request,
            Map<String, String> error)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("type", TYPES + type);
        body.put("title", title);
        body.put("status", status.value());
        body.put("detail", detail);
        body.put("instance", cut(request.getRequestURI()));
        body.put("errors", List.of(error));
        response.setStatus(status.value());
        response.setContentType("application/problem+json");
        response.setCharacterEncoding("UTF-8");
        response.getOutputStream().write(json.writeValueAsBytes(body));
    }

    private static List<String> names(Set<Scope> scopes) {
        return scopes.stream().sorted().map(Scope::wireName).toList();
    }
}
