package dev.sluice.node;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** All SQL of the {@code node} table. */
@Repository
public class NodeRepository {

    /** A registered instance, with how many jobs it holds leases on. */
    public record Node(
            String id,
            String host,
            long pid,
            Instant startedAt,
            Instant heartbeatAt,
            boolean live,
            long claimedLeases,
            long pollLeases) {}

    private final JdbcClient jdbc;

    NodeRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Upserts this instance's row and answers how many instances are live (itself included). */
    int heartbeat(String id, String host, long pid, Instant startedAt, Instant now, Instant liveSince) {
        jdbc.sql("""
                INSERT INTO node (id, host, pid, started_at, heartbeat_at) VALUES (:id, :host, :pid, :started, :now)
                ON CONFLICT (id) DO UPDATE SET heartbeat_at = excluded.heartbeat_at
                """)
                .param("id", id)
                .param("host", host)
                .param("pid", pid)
                .param("started", ts(startedAt))
                .param("now", ts(now))
                .update();
        return jdbc.sql("SELECT count(*) FROM node WHERE heartbeat_at > :since")
                .param("since", ts(liveSince))
                .query(Integer.class)
                .single();
    }

    /** Forgets this instance (on shutdown), so the others take over its share at once. */
    void remove(String id) {
        jdbc.sql("DELETE FROM node WHERE id = :id").param("id", id).update();
    }

    /** Forgets instances silent since {@code before}. */
    int removeSilentSince(Instant before) {
        return jdbc.sql("DELETE FROM node WHERE heartbeat_at < :before")
                .param("before", ts(before))
                .update();
    }

    /** Every registered instance, newest first, with its lease counts (a scan of job_lease_idx). */
    public List<Node> findAll(Instant liveSince) {
        return jdbc.sql("""
                SELECT n.id, n.host, n.pid, n.started_at, n.heartbeat_at, n.heartbeat_at > :since AS live,
                       coalesce(l.claimed, 0) AS claimed, coalesce(l.polled, 0) AS polled
                FROM node n
                LEFT JOIN (SELECT lease_owner, count(*) FILTER (WHERE state = 'claimed') AS claimed,
                                  count(*) FILTER (WHERE state = 'submitted') AS polled
                           FROM job WHERE state IN ('claimed', 'submitted') AND lease_owner IS NOT NULL
                           GROUP BY lease_owner) l ON l.lease_owner = n.id
                ORDER BY n.started_at DESC
                """)
                .param("since", ts(liveSince))
                .query((rs, i) -> new Node(
                        rs.getString("id"),
                        rs.getString("host"),
                        rs.getLong("pid"),
                        rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                        rs.getObject("heartbeat_at", OffsetDateTime.class).toInstant(),
                        rs.getBoolean("live"),
                        rs.getLong("claimed"),
                        rs.getLong("polled")))
                .list();
    }

    private static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
