package dev.sluice.project;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpSession;
import java.io.IOException;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * The dashboard's sign-in: a request not already let in by a key header ({@link ApiKeyFilter})
 * whose session holds a key (see {@link DashboardSessions}) runs as that key's caller, checked
 * again now; a key no longer good ends the session.
 */
final class SessionKeyFilter extends OncePerRequestFilter {

    private final KeyCheck check;

    SessionKeyFilter(KeyCheck check) {
        this.check = check;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        HttpSession session = request.getSession(false);
        Object key = session == null ? null : session.getAttribute(DashboardSessions.KEY);
        if (key instanceof String k && SecurityContextHolder.getContext().getAuthentication() == null) {
            KeyCheck.Outcome outcome = check.check(ApiKeyFilter.withoutTinkerPrefix(k));
            if (outcome.caller() != null) {
                ApiKeyFilter.letIn(outcome.caller());
            } else {
                session.invalidate();
            }
        }
        chain.doFilter(request, response);
    }
}
