package dev.sluice.job;

import java.io.InputStream;
import java.time.Instant;
import java.util.OptionalLong;

/** Intake: a job, or a batch's jobs, into the queue, each with its first history row. */
public interface JobIntake {

    /**
     * Reserves {@code count} consecutive turns for the owner's jobs of one upstream and priority, and
     * answers the first: the jobs take {@code first + i * owner.stride()}, i from 0. Its own short
     * transaction (see fair_lane in V011): the lane's row is locked only while this runs.
     */
    long reserveTurns(Owner owner, String upstream, Priority priority, long count, Instant now);

    /**
     * Gives back turns reserved by {@link #reserveTurns} for jobs that were not stored (a refused
     * or repeated request), if no later turns were given in the lane since; so a refusal does not
     * put the project's next jobs further back.
     */
    void releaseTurns(Owner owner, String upstream, Priority priority, long first, long count);

    /** Inserts a job of {@link Owner#SLUICE} at its next turn; empty when its idempotency key is taken. */
    default OptionalLong insert(NewJob job, Instant now) {
        return insert(job, Owner.SLUICE, reserveTurns(Owner.SLUICE, job.upstream(), job.priority(), 1, now), now);
    }

    /** Inserts a queued job at the given turn; empty when its project already has its idempotency key. */
    OptionalLong insert(NewJob job, Owner owner, long fairTag, Instant now);

    /**
     * Waits for, then holds until the caller's transaction ends, the project's enqueue lock, so
     * that its queued count cannot change between {@link #countQueuedInProject} and the insert.
     */
    void lockProjectQueue(long projectId);

    /** The project's queued jobs, counted up to {@code cap} at most. */
    long countQueuedInProject(long projectId, long cap);

    /**
     * Streams rows made by {@link JobCopyEncoder} (their turns stamped by {@link JobCopyEncoder#stamp})
     * into {@code job} with one COPY, on the connection of the caller's transaction. Each job's
     * 'queued' history row is its own row's {@code created_at} (the view job_history, V018).
     * Returns the number of jobs.
     */
    long copyIn(long batchId, InputStream encodedRows);
}
