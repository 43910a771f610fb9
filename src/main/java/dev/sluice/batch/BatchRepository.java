package dev.sluice.batch;

import java.time.Instant;
import java.util.Optional;
import org.springframework.data.jpa.repository.Modifying;
import org.springframework.data.jpa.repository.Query;
import org.springframework.data.repository.Repository;
import org.springframework.data.repository.query.Param;
import org.springframework.transaction.annotation.Transactional;

/** All SQL about the {@code batch} table. */
public interface BatchRepository extends Repository<Batch, Long> {

    Optional<Batch> findById(long id);

    Optional<Batch> findByProjectIdAndIdempotencyKey(long projectId, String idempotencyKey);

    /** Draws a batch id before the batch's rows are encoded; an id drawn for a rejected batch is never used. */
    @Query(value = "SELECT nextval(pg_get_serial_sequence('batch', 'id'))", nativeQuery = true)
    long nextId();

    /**
     * Inserts the batch; 0 when its idempotency key was taken in its project by a concurrent
     * request. {@code apiKeyId} 0: made by Sluice itself (a null Long would reach the native
     * query without a type).
     */
    @Modifying
    @Query(value = """
            INSERT INTO batch (id, created_at, idempotency_key, request_sha256, project_id, api_key_id, job_count,
                queued)
            VALUES (:id, :createdAt, :idempotencyKey, :requestSha256, :projectId, NULLIF(:apiKeyId, 0), :jobCount,
                :jobCount)
            ON CONFLICT (project_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
            """, nativeQuery = true)
    int insert(
            @Param("id") long id,
            @Param("createdAt") Instant createdAt,
            @Param("idempotencyKey") String idempotencyKey,
            @Param("requestSha256") byte[] requestSha256,
            @Param("projectId") long projectId,
            @Param("apiKeyId") long apiKeyId,
            @Param("jobCount") long jobCount);

    /**
     * Deletes the batches created before {@code cutoff} that no job belongs to any more (retention
     * deleted them); a scan of the small batch table, each probed on job_batch_idx. The one
     * statement outside {@code JobRepository} that reads {@code job}: it only tests that a batch
     * is empty, and it deletes batch rows.
     */
    @Modifying
    @Transactional
    @Query(value = """
            DELETE FROM batch b WHERE created_at < :cutoff
            AND NOT EXISTS (SELECT 1 FROM job j WHERE j.batch_id = b.id)
            """, nativeQuery = true)
    int deleteEmptyCreatedBefore(@Param("cutoff") Instant cutoff);
}
