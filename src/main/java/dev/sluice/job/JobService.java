package dev.sluice.job;

import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.ObjectMapper;

/** Enqueues, finds and cancels single jobs. */
@Service
public class JobService {

    /** The job, and whether this request created it (false: an idempotent repeat). */
    public record Enqueued(Job job, boolean created) {}

    private final JobRepository jobs;
    private final Clock clock;
    private final ApplicationEventPublisher events;
    private final ObjectMapper json;
    private final TransactionTemplate transaction;
    private final TurnBlocks turns;

    JobService(
            JobRepository jobs,
            Clock clock,
            ApplicationEventPublisher events,
            ObjectMapper json,
            TransactionTemplate transaction) {
        this.jobs = jobs;
        this.clock = clock;
        this.events = events;
        this.json = json;
        this.transaction = transaction;
        this.turns = new TurnBlocks(jobs);
    }

    /**
     * Enqueues the job at its owner's next turn. A project with a queue limit is checked and
     * inserted under its enqueue lock, so two requests cannot both take the last place; over the
     * limit, nothing is stored ({@link QueueLimitException}); a priority the owner may not use
     * is refused ({@link ProjectLimitException}).
     */
    public Enqueued enqueue(NewJob request, Owner owner) {
        // Here, not in each door or controller, so that none can go round it.
        if (owner.allowedPriorities() != null && !owner.allowedPriorities().contains(request.priority())) {
            throw new ProjectLimitException(
                    "allowed_priorities",
                    "priority " + request.priority().wireName() + " is not one this project may use; it may use "
                            + owner.allowedPriorities().stream()
                                    .sorted()
                                    .map(Priority::wireName)
                                    .toList()
                            + " (allowed_priorities)");
        }
        // To the microsecond, as PostgreSQL keeps it: the answer shows what a later read shows.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        if (request.idempotencyKey() != null) {
            // A repeat is answered without reserving a turn (a turn reserved and not used would
            // put the project's next job one turn further back). Index: job_idempotency_key_idx.
            Optional<Job> earlier = jobs.findByProjectIdAndIdempotencyKey(owner.projectId(), request.idempotencyKey());
            if (earlier.isPresent()) {
                return repeat(earlier.get(), request);
            }
        }
        long turn = turns.take(owner, request.upstream(), request.priority(), now);
        OptionalLong id;
        try {
            id = owner.maxQueued() == null
                    ? jobs.insert(request, owner, turn, now)
                    : transaction.execute(status -> {
                        checkRoom(jobs, owner, 1);
                        return jobs.insert(request, owner, turn, now);
                    });
        } catch (RuntimeException e) {
            turns.giveBack(owner, request.upstream(), request.priority(), turn);
            throw e;
        }
        if (id.isPresent()) {
            events.publishEvent(new JobsEnqueued(Set.of(request.upstream())));
            return new Enqueued(Job.queued(id.getAsLong(), request, owner, turn, now), true);
        }
        // A concurrent request with the same key committed first.
        turns.giveBack(owner, request.upstream(), request.priority(), turn);
        return repeat(
                jobs.findByProjectIdAndIdempotencyKey(owner.projectId(), request.idempotencyKey())
                        .orElseThrow(
                                () -> new IllegalStateException("idempotency key conflict, but no job holds the key")),
                request);
    }

    /** The job an earlier request with the same key made, if this request is the same one; else 409. */
    private Enqueued repeat(Job existing, NewJob request) {
        if (!sameRequest(existing, request)) {
            throw new IdempotencyConflictException(
                    request.idempotencyKey(), IdempotencyConflictException.Kind.JOB, existing.id());
        }
        return new Enqueued(existing, false);
    }

    /**
     * Takes the owner's enqueue lock (until the caller's transaction ends) and refuses {@code adding}
     * more jobs if they would pass its queue limit. Call inside the transaction that inserts them.
     */
    public static void checkRoom(JobIntake jobs, Owner owner, long adding) {
        if (owner.maxQueued() == null) {
            return;
        }
        jobs.lockProjectQueue(owner.projectId());
        long queued = jobs.countQueuedInProject(owner.projectId(), owner.maxQueued() + 1);
        if (queued + adding > owner.maxQueued()) {
            throw new QueueLimitException(owner.maxQueued(), queued, adding);
        }
    }

    private boolean sameRequest(Job job, NewJob request) {
        return job.upstream().equals(request.upstream())
                && job.endpoint().equals(request.endpoint())
                && job.tokenCount() == request.tokenCount()
                && job.priority() == request.priority()
                && job.maxAttempts() == request.maxAttempts()
                && Objects.equals(job.callbackUrl(), request.callbackUrl())
                && json.readTree(job.payload()).equals(json.readTree(request.payloadJson()));
    }

    /**
     * The jobs matching {@code filter}, newest first, the search bounded to {@code timeout}: a
     * search that reads too much of the table ends with {@link SearchTooBroadException} and holds
     * no connection longer.
     */
    public List<JobSearches.JobSummary> search(JobSearches.JobFilter filter, int limit, Duration timeout) {
        try {
            return transaction.execute(status -> {
                jobs.limitStatementTime(timeout.toMillis());
                return jobs.search(filter, limit);
            });
        } catch (DataAccessException e) {
            if (e.getMostSpecificCause() instanceof SQLException sql && "57014".equals(sql.getSQLState())) {
                throw new SearchTooBroadException(timeout);
            }
            throw e;
        }
    }

    /** The job, if the caller sees it: another project's job is as absent as one that never was. */
    public Optional<Job> find(long id, Visibility visibility) {
        return jobs.findById(id).filter(j -> visibility.sees(j.projectId()));
    }

    /** The job if the caller sees it, else {@link JobNotFoundException}. */
    public Job get(long id, Visibility visibility) {
        return find(id, visibility).orElseThrow(() -> new JobNotFoundException(id));
    }

    /**
     * Re-queues a failed or submit_unknown job with a fresh set of attempts, at the head of its
     * queue. When the job is the caller's own project's, its queue limit ({@code caller}'s) is
     * checked; an admin acting on another project's job is not held to that project's limit.
     */
    public Job retry(long id, Visibility visibility, Owner caller) {
        Job before = get(id, visibility);
        boolean retried = Boolean.TRUE.equals(transaction.execute(status -> {
            if (before.projectId() == caller.projectId()) {
                checkRoom(jobs, caller, 1);
            }
            jobs.lockBatchOf(id);
            return jobs.retry(id, clock.instant());
        }));
        Job job = jobs.findById(id).orElseThrow(() -> new JobNotFoundException(id));
        if (!retried) {
            throw new JobStateConflictException(id, job.state(), "only a failed or submit_unknown job can be retried");
        }
        events.publishEvent(new JobsEnqueued(Set.of(job.upstream())));
        return job;
    }

    /** True when the job was cancelled now; false when it had already been submitted or finished. */
    public boolean cancel(long id, Visibility visibility) {
        get(id, visibility);
        if (jobs.cancel(id, clock.instant())) {
            return true;
        }
        if (jobs.findById(id).isEmpty()) {
            throw new JobNotFoundException(id);
        }
        return false;
    }
}
