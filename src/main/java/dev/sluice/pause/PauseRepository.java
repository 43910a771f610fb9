package dev.sluice.pause;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** The SQL of {@code upstream_pause} (V012). Each write announces itself on {@link Pauses#CHANNEL}. */
@Repository
class PauseRepository {

    private final JdbcClient jdbc;

    PauseRepository(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Every stored pause, expired ones too (a handful of rows; read whole, no index needed). */
    List<Pause> findAll() {
        return jdbc.sql("SELECT * FROM upstream_pause ORDER BY upstream, model")
                .query((rs, n) -> pause(rs))
                .list();
    }

    /** Stores the pause (replacing one of the same upstream and model) and announces it. */
    Pause save(Pause p) {
        // Locks the one row of its primary key; the NOTIFY goes out when the statement commits.
        return jdbc.sql("""
                WITH saved AS (
                    INSERT INTO upstream_pause (upstream, model, reason, paused_until, paused_at, paused_by)
                    VALUES (:upstream, :model, :reason, :until, :at, :by)
                    ON CONFLICT (upstream, model) DO UPDATE
                    SET reason = excluded.reason, paused_until = excluded.paused_until,
                        paused_at = excluded.paused_at, paused_by = excluded.paused_by
                    RETURNING *)
                SELECT saved.*, pg_notify('%s', saved.upstream) FROM saved
                """.formatted(Pauses.CHANNEL))
                .param("upstream", p.upstream())
                .param("model", p.model() == null ? "" : p.model())
                .param("reason", p.reason())
                .param("until", ts(p.until()), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                .param("at", ts(p.pausedAt()))
                .param("by", p.pausedBy())
                .query((rs, n) -> pause(rs))
                .single();
    }

    /** Deletes the pause of the upstream (model null) or of one model; true if there was one. */
    boolean delete(String upstream, String model) {
        // Locks the one row of its primary key.
        return jdbc.sql("""
                WITH gone AS (DELETE FROM upstream_pause WHERE upstream = :upstream AND model = :model RETURNING upstream)
                SELECT count(pg_notify('%s', upstream)) FROM gone
                """.formatted(Pauses.CHANNEL))
                        .param("upstream", upstream)
                        .param("model", model == null ? "" : model)
                        .query(Integer.class)
                        .single()
                > 0;
    }

    private static Pause pause(ResultSet rs) throws SQLException {
        String model = rs.getString("model");
        Timestamp until = rs.getTimestamp("paused_until");
        return new Pause(
                rs.getString("upstream"),
                model.isEmpty() ? null : model,
                rs.getString("reason"),
                until == null ? null : until.toInstant(),
                rs.getTimestamp("paused_at").toInstant(),
                rs.getString("paused_by"));
    }

    private static OffsetDateTime ts(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }
}
