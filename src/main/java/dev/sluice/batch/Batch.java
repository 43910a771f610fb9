package dev.sluice.batch;

import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;

/** A batch as read by the API. Its counts are derived from its jobs, never stored. */
@Entity
@Immutable
@Table(name = "batch")
class Batch {

    @Id
    private long id;

    private Instant createdAt;
    private String idempotencyKey;
    private byte[] requestSha256;
    private long projectId;

    protected Batch() {}

    public long id() {
        return id;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    /** SHA-256 of the request that made the batch (null for batches stored before it was kept). */
    public byte[] requestSha256() {
        return requestSha256;
    }

    /** The project that made the batch: only its keys (and admin keys) see it. */
    public long projectId() {
        return projectId;
    }
}
