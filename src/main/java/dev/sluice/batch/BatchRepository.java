package dev.sluice.batch;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;

/** All SQL about the {@code batch} table. */
interface BatchRepository extends Repository<Batch, Long> {

    Optional<Batch> findById(long id);

    Optional<Batch> findByIdempotencyKey(String idempotencyKey);

    /** Draws a batch id before the batch's rows are encoded; an id drawn for a rejected batch is never used. */
    @Query(value = "SELECT nextval(pg_get_serial_sequence('batch', 'id'))", nativeQuery = true)
    long nextId();

    /** Inserts the batch; 0 when its idempotency key was taken by a concurrent request. */
    @Modifying
    @Query(value = """
            INSERT INTO batch (id, created_at, idempotency_key, request_sha256)
            VALUES (:id, :createdAt, :idempotencyKey, :requestSha256)
            ON CONFLICT (idempotency_key) DO NOTHING
            """, nativeQuery = true)
    int insert(
            @Param("id") long id,
            @Param("createdAt") Instant createdAt,
            @Param("idempotencyKey") String idempotencyKey,
            @Param("requestSha256") byte[] requestSha256);

    @Query(value = "SELECT count(*) FROM job WHERE batch_id = :batchId", nativeQuery = true)
    long countJobs(@Param("batchId") long batchId);
}
