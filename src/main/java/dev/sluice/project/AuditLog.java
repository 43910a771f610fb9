package dev.sluice.project;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.ObjectMapper;

/** Who changed what: one {@code audit_event} row per cancel, retry, key or project change. */
@Repository
public class AuditLog {

    /** One change: when, by which key (null: Sluice) of which project, what, to what, and what came of it. */
    public record Event(
            long id, Instant at, Long apiKeyId, Long projectId, String action, String target, String detail) {}

    private final JdbcClient jdbc;
    private final Clock clock;
    private final ObjectMapper json;

    AuditLog(JdbcClient jdbc, Clock clock, ObjectMapper json) {
        this.jdbc = jdbc;
        this.clock = clock;
        this.json = json;
    }

    /** Writes the event; {@code by} null for a change Sluice made itself. */
    public void record(Caller by, String action, String target, Map<String, ?> detail) {
        jdbc.sql("""
                INSERT INTO audit_event (at, api_key_id, project_id, action, target, detail)
                VALUES (:at, :key, :project, :action, :target, CAST(:detail AS jsonb))
                """)
                .param("at", clock.instant().atOffset(ZoneOffset.UTC))
                .param("key", by == null ? null : by.keyId(), java.sql.Types.BIGINT)
                .param("project", by == null ? null : by.project().id(), java.sql.Types.BIGINT)
                .param("action", action)
                .param("target", target)
                .param("detail", detail == null ? null : json.writeValueAsString(detail), java.sql.Types.VARCHAR)
                .update();
    }

    /**
     * Events newest first, before the cursor id ({@code Long.MAX_VALUE}: from the newest), of one
     * target if given. Index: the primary key backwards, or audit_event_target_idx.
     */
    public List<Event> find(String target, long beforeId, int limit) {
        return jdbc.sql("""
                SELECT id, at, api_key_id, project_id, action, target, detail::text AS detail FROM audit_event
                WHERE id < :before AND (CAST(:target AS text) IS NULL OR target = :target)
                ORDER BY id DESC LIMIT :limit
                """)
                .param("before", beforeId)
                .param("target", target, java.sql.Types.VARCHAR)
                .param("limit", limit)
                .query((rs, n) -> new Event(
                        rs.getLong("id"),
                        rs.getTimestamp("at").toInstant(),
                        rs.getObject("api_key_id", Long.class),
                        rs.getObject("project_id", Long.class),
                        rs.getString("action"),
                        rs.getString("target"),
                        rs.getString("detail")))
                .list();
    }
}
