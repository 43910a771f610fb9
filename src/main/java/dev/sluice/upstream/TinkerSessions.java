package dev.sluice.upstream;

import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/**
 * One Tinker session and sampling session per upstream and base model, created on first use and
 * kept in {@code tinker_session}, so that every instance and every restart reuses them. All SQL of
 * that table is here.
 */
@Component
class TinkerSessions {

    /** A session and its sampling session, as the upstream named them. */
    public record Session(String sessionId, String samplingSessionId) {}

    /** Creates a session upstream; called only when none is stored. */
    @FunctionalInterface
    interface Creator {
        Session create() throws UpstreamException;
    }

    private final JdbcClient jdbc;
    private final Clock clock;
    private final Map<String, Session> cache = new ConcurrentHashMap<>();

    TinkerSessions(JdbcClient jdbc, Clock clock) {
        this.jdbc = jdbc;
        this.clock = clock;
    }

    Session get(String upstream, String baseModel, Creator creator) throws UpstreamException {
        String key = upstream + "\u0000" + baseModel;
        Session cached = cache.get(key);
        if (cached != null) {
            return cached;
        }
        synchronized (this) {
            Optional<Session> stored = find(upstream, baseModel);
            if (stored.isEmpty()) {
                Session created = creator.create();
                // Another instance may have stored one meanwhile: theirs wins, ours goes unused.
                jdbc.sql("""
                        INSERT INTO tinker_session (upstream, base_model, session_id, sampling_session_id, created_at)
                        VALUES (:upstream, :model, :session, :sampling, :now)
                        ON CONFLICT (upstream, base_model) DO NOTHING
                        """)
                        .param("upstream", upstream)
                        .param("model", baseModel)
                        .param("session", created.sessionId())
                        .param("sampling", created.samplingSessionId())
                        .param("now", clock.instant().atOffset(ZoneOffset.UTC))
                        .update();
                stored = find(upstream, baseModel);
            }
            Session session = stored.orElseThrow();
            cache.put(key, session);
            return session;
        }
    }

    private Optional<Session> find(String upstream, String baseModel) {
        return jdbc.sql("""
                SELECT session_id, sampling_session_id FROM tinker_session
                WHERE upstream = :upstream AND base_model = :model""")
                .param("upstream", upstream)
                .param("model", baseModel)
                .query((rs, n) -> new Session(rs.getString(1), rs.getString(2)))
                .optional();
    }

    /** The sessions this instance has used for an upstream (to keep them alive). */
    List<Session> inUse(String upstream) {
        return cache.entrySet().stream()
                .filter(e -> e.getKey().startsWith(upstream + "\u0000"))
                .map(Map.Entry::getValue)
                .toList();
    }
}
