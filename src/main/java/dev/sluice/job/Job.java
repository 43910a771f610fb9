package dev.sluice.job;

import jakarta.persistence.Column;
import jakarta.persistence.Convert;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A job as read by the API. Read-only: every write goes through {@link JobRepository}'s SQL, which
 * changes state and appends the history row in one statement, so JPA never flushes a job.
 */
@Entity
@Immutable
@Table(name = "job")
public class Job {

    @Id
    private long id;

    private Long batchId;
    private String customId;
    private String upstream;
    private String endpoint;

    @JdbcTypeCode(SqlTypes.JSON)
    private String payload;

    private int tokenCount;
    private String model;
    private boolean tokenEstimated;
    private Integer tokensUsed;

    @Convert(converter = PriorityConverter.class)
    private Priority priority;

    @Convert(converter = JobStateConverter.class)
    private JobState state;

    private String idempotencyKey;
    private String callbackUrl;
    private int attempts;
    private int maxAttempts;
    private Instant runAfter;
    private String leaseOwner;
    private Instant leaseExpiresAt;
    private String upstreamRequestId;
    private Instant nextPollAt;

    @JdbcTypeCode(SqlTypes.JSON)
    private String result;

    private String error;

    @Column(name = "created_at")
    private Instant createdAt;

    private Instant claimedAt;
    private Instant submittedAt;
    private Instant startedAt;
    private Instant finishedAt;
    private long projectId;
    private Long apiKeyId;
    private long fairTag;

    protected Job() {}

    /**
     * The row {@code request} has just become, inserted as {@code id} at {@code now} (to the
     * microsecond, as stored): what the insert wrote, without reading it back.
     */
    static Job queued(long id, NewJob request, Owner owner, long fairTag, Instant now) {
        Job job = new Job();
        job.id = id;
        job.projectId = owner.projectId();
        job.apiKeyId = owner.apiKeyId();
        job.fairTag = fairTag;
        job.customId = request.customId();
        job.upstream = request.upstream();
        job.endpoint = request.endpoint();
        job.payload = request.payloadJson();
        job.tokenCount = request.tokenCount();
        job.model = request.model();
        job.tokenEstimated = request.tokenEstimated();
        job.priority = request.priority();
        job.state = JobState.QUEUED;
        job.idempotencyKey = request.idempotencyKey();
        job.callbackUrl = request.callbackUrl();
        job.maxAttempts = request.maxAttempts();
        job.runAfter = now;
        job.createdAt = now;
        return job;
    }

    public long id() {
        return id;
    }

    public Long batchId() {
        return batchId;
    }

    public String customId() {
        return customId;
    }

    public String upstream() {
        return upstream;
    }

    public String endpoint() {
        return endpoint;
    }

    public String payload() {
        return payload;
    }

    public int tokenCount() {
        return tokenCount;
    }

    /** The model its payload names (null: none). */
    public String model() {
        return model;
    }

    /** Whether Sluice estimated {@link #tokenCount} (the request sent none). */
    public boolean tokenEstimated() {
        return tokenEstimated;
    }

    /** The tokens the upstream's answer says it used (null: not answered yet, or it did not say). */
    public Integer tokensUsed() {
        return tokensUsed;
    }

    public Priority priority() {
        return priority;
    }

    public JobState state() {
        return state;
    }

    public String idempotencyKey() {
        return idempotencyKey;
    }

    public String callbackUrl() {
        return callbackUrl;
    }

    public int attempts() {
        return attempts;
    }

    public int maxAttempts() {
        return maxAttempts;
    }

    public Instant runAfter() {
        return runAfter;
    }

    public String leaseOwner() {
        return leaseOwner;
    }

    public Instant leaseExpiresAt() {
        return leaseExpiresAt;
    }

    public String upstreamRequestId() {
        return upstreamRequestId;
    }

    public Instant nextPollAt() {
        return nextPollAt;
    }

    public String result() {
        return result;
    }

    public String error() {
        return error;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant claimedAt() {
        return claimedAt;
    }

    public Instant submittedAt() {
        return submittedAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public Instant finishedAt() {
        return finishedAt;
    }

    /** The project that made the job: only its keys (and admin keys) see it. */
    public long projectId() {
        return projectId;
    }

    /** The key that made the job (null: Sluice, or a job stored before keys existed). */
    public Long apiKeyId() {
        return apiKeyId;
    }

    /** The job's turn within its upstream and priority (the claim's order after priority). */
    public long fairTag() {
        return fairTag;
    }
}
