package dev.sluice.history;

import dev.sluice.job.QueueFields;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * One history row, read-only, from the view job_history (V018): a row of job_status_history (only
 * ever appended, by the job's SQL), or one of the three its job row holds (queued at created_at,
 * the first claim at claimed_at, succeeded at finished_at), which have no id.
 */
@Entity
@Immutable
@Table(name = "job_history")
public class JobStatusHistory {

    /** Unique in the view: a stored row's id, or a derived row's negative key. */
    @Id
    private long rowKey;

    private Long id;
    /** Puts rows of one moment in the order they happen: queued, first claim, the rest, succeeded. */
    private int ord;

    private long jobId;
    private Instant observedAt;
    private String source;
    private String state;
    private int attempt;
    private String detail;
    private Integer httpStatus;
    private String status;
    private String queueState;
    private String queueStateReason;
    private Integer queuePosition;
    private Integer queueDepth;

    @Column(name = "estimated_wait_s")
    private Double estimatedWaitS;

    @JdbcTypeCode(SqlTypes.JSON)
    private String progress;

    @Column(name = "retry_after_s")
    private Double retryAfterS;

    @JdbcTypeCode(SqlTypes.JSON)
    private String headers;

    private int repeats;
    private Instant lastObservedAt;

    protected JobStatusHistory() {}

    /** The stored row's id; null for a row its job row holds. */
    public Long id() {
        return id;
    }

    public long jobId() {
        return jobId;
    }

    public Instant observedAt() {
        return observedAt;
    }

    public String source() {
        return source;
    }

    public String state() {
        return state;
    }

    public int attempt() {
        return attempt;
    }

    public String detail() {
        return detail;
    }

    public Integer httpStatus() {
        return httpStatus;
    }

    /** Where the request waited, as the upstream said (all null on a row of our own). */
    public QueueFields queue() {
        return new QueueFields(
                status, queueState, queueStateReason, queuePosition, queueDepth, estimatedWaitS, progress, retryAfterS);
    }

    /** How many times this row's change happened in a row (deferrals are counted here, not repeated). */
    public int repeats() {
        return repeats;
    }

    /** When the last of those repeats happened; null for a row that happened once. */
    public Instant lastObservedAt() {
        return lastObservedAt;
    }

    public String headers() {
        return headers;
    }
}
