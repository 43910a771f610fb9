package dev.sluice.batch;

import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.JobCopyEncoder;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import dev.sluice.job.ProjectLimitException;
import dev.sluice.job.Violation;
import java.io.BufferedInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectReader;

/**
 * Reads a batch body one job at a time (NDJSON lines or JSON-array elements, each bounded), each
 * through the door's {@link BatchEnqueuer.LineAdapter} when there is one, then through the job
 * rules; collects every broken rule with its line, and while none is broken encodes each job as a
 * COPY row. {@link BatchEnqueuer} decides what is stored.
 */
final class BatchLines {

    private final JobRequestParser parser;
    private final ObjectReader reader;

    BatchLines(JobRequestParser parser, ObjectReader reader) {
        this.parser = parser;
        this.reader = reader;
    }

    record Encoded(
            long jobCount,
            Set<String> upstreams,
            List<Violation> violations,
            long violationCount,
            List<JobCopyEncoder.Lane> lanes,
            Forbidden forbidden) {}

    /** The lines whose priority the project may not use: the first, and how many. */
    static final class Forbidden {
        int firstLine;
        Priority firstPriority;
        long lines;

        void add(int line, Priority priority) {
            if (lines++ == 0) {
                firstLine = line;
                firstPriority = priority;
            }
        }

        void throwIfAny(BatchEnqueuer.Request request) {
            if (lines > 0) {
                throw new ProjectLimitException(
                        "allowed_priorities",
                        "line " + firstLine + (lines > 1 ? " (and " + (lines - 1) + " more)" : "") + " has priority "
                                + firstPriority.wireName() + "; this project may use only "
                                + request.allowedPriorities().stream()
                                        .sorted()
                                        .map(Priority::wireName)
                                        .toList()
                                + " (allowed_priorities)");
            }
        }
    }

    /** Validates every job of the body; encodes them while none has failed. */
    Encoded encode(InputStream body, BatchEnqueuer.Request request, JobCopyEncoder encoder, OutputStream out) {
        var sink = new Sink(request, encoder, out);
        InputStream buffered = new BufferedInputStream(body, 1 << 16);
        BatchElements elements = request.format() == BatchFormat.NDJSON
                ? new BoundedLines(buffered, request.maxLineBytes())
                : new ArrayElements(buffered, request.maxLineBytes());
        String where = request.format() == BatchFormat.NDJSON ? "(line)" : "(element)";
        for (BatchElements.Element e = elements.next(); e != null; e = elements.next()) {
            if (e.number() > request.maxLines()) {
                // The rest is not read: a batch past the bound is refused whatever it holds.
                sink.reject(Violation.of(
                        "(body)", "holds more than " + request.maxLines() + " jobs (sluice.api.max-batch-lines)"));
                return sink.encoded();
            }
            if (e.bytes() == null) {
                sink.reject(Violation.of(where, e.problem()).onLine(e.number()));
            } else if (!e.isBlank()) {
                try {
                    sink.accept(reader.readTree(e.bytes(), 0, e.length()), e.number());
                } catch (JacksonException x) {
                    sink.reject(Violation.of(where, "is not valid JSON: " + x.getOriginalMessage())
                            .onLine(e.number()));
                }
            }
        }
        elements.bodyProblems().forEach(problem -> sink.reject(Violation.of("(body)", problem)));
        if (sink.jobCount == 0 && sink.violationCount == 0) {
            sink.reject(Violation.of("(body)", "must hold at least one job"));
        }
        return sink.encoded();
    }

    /** Collects violations, or encodes jobs while there are none. */
    private final class Sink {
        final BatchEnqueuer.Request request;
        final JobCopyEncoder encoder;
        final OutputStream out;
        final CustomIds customIds = new CustomIds();
        final Set<String> upstreams = new HashSet<>();
        final List<Violation> violations = new ArrayList<>();
        final List<Violation> scratch = new ArrayList<>();
        final Forbidden forbidden = new Forbidden();
        long violationCount;
        long jobCount;

        Sink(BatchEnqueuer.Request request, JobCopyEncoder encoder, OutputStream out) {
            this.request = request;
            this.encoder = encoder;
            this.out = out;
        }

        void accept(JsonNode line, int number) {
            scratch.clear();
            JsonNode node = request.adapter() == null ? line : request.adapter().adapt(line, scratch);
            if (node == null) {
                scratch.forEach(v -> reject(v.onLine(number)));
                return;
            }
            acceptJob(node, number);
        }

        private void acceptJob(JsonNode node, int line) {
            NewJob job = parser.parse(node, JobRequestParser.Source.BATCH_LINE, request.defaults(), scratch);
            if (job != null && job.customId() != null) {
                int first = customIds.firstUse(job.customId(), line);
                if (first != 0) {
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
            if (request.maxJobs() != null && jobCount > request.maxJobs()) {
                // The rest is not read: the project may not send a batch this large.
                throw new ProjectLimitException(
                        "max_batch_jobs",
                        "the batch holds more than " + request.maxJobs()
                                + " jobs, the most this project may send in one batch (max_batch_jobs)");
            }
            if (request.allowedPriorities() != null
                    && !request.allowedPriorities().contains(job.priority())) {
                forbidden.add(line, job.priority());
            }
            upstreams.add(job.upstream());
            if (violationCount == 0) {
                encoder.write(job, out);
            }
        }

        Encoded encoded() {
            return new Encoded(jobCount, upstreams, violations, violationCount, encoder.lanes(), forbidden);
        }

        void reject(Violation violation) {
            violationCount++;
            if (violations.size() < request.maxReportedViolations()) {
                violations.add(violation);
            }
        }
    }
}
