package dev.sluice.batch;

import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.IdempotencyConflictException;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.JobCopyEncoder;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobService;
import dev.sluice.job.JobsEnqueued;
import dev.sluice.job.Owner;
import dev.sluice.job.Priority;
import dev.sluice.job.RequestJson;
import dev.sluice.job.Violation;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.LongConsumer;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Takes a batch all-or-nothing. The body is read once, as a stream, one job at a time (NDJSON lines
 * or JSON-array elements, each at most {@code sluice.api.max-job-size}): each job is validated and,
 * while none has failed, encoded as a COPY row into a temporary file. Only a batch with no broken rule
 * reaches the database, as one COPY in one short transaction, so a rejected batch stores nothing and
 * a slow upload never holds a connection. Memory stays flat: one line at a time, plus 12 bytes per
 * custom_id seen (to reject duplicates with the line that first used each; {@link CustomIds}), for
 * at most {@code sluice.api.max-batch-lines} jobs. An Idempotency-Key
 * names the request it came with: its SHA-256 is kept, and a repeat with other content is a 409.
 */
@Service
public class BatchEnqueuer {

    /** The batch, its job count, and whether this request created it (false: an idempotent repeat). */
    public record Created(long batchId, long jobCount, boolean created) {}

    /**
     * The settings of one enqueue call: whose batch it is, and its project's limits on it
     * ({@code allowedPriorities} null: any; {@code maxJobs} null: only {@code maxLines}). A
     * protocol door gives {@code adapter}, which turns each of its clients' lines into a Sluice
     * job request, and {@code onStored}, which stores its own side of the batch in the batch's
     * transaction; both are null for Sluice's own batches.
     */
    public record Request(
            BatchFormat format,
            JobRequestParser.Defaults defaults,
            String idempotencyKey,
            int maxLineBytes,
            int maxLines,
            int maxReportedViolations,
            Owner owner,
            Set<Priority> allowedPriorities,
            Integer maxJobs,
            LineAdapter adapter,
            LongConsumer onStored) {}

    /** Turns one line of a door's batch into a Sluice job request, or adds its violations and gives null. */
    @FunctionalInterface
    public interface LineAdapter {
        JsonNode adapt(JsonNode line, List<Violation> violations);
    }

    private final BatchRepository batches;
    private final JobRepository jobs;
    private final BatchLines lines;
    private final TransactionTemplate transaction;
    private final ApplicationEventPublisher events;
    private final Clock clock;

    BatchEnqueuer(
            BatchRepository batches,
            JobRepository jobs,
            JobRequestParser parser,
            ObjectMapper json,
            TransactionTemplate transaction,
            ApplicationEventPublisher events,
            Clock clock) {
        this.batches = batches;
        this.jobs = jobs;
        this.lines = new BatchLines(parser, RequestJson.reader(json));
        this.transaction = transaction;
        this.events = events;
        this.clock = clock;
    }

    /**
     * Checks every job of {@code body} as {@link #enqueue} would and stores nothing: the number
     * of jobs, or {@link InvalidJobException} with every broken rule and its line.
     */
    public long validate(InputStream body, Request request) {
        BatchLines.Encoded encoded = lines.encode(
                body,
                request,
                new JobCopyEncoder(0, request.owner(), clock.instant()),
                OutputStream.nullOutputStream());
        if (!encoded.violations().isEmpty()) {
            throw new InvalidJobException(encoded.violations(), encoded.violationCount());
        }
        return encoded.jobCount();
    }

    public Created enqueue(InputStream body, Request request) {
        // The request's fingerprint, when it has a key: a repeat with the key must be the same request.
        MessageDigest digest = request.idempotencyKey() == null ? null : fingerprint(request);
        InputStream hashed = digest == null ? body : new DigestInputStream(body, digest);
        if (request.idempotencyKey() != null) {
            var existing =
                    batches.findByProjectIdAndIdempotencyKey(request.owner().projectId(), request.idempotencyKey());
            if (existing.isPresent()) {
                drain(hashed);
                return repeat(existing.get(), request, digest.digest());
            }
        }
        long batchId = batches.nextId();
        Instant now = clock.instant();
        Path rows = createTempFile();
        try {
            BatchLines.Encoded encoded;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(rows), 1 << 16)) {
                encoded = lines.encode(hashed, request, new JobCopyEncoder(batchId, request.owner(), now), out);
            }
            if (!encoded.violations().isEmpty()) {
                throw new InvalidJobException(encoded.violations(), encoded.violationCount());
            }
            encoded.forbidden().throwIfAny(request);
            byte[] sha256 = digest == null ? null : digest.digest();
            // The batch's turns, lane by lane, each reserved in a short transaction of its own.
            Owner owner = request.owner();
            long[] firstTurns = encoded.lanes().stream()
                    .mapToLong(l -> jobs.reserveTurns(owner, l.upstream(), l.priority(), l.jobs(), now))
                    .toArray();
            Created created;
            try {
                created = store(batchId, now, request, sha256, encoded, rows, firstTurns);
            } catch (RuntimeException e) {
                try {
                    releaseTurns(owner, encoded.lanes(), firstTurns);
                } catch (RuntimeException notReleased) {
                    e.addSuppressed(notReleased);
                }
                throw e;
            }
            if (created.created()) {
                events.publishEvent(new JobsEnqueued(encoded.upstreams()));
            } else {
                releaseTurns(owner, encoded.lanes(), firstTurns);
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(rows);
        }
    }

    /**
     * In one short transaction: the batch row (or the batch a concurrent request with the same key
     * made), the project's queue limit under its lock, and the jobs by one COPY at their turns.
     */
    private Created store(
            long batchId,
            Instant now,
            Request request,
            byte[] sha256,
            BatchLines.Encoded encoded,
            Path rows,
            long[] firstTurns) {
        Owner owner = request.owner();
        return transaction.execute(status -> {
            if (batches.insert(
                            batchId,
                            now,
                            request.idempotencyKey(),
                            sha256,
                            owner.projectId(),
                            owner.apiKeyId() == null ? 0 : owner.apiKeyId(),
                            encoded.jobCount())
                    == 0) {
                // A concurrent request with the same key committed first: answer with its batch.
                return repeat(
                        batches.findByProjectIdAndIdempotencyKey(owner.projectId(), request.idempotencyKey())
                                .orElseThrow(),
                        request,
                        sha256);
            }
            if (request.onStored() != null) {
                request.onStored().accept(batchId);
            }
            JobService.checkRoom(jobs, owner, encoded.jobCount());
            try (InputStream in = JobCopyEncoder.stamp(Files.newInputStream(rows), firstTurns, owner.stride())) {
                return new Created(batchId, jobs.copyIn(batchId, in), true);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /** Gives back the turns of a batch that was not stored, so its refusal costs the project no place. */
    private void releaseTurns(Owner owner, List<JobCopyEncoder.Lane> lanes, long[] firstTurns) {
        for (int i = 0; i < lanes.size(); i++) {
            jobs.releaseTurns(
                    owner,
                    lanes.get(i).upstream(),
                    lanes.get(i).priority(),
                    firstTurns[i],
                    lanes.get(i).jobs());
        }
    }

    /** The batch an earlier request with this key made, if this request is the same one; else 409. */
    private Created repeat(Batch existing, Request request, byte[] sha256) {
        // A batch stored before fingerprints were kept has none: its key is honoured as before.
        if (existing.requestSha256() != null && !MessageDigest.isEqual(existing.requestSha256(), sha256)) {
            throw new IdempotencyConflictException(
                    request.idempotencyKey(), IdempotencyConflictException.Kind.BATCH, existing.id());
        }
        return new Created(existing.id(), jobs.countInBatch(existing.id()), false);
    }

    /**
     * SHA-256 over what makes the request: its format, its query parameters (the default upstream
     * and priority) and then, as it is read, its body.
     */
    private static MessageDigest fingerprint(Request request) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            String head = request.format() + "\n" + request.defaults().upstream() + "\n"
                    + request.defaults().priority() + "\n";
            digest.update(head.getBytes(StandardCharsets.UTF_8));
            return digest;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    private static void drain(InputStream in) {
        try {
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path createTempFile() {
        try {
            return Files.createTempFile("sluice-batch-", ".copy");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            // The file is in the temp directory; the OS cleans it up if we cannot.
            org.slf4j.LoggerFactory.getLogger(BatchEnqueuer.class).warn("could not delete {}", file, e);
        }
    }
}
