package dev.sluice.project;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/** All SQL about the {@code api_key} table. */
@Repository
public class ApiKeys {

    /** A key as stored (never its secret: only its hash is kept, and not read back here). */
    public record StoredKey(
            long id,
            long projectId,
            String project,
            String name,
            String prefix,
            Set<Scope> scopes,
            Instant expiresAt,
            Instant createdAt,
            Long createdBy,
            Instant lastUsedAt,
            Instant revokedAt,
            Long revokedBy) {}

    private static final String COLUMNS = """
            k.id, k.project_id, p.name AS project, k.name, k.prefix, k.scopes, k.expires_at, k.created_at,
            k.created_by, k.last_used_at, k.revoked_at, k.revoked_by""";

    private final JdbcClient jdbc;

    ApiKeys(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** A key with its project, as one request's check needs them. */
    public record Found(StoredKey key, Project project) {}

    /**
     * The key with this hash and its project, in one statement: a probe of api_key_hash_key
     * (unique) and one of project's primary key.
     */
    public Optional<Found> findByHash(byte[] hash) {
        return jdbc.sql("SELECT " + COLUMNS + ", " + Projects.COLUMNS_OF_P
                        + " FROM api_key k JOIN project p ON p.id = k.project_id WHERE k.hash = :hash")
                .param("hash", hash)
                .query((rs, n) -> new Found(key(rs, n), Projects.project(rs, n)))
                .optional();
    }

    public Optional<StoredKey> findById(long id) {
        return jdbc.sql("SELECT " + COLUMNS + " FROM api_key k JOIN project p ON p.id = k.project_id WHERE k.id = :id")
                .param("id", id)
                .query(ApiKeys::key)
                .optional();
    }

    /** Every key, newest first (a few hundred rows at most: keys are made by people). */
    public List<StoredKey> findAll() {
        return jdbc.sql("SELECT " + COLUMNS
                        + " FROM api_key k JOIN project p ON p.id = k.project_id ORDER BY k.id DESC")
                .query(ApiKeys::key)
                .list();
    }

    public long insert(
            long projectId,
            String name,
            String prefix,
            byte[] hash,
            Set<Scope> scopes,
            Instant expiresAt,
            Instant now,
            Long createdBy) {
        return jdbc.sql("""
                INSERT INTO api_key (project_id, name, prefix, hash, scopes, expires_at, created_at, created_by)
                VALUES (:project, :name, :prefix, :hash, CAST(:scopes AS text[]), :expiresAt, :now, :createdBy)
                RETURNING id
                """)
                .param("project", projectId)
                .param("name", name)
                .param("prefix", prefix)
                .param("hash", hash)
                .param(
                        "scopes",
                        "{"
                                + String.join(
                                        ",",
                                        scopes.stream().map(Scope::wireName).toList()) + "}")
                .param("expiresAt", utc(expiresAt), java.sql.Types.TIMESTAMP_WITH_TIMEZONE)
                .param("now", utc(now))
                .param("createdBy", createdBy, java.sql.Types.BIGINT)
                .query(Long.class)
                .single();
    }

    /** Revokes the key; false when there is no such key or it was revoked already. */
    public boolean revoke(long id, Instant now, long revokedBy) {
        return jdbc.sql("UPDATE api_key SET revoked_at = :now, revoked_by = :by WHERE id = :id AND revoked_at IS NULL")
                        .param("now", utc(now))
                        .param("by", revokedBy)
                        .param("id", id)
                        .update()
                == 1;
    }

    /** Notes a use of the key, at most once a minute (the row is not rewritten on every request). */
    public void touch(long id, Instant now) {
        jdbc.sql("""
                UPDATE api_key SET last_used_at = :now
                WHERE id = :id AND (last_used_at IS NULL OR last_used_at < CAST(:now AS timestamptz) - interval '1 minute')
                """).param("id", id).param("now", utc(now)).update();
    }

    /** Whether any key that is neither revoked nor expired carries the admin scope. */
    public boolean anyLiveAdmin(Instant now) {
        return jdbc.sql("""
                SELECT EXISTS (SELECT 1 FROM api_key WHERE 'admin' = ANY (scopes) AND revoked_at IS NULL
                               AND (expires_at IS NULL OR expires_at > :now))
                """).param("now", utc(now)).query(Boolean.class).single();
    }

    /** Takes Sluice's bootstrap lock until the caller's transaction ends: one instance bootstraps at a time. */
    public void lockBootstrap() {
        jdbc.sql("SELECT pg_advisory_xact_lock(21324, 0)").query((rs, n) -> 1).single();
    }

    private static StoredKey key(ResultSet rs, int n) throws SQLException {
        Set<Scope> scopes = EnumSet.noneOf(Scope.class);
        Arrays.stream((String[]) rs.getArray("scopes").getArray())
                .map(Scope::fromWire)
                .forEach(scopes::add);
        return new StoredKey(
                rs.getLong("id"),
                rs.getLong("project_id"),
                rs.getString("project"),
                rs.getString("name"),
                rs.getString("prefix"),
                scopes,
                instant(rs.getTimestamp("expires_at")),
                instant(rs.getTimestamp("created_at")),
                rs.getObject("created_by", Long.class),
                instant(rs.getTimestamp("last_used_at")),
                instant(rs.getTimestamp("revoked_at")),
                rs.getObject("revoked_by", Long.class));
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }

    private static java.time.OffsetDateTime utc(Instant instant) {
        return instant == null ? null : instant.atOffset(java.time.ZoneOffset.UTC);
    }
}
