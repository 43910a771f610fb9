package dev.sluice.project;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpSession;
import org.springframework.stereotype.Component;

/**
 * Signing in to the dashboard with an API key. The key is kept in the server's session (never in
 * the cookie, which holds only the session id) and checked again on every request, so a revoked
 * or expired key ends its sessions within {@code sluice.security.key-cache-ttl}.
 */
@Component
public class DashboardSessions {

    /** The session attribute holding the signed-in key. */
    static final String KEY = DashboardSessions.class.getName() + ".key";

    private final KeyCheck check;

    DashboardSessions(KeyCheck check) {
        this.check = check;
    }

    /**
     * Signs in with {@code key}: on success a new session (a new id: one fixed before sign-in is
     * worth nothing) holds it and the caller is answered; else null and {@code refusal[0]} says why.
     */
    public Caller signIn(HttpServletRequest request, String key, String[] refusal) {
        KeyCheck.Outcome outcome = check.check(ApiKeyFilter.withoutTinkerPrefix(key.strip()));
        if (outcome.caller() == null) {
            refusal[0] = "key " + outcome.refusal();
            return null;
        }
        if (!outcome.caller().scopes().contains(Scope.READ) && !outcome.caller().isAdmin()) {
            refusal[0] = "key has no read scope: the dashboard shows jobs, which only read and admin keys see";
            return null;
        }
        HttpSession old = request.getSession(false);
        if (old != null) {
            old.invalidate();
        }
        request.getSession(true).setAttribute(KEY, key.strip());
        return outcome.caller();
    }

    /** Ends the session, if any. */
    public void signOut(HttpServletRequest request) {
        HttpSession session = request.getSession(false);
        if (session != null) {
            session.invalidate();
        }
    }
}
