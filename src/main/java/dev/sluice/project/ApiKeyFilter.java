package dev.sluice.project;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import org.springframework.security.authentication.UsernamePasswordAuthenticationToken;
import org.springframework.security.core.authority.SimpleGrantedAuthority;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads the request's key ({@code Authorization: Bearer <key>}, or {@code X-API-Key: <key>} as
 * Tinker clients send it, with or without the {@code tml-} those clients insist on) and, when it checks out, makes its {@link Caller} the request's
 * principal with one authority per scope. A request without a valid key goes on anonymous, with
 * the reason its key was refused kept for the 401 ({@link AuthProblems}).
 */
final class ApiKeyFilter extends OncePerRequestFilter {

    /** The request attribute holding why a key was refused. */
    static final String REFUSAL = ApiKeyFilter.class.getName() + ".refusal";

    private final KeyCheck check;

    ApiKeyFilter(KeyCheck check) {
        this.check = check;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        String bearer = bearer(request.getHeader("Authorization"));
        String apiKey = request.getHeader("X-API-Key");
        String key = bearer != null ? bearer : apiKey;
        if (bearer != null && apiKey != null && !bearer.equals(apiKey)) {
            request.setAttribute(REFUSAL, "holds two different keys (Authorization and X-API-Key); send one");
        } else if (key != null) {
            KeyCheck.Outcome outcome = check.check(withoutTinkerPrefix(key.strip()));
            if (outcome.caller() != null) {
                letIn(outcome.caller());
            } else {
                request.setAttribute(REFUSAL, "key " + outcome.refusal());
            }
        }
        try {
            chain.doFilter(request, response);
        } finally {
            SecurityContextHolder.clearContext();
        }
    }

    /** Makes {@code caller} the request's principal, with one authority per scope. */
    static void letIn(Caller caller) {
        List<SimpleGrantedAuthority> authorities = caller.scopes().stream()
                .map(s -> new SimpleGrantedAuthority(s.authority()))
                .toList();
        var context = SecurityContextHolder.createEmptyContext();
        context.setAuthentication(UsernamePasswordAuthenticationToken.authenticated(caller, null, authorities));
        SecurityContextHolder.setContext(context);
    }

    /**
     * The key without a {@code tml-} put in front: the Tinker SDK refuses keys that do not start
     * with it, so Sluice takes each of its keys that way too.
     */
    static String withoutTinkerPrefix(String key) {
        return key.startsWith("tml-") ? key.substring(4) : key;
    }

    /** The key of an {@code Authorization: Bearer} header, or null for none or another scheme. */
    private static String bearer(String authorization) {
        if (authorization == null
                || authorization.length() < 7
                || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        return authorization.substring(7).strip();
    }
}
