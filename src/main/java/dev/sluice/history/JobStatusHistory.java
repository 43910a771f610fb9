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

/** One history row, read-only: rows are only ever appended, by the job's SQL. */
@Entity
@Immutable
@Table(name = "job_status_history")
public class JobStatusHistory {

    @Id
    private long id;

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

    public long id() {
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
