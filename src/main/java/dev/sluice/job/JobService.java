package dev.sluice.job;

import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
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

    JobService(JobRepository jobs, Clock clock, ApplicationEventPublisher events, ObjectMapper json) {
        this.jobs = jobs;
        this.clock = clock;
        this.events = events;
        this.json = json;
    }

    public Enqueued enqueue(NewJob request) {
        // To the microsecond, as PostgreSQL keeps it: the answer shows what a later read shows.
        Instant now = clock.instant().truncatedTo(ChronoUnit.MICROS);
        OptionalLong id = jobs.insert(request, now);
        if (id.isPresent()) {
            events.publishEvent(new JobsEnqueued(Set.of(request.upstream())));
            return new Enqueued(Job.queued(id.getAsLong(), request, now), true);
        }
        Job existing = jobs.findByIdempotencyKey(request.idempotencyKey())
                .orElseThrow(() -> new IllegalStateException("idempotency key conflict, but no job holds the key"));
        if (!sameRequest(existing, request)) {
            throw new IdempotencyConflictException(
                    request.idempotencyKey(), IdempotencyConflictException.Kind.JOB, existing.id());
        }
        return new Enqueued(existing, false);
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

    public Optional<Job> find(long id) {
        return jobs.findById(id);
    }

    /** Re-queues a failed or submit_unknown job with a fresh set of attempts. */
    public Job retry(long id) {
        if (!jobs.retry(id, clock.instant())) {
            Job job = jobs.findById(id).orElseThrow(() -> new JobNotFoundException(id));
            throw new JobStateConflictException(id, job.state(), "only a failed or submit_unknown job can be retried");
        }
        Job job = jobs.findById(id).orElseThrow();
        events.publishEvent(new JobsEnqueued(Set.of(job.upstream())));
        return job;
    }

    /** True when the job was cancelled now; false when it had already been submitted or finished. */
    public boolean cancel(long id) {
        if (jobs.cancel(id, clock.instant())) {
            return true;
        }
        if (jobs.findById(id).isEmpty()) {
            throw new JobNotFoundException(id);
        }
        return false;
    }
}
