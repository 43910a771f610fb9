package dev.sluice.door.openai;

import java.sql.Timestamp;
import java.time.Instant;
import java.util.Optional;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

/** All SQL about {@code door_request}: the idempotency key the door gave each request. */
@Component
class DoorRequests {

    private final JdbcClient jdbc;

    DoorRequests(JdbcClient jdbc) {
        this.jdbc = jdbc;
    }

    /** Committed before the job is made, so a retry always finds the key. */
    void insert(long apiKeyId, byte[] sha256, String idempotencyKey, Instant now) {
        jdbc.sql("""
                INSERT INTO door_request (api_key_id, request_sha256, idempotency_key, created_at)
                VALUES (:key, :sha, :idempotencyKey, :now)
                """)
                .param("key", apiKeyId)
                .param("sha", sha256)
                .param("idempotencyKey", idempotencyKey)
                .param("now", Timestamp.from(now))
                .update();
    }

    /** The key the newest same request of this API key was given since {@code since}. */
    Optional<String> newestKey(long apiKeyId, byte[] sha256, Instant since) {
        // Index: door_request_lookup_idx (api_key_id, request_sha256, created_at DESC), first row.
        return jdbc.sql("""
                SELECT idempotency_key FROM door_request
                WHERE api_key_id = :key AND request_sha256 = :sha AND created_at >= :since
                ORDER BY created_at DESC LIMIT 1
                """)
                .param("key", apiKeyId)
                .param("sha", sha256)
                .param("since", Timestamp.from(since))
                .query(String.class)
                .optional();
    }

    /** Forgets the requests made before {@code cutoff}; how many. */
    int deleteCreatedBefore(Instant cutoff) {
        // Index: door_request_created_idx.
        return jdbc.sql("DELETE FROM door_request WHERE created_at < :cutoff")
                .param("cutoff", Timestamp.from(cutoff))
                .update();
    }
}
