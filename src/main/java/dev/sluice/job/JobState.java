package dev.sluice.job;

import java.util.EnumSet;
import java.util.Set;

/**
 * The life of a job. The allowed transitions are listed here once; the {@code job.state} CHECK
 * constraint lists the same values (JobStateSchemaTest keeps the two in step), and every write in
 * {@link JobRepository} names its source states in its WHERE clause, so a row can only move along
 * an edge of this graph.
 */
public enum JobState {
    QUEUED,
    CLAIMED,
    SUBMITTED,
    /**
     * The worker died after sending a request the upstream cannot recognise if sent again (no
     * idempotency): it may have been served. Waits for an operator to retry or cancel it.
     */
    SUBMIT_UNKNOWN,
    SUCCEEDED,
    FAILED,
    CANCELLED;

    private Set<JobState> next;

    static {
        QUEUED.next = EnumSet.of(CLAIMED, CANCELLED);
        // A claimed job is being sent: a synchronous upstream finishes it at once; a retryable
        // failure or an upstream 429 puts it back in the queue.
        CLAIMED.next = EnumSet.of(SUBMITTED, SUCCEEDED, FAILED, QUEUED, CANCELLED, SUBMIT_UNKNOWN);
        SUBMITTED.next = EnumSet.of(SUCCEEDED, FAILED, QUEUED, CANCELLED);
        SUCCEEDED.next = EnumSet.noneOf(JobState.class);
        // An operator may re-queue a failed job by hand.
        SUBMIT_UNKNOWN.next = EnumSet.of(QUEUED, CANCELLED);
        FAILED.next = EnumSet.of(QUEUED);
        CANCELLED.next = EnumSet.noneOf(JobState.class);
    }

    /** The state's name on the wire and in the database. */
    public String wireName() {
        return name().toLowerCase();
    }

    public boolean isFinal() {
        return this == SUCCEEDED || this == FAILED || this == CANCELLED;
    }

    public boolean canMoveTo(JobState target) {
        return next.contains(target);
    }

    /** Throws if this state has no edge to {@code target}: a programming error, never user input. */
    public JobState checkMoveTo(JobState target) {
        if (!canMoveTo(target)) {
            throw new IllegalStateException("illegal job state transition " + this + " -> " + target);
        }
        return target;
    }

    public static JobState fromWire(String value) {
        for (JobState s : values()) {
            if (s.wireName().equals(value)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown job state '" + value + "'");
    }
}
