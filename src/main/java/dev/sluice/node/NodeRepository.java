package dev.sluice.node;

import dev.sluice.job.JobRepository;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
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
    private final JobRepository jobs;

    NodeRepository(JdbcClient jdbc, JobRepository jobs) {
        this.jdbc = jdbc;
        this.jobs = jobs;
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

    /**
     * How many other live instances have not heartbeated since {@code since}: those that may not
     * yet count this instance, which joined then. Reads {@code node} whole (a handful of rows).
     */
    int unawareSince(String id, Instant since, Instant liveSince) {
        return jdbc.sql("SELECT count(*) FROM node WHERE id <> :id AND heartbeat_at > :live AND heartbeat_at <= :since")
                .param("id", id)
                .param("live", ts(liveSince))
                .param("since", ts(since))
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

    /** Every registered instance, newest first, with its lease counts (from {@link JobRepository}). */
    public List<Node> findAll(Instant liveSince) {
        Map<String, long[]> leases = jobs.countLeasesByOwner();
        long[] none = {0, 0};
        return jdbc.sql("""
                SELECT id, host, pid, started_at, heartbeat_at, heartbeat_at > :since AS live
                FROM node ORDER BY started_at DESC
                """)
                .param("since", ts(liveSince))
                .query((rs, i) -> {
                    long[] held = leases.getOrDefault(rs.getString("id"), none);
                    return new Node(
                            rs.getString("id"),
                            rs.getString("host"),
                            rs.getLong("pid"),
                            rs.getObject("started_at", OffsetDateTime.class).toInstant(),
                            rs.getObject("heartbeat_at", OffsetDateTime.class).toInstant(),
                            rs.getBoolean("live"),
                            held[0],
                            held[1]);
                })
                .list();
    }

    private static OffsetDateTime ts(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
