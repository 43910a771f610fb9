package dev.sluice.callback;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** All SQL of {@code callback_delivery} and {@code callback_attempt} (rows are created by a trigger on job). */
@Repository
public class CallbackRepository {

    /** A delivery this node has leased. */
    record Due(long id, long jobId, String url, int attempts, String leaseOwner, Instant leaseUntil) {}

    /** A delivery and its attempts, for the API. */
    public record Delivery(
            long id,
            String url,
            String state,
            int attempts,
            Instant nextAttemptAt,
            Instant deliveredAt,
            String lastError,
            List<Attempt> history) {}

    public record Attempt(Instant attemptedAt, Integer httpStatus, String error, int durationMs) {}

    private final JdbcClient jdbc;

    CallbackRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Leases up to {@code limit} due deliveries, soonest first (SKIP LOCKED; callback_delivery_due_idx). */
    List<Due> claimDue(String owner, Instant now, Instant leaseUntil, int limit) {
        return jdbc.sql("""
                WITH due AS (
                    SELECT id FROM callback_delivery
                    WHERE state = 'pending' AND next_attempt_at <= :now
                      AND (lease_expires_at IS NULL OR lease_expires_at < :now)
                    ORDER BY next_attempt_at
                    LIMIT :limit
                    FOR UPDATE SKIP LOCKED)
                UPDATE callback_delivery d SET lease_owner = :owner, lease_expires_at = :leaseUntil
                FROM due WHERE d.id = due.id
                RETURNING d.id, d.job_id, d.url, d.attempts
                """)
                .param("now", ts(now))
                .param("limit", limit)
                .param("owner", owner)
                .param("leaseUntil", ts(leaseUntil))
                .query((rs, n) ->
                        new Due(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getInt(4), owner, leaseUntil))
                .list();
    }

    /**
     * Records one attempt and what it leaves: delivered, failed for good, or pending until
     * {@code nextAttemptAt}. {@code answer} is the start of the receiver's body (at most 1 KB),
     * kept for the operator and never shown by the API. Fenced by the lease: false when another
     * sender took it over.
     */
    boolean recordAttempt(
            Due due,
            String state,
            Instant at,
            Integer httpStatus,
            String error,
            String answer,
            int durationMs,
            Instant nextAttemptAt) {
        return jdbc.sql("""
                WITH attempted AS (
                    UPDATE callback_delivery
                    SET attempts = attempts + 1, state = :state, next_attempt_at = :next,
                        delivered_at = CASE WHEN :state = 'delivered' THEN CAST(:at AS timestamptz) END,
                        last_error = :error, lease_owner = NULL, lease_expires_at = NULL
                    WHERE id = :id AND lease_owner = :owner AND state = 'pending'
                    RETURNING id)
                INSERT INTO callback_attempt (delivery_id, attempted_at, http_status, error, answer, duration_ms)
                SELECT id, :at, CAST(:status AS integer), CAST(:error AS text), CAST(:answer AS text), :ms
                FROM attempted
                """)
                        .param("state", state)
                        .param("next", ts(nextAttemptAt))
                        .param("at", ts(at))
                        .param("error", error)
                        .param("id", due.id())
                        .param("owner", due.leaseOwner())
                        .param("status", httpStatus)
                        .param("answer", answer)
                        .param("ms", durationMs)
                        .update()
                == 1;
    }

    /** Drops the leases {@code owner} holds (at its shutdown), so another sender takes them at once. */
    public int releaseLeases(String owner) {
        return jdbc.sql("""
                UPDATE callback_delivery SET lease_owner = NULL, lease_expires_at = NULL
                WHERE lease_owner = :owner AND state = 'pending'
                """).param("owner", owner).update();
    }

    /** A job's deliveries with every attempt, oldest first. */
    public List<Delivery> findByJob(long jobId) {
        Map<Long, List<Attempt>> attempts = new LinkedHashMap<>();
        jdbc.sql("""
                SELECT a.delivery_id, a.attempted_at, a.http_status, a.error, a.duration_ms
                FROM callback_attempt a JOIN callback_delivery d ON d.id = a.delivery_id
                WHERE d.job_id = :jobId ORDER BY a.id
                """).param("jobId", jobId).query(rs -> {
            attempts.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>())
                    .add(new Attempt(
                            rs.getObject(2, OffsetDateTime.class).toInstant(),
                            rs.getObject(3, Integer.class),
                            rs.getString(4),
                            rs.getInt(5)));
        });
        return jdbc.sql("""
                SELECT id, url, state, attempts, next_attempt_at, delivered_at, last_error
                FROM callback_delivery WHERE job_id = :jobId ORDER BY id
                """)
                .param("jobId", jobId)
                .query((rs, n) -> new Delivery(
                        rs.getLong(1),
                        rs.getString(2),
                        rs.getString(3),
                        rs.getInt(4),
                        instant(rs.getObject(5, OffsetDateTime.class)),
                        instant(rs.getObject(6, OffsetDateTime.class)),
                        rs.getString(7),
                        attempts.getOrDefault(rs.getLong(1), List.of())))
                .list();
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static OffsetDateTime ts(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }
}
