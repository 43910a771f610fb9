package dev.sluice.batch;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.JobCopyEncoder;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobRequestParser;
import dev.sluice.job.JobsEnqueued;
import dev.sluice.job.NewJob;
import dev.sluice.job.Violation;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Takes a batch all-or-nothing. The body is read once, as a stream: each job is validated and, while
 * no line has failed, encoded as a COPY row into a temporary file. Only a batch with no broken rule
 * reaches the database, as one COPY in one short transaction, so a rejected batch stores nothing and
 * a slow upload never holds a connection. Memory stays flat: one line at a time, plus the set of
 * custom_ids seen (to reject duplicates with the line that first used each).
 */
@Service
public class BatchEnqueuer {

    /** The batch, its job count, and whether this request created it (false: an idempotent repeat). */
    public record Created(long batchId, long jobCount, boolean created) {}

    /** The settings of one enqueue call. */
    public record Request(
            BatchFormat format,
            JobRequestParser.Defaults defaults,
            String idempotencyKey,
            int maxLineBytes,
            int maxReportedViolations) {}

    private final BatchRepository batches;
    private final JobRepository jobs;
    private final JobRequestParser parser;
    private final ObjectMapper json;
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
        this.parser = parser;
        this.json = json;
        this.transaction = transaction;
        this.events = events;
        this.clock = clock;
    }

    public Created enqueue(InputStream body, Request request) {
        if (request.idempotencyKey() != null) {
            var existing = batches.findByIdempotencyKey(request.idempotencyKey());
            if (existing.isPresent()) {
                return new Created(
                        existing.get().id(), batches.countJobs(existing.get().id()), false);
            }
        }
        long batchId = batches.nextId();
        Instant now = clock.instant();
        Path rows = createTempFile();
        try {
            Encoded encoded;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(rows), 1 << 16)) {
                encoded =
                        encode(new BufferedInputStream(body, 1 << 16), request, new JobCopyEncoder(batchId, now), out);
            }
            if (!encoded.violations().isEmpty()) {
                throw new InvalidJobException(encoded.violations(), encoded.violationCount());
            }
            Created created = transaction.execute(status -> {
                if (batches.insert(batchId, now, request.idempotencyKey()) == 0) {
                    // A concurrent request with the same key committed first: answer with its batch.
                    long existingId = batches.findByIdempotencyKey(request.idempotencyKey())
                            .orElseThrow()
                            .id();
                    return new Created(existingId, batches.countJobs(existingId), false);
                }
                try (InputStream in = Files.newInputStream(rows)) {
                    return new Created(batchId, jobs.copyIn(batchId, in, now), true);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            if (created.created()) {
                events.publishEvent(new JobsEnqueued(encoded.upstreams()));
            }
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            deleteQuietly(rows);
        }
    }

    private record Encoded(long jobCount, Set<String> upstreams, List<Violation> violations, long violationCount) {}

    /** Validates every job of the body; encodes them while none has failed. */
    private Encoded encode(InputStream body, Request request, JobCopyEncoder encoder, OutputStream out) {
        var sink = new Sink(request, encoder, out);
        if (request.format() == BatchFormat.NDJSON) {
            BoundedLines lines = new BoundedLines(body, request.maxLineBytes());
            for (BoundedLines.Line line = lines.next(); line != null; line = lines.next()) {
                if (line.text() == null) {
                    sink.reject(Violation.of("(line)", "is longer than " + request.maxLineBytes() + " bytes")
                            .onLine(line.number()));
                } else if (!line.text().isBlank()) {
                    try {
                        sink.accept(json.readTree(line.text()), line.number());
                    } catch (JacksonException e) {
                        sink.reject(Violation.of("(line)", "is not valid JSON: " + e.getOriginalMessage())
                                .onLine(line.number()));
                    }
                }
            }
        } else {
            readArray(body, sink);
        }
        if (sink.jobCount == 0 && sink.violationCount == 0) {
            sink.reject(Violation.of("(body)", "must hold at least one job"));
        }
        return new Encoded(sink.jobCount, sink.upstreams, sink.violations, sink.violationCount);
    }

    private void readArray(InputStream body, Sink sink) {
        int element = 0;
        try (JsonParser p = json.createParser(body)) {
            if (p.nextToken() != JsonToken.START_ARRAY) {
                sink.reject(
                        Violation.of("(body)", "must be a JSON array of job objects (or send application/x-ndjson)"));
                return;
            }
            for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                if (t == null) {
                    sink.reject(Violation.of("(body)", "ends before the JSON array is closed"));
                    return;
                }
                element++;
                sink.accept(p.readValueAsTree(), element);
            }
        } catch (JacksonException e) {
            sink.reject(Violation.of(
                    "(body)", "is not valid JSON after element " + element + ": " + e.getOriginalMessage()));
        }
    }

    /** Collects violations, or encodes jobs while there are none. */
    private final class Sink {
        final Request request;
        final JobCopyEncoder encoder;
        final OutputStream out;
        final Map<String, Integer> customIds = new HashMap<>();
        final Set<String> upstreams = new HashSet<>();
        final List<Violation> violations = new ArrayList<>();
        final List<Violation> scratch = new ArrayList<>();
        long violationCount;
        long jobCount;

        Sink(Request request, JobCopyEncoder encoder, OutputStream out) {
            this.request = request;
            this.encoder = encoder;
            this.out = out;
        }

        void accept(JsonNode node, int line) {
            scratch.clear();
            NewJob job = parser.parse(node, JobRequestParser.Source.BATCH_LINE, request.defaults(), scratch);
            if (job != null && job.customId() != null) {
                Integer first = customIds.putIfAbsent(job.customId(), line);
                if (first != null) {
                    scratch.add(
                            Violation.of("custom_id", "must be unique in the batch; line " + first + " has it too"));
                    job = null;
                }
            }
            if (job == null) {
                scratch.forEach(v -> reject(v.onLine(line)));
                return;
            }
            jobCount++;
            upstreams.add(job.upstream());
            if (violationCount == 0) {
                encoder.write(job, out);
            }
        }

        void reject(Violation violation) {
            violationCount++;
            if (violations.size() < request.maxReportedViolations()) {
                violations.add(violation);
            }
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
