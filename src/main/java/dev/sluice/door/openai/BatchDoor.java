package dev.sluice.door.openai;

import dev.sluice.batch.BatchEnqueuer;
import dev.sluice.door.Priorities;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobState;
import dev.sluice.job.Priority;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.springframework.stereotype.Service;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * OpenAI batches as Sluice batches: made from a stored input file in one all-or-nothing enqueue
 * (the OpenAI side stored in the same transaction), seen as OpenAI's batch object with its status
 * derived from the jobs, cancelled by cancelling the jobs not yet sent.
 */
@Service
class BatchDoor {

    /** OpenAI's windows run from 24 hours; Sluice takes up to a week. */
    static final Duration MIN_WINDOW = Duration.ofHours(24);

    static final Duration MAX_WINDOW = Duration.ofDays(7);
    /** A retried create (X-Stainless-Retry-Count > 0) finds the batch its first try made this recently. */
    static final Duration RETRY_WINDOW = Duration.ofHours(1);

    private static final Pattern WINDOW = Pattern.compile("([1-9][0-9]{0,3})([hd])");
    static final int CANCEL_PAGE = 10_000;

    private final OpenAiFiles files;
    private final BatchStore store;
    private final BatchEnqueuer enqueuer;
    private final JobRepository jobs;
    private final ObjectMapper json;
    private final Clock clock;

    BatchDoor(
            OpenAiFiles files,
            BatchStore store,
            BatchEnqueuer enqueuer,
            JobRepository jobs,
            ObjectMapper json,
            Clock clock) {
        this.files = files;
        this.store = store;
        this.enqueuer = enqueuer;
        this.jobs = jobs;
        this.json = json;
        this.clock = clock;
    }

    /** A create request, checked: every broken rule is reported at once. */
    record Create(
            long inputFileId,
            String endpoint,
            String window,
            Duration windowLength,
            JsonNode metadata,
            Priority priority) {}

    /** Reads {@code body} ({@code input_file_id, endpoint, completion_window, metadata}). */
    Create read(JsonNode body, String priorityHeader, Caller caller, List<Violation> violations) {
        Long fileId = null;
        JsonNode input = body.get("input_file_id");
        FileIds.FileId id = input != null && input.isString() ? FileIds.file(input.stringValue()) : null;
        if (id == null || id.kind() != FileIds.Kind.INPUT) {
            violations.add(Violation.of("input_file_id", "must be the id of an uploaded file (file-<n>)"));
        } else {
            fileId = id.number();
        }
        JsonNode e = body.get("endpoint");
        String endpoint = e != null && e.isString() ? e.stringValue() : null;
        if (endpoint == null || !ModelRoutes.PATHS.contains(endpoint)) {
            violations.add(Violation.of("endpoint", "must be one of " + ModelRoutes.PATHS));
        }
        JsonNode w = body.get("completion_window");
        Duration length = w != null && w.isString() ? window(w.stringValue()) : null;
        if (length == null) {
            violations.add(
                    Violation.of("completion_window", "must be from \"24h\" to \"7d\" (hours as <n>h, days as <n>d)"));
        }
        JsonNode metadata = body.get("metadata");
        Priority priority = null;
        if (metadata != null && !metadata.isNull()) {
            priority = metadata(metadata, violations);
        }
        if (priority == null && priorityHeader != null) {
            priority = Priority.fromWire(priorityHeader);
            if (priority == null) {
                violations.add(Violation.of("X-Sluice-Priority", "must be one of high, normal, low"));
            }
        }
        if (priority == null) {
            priority = Priorities.defaultOf(caller.project());
        }
        return new Create(
                fileId == null ? 0 : fileId,
                endpoint,
                w != null && w.isString() ? w.stringValue() : null,
                length,
                metadata == null || metadata.isNull() ? null : metadata,
                priority);
    }

    /** OpenAI's metadata rules (at most 16 string pairs, keys to 64 characters, values to 512); its priority. */
    private static Priority metadata(JsonNode metadata, List<Violation> violations) {
        if (!metadata.isObject() || metadata.size() > 16) {
            violations.add(Violation.of("metadata", "must be an object of at most 16 string values"));
            return null;
        }
        Priority priority = null;
        for (Map.Entry<String, JsonNode> entry : metadata.properties()) {
            if (entry.getKey().length() > 64
                    || !entry.getValue().isString()
                    || entry.getValue().stringValue().length() > 512) {
                violations.add(Violation.of(
                        "metadata", "keys must be at most 64 characters and values strings of at most 512"));
                return null;
            }
            if (entry.getKey().equals("priority")) {
                priority = Priority.fromWire(entry.getValue().stringValue());
                if (priority == null) {
                    violations.add(Violation.of("metadata.priority", "must be one of high, normal, low"));
                }
            }
        }
        return priority;
    }

    private static Duration window(String text) {
        Matcher m = WINDOW.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        Duration d = m.group(2).equals("h") ? Duration.ofHours(n) : Duration.ofDays(n);
        return d.compareTo(MIN_WINDOW) < 0 || d.compareTo(MAX_WINDOW) > 0 ? null : d;
    }

    /**
     * Makes the batch; a retry of a create whose answer was lost ({@code retried}) gets the batch
     * its first try made from the same file, if there is one.
     */
    long create(Create create, boolean retried, Caller caller) {
        files.find(create.inputFileId(), caller);
        Instant now = clock.instant();
        if (retried) {
            var earlier = store.madeFrom(caller.project().id(), create.inputFileId(), now.minus(RETRY_WINDOW));
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        String metadata = create.metadata() == null ? null : create.metadata().toString();
        Instant expires = now.plus(create.windowLength());
        BatchEnqueuer.Created created = enqueuer.enqueue(
                files.content(create.inputFileId()),
                files.request(
                        caller,
                        create.endpoint(),
                        create.priority(),
                        batchId -> store.insert(
                                batchId, create.inputFileId(), create.endpoint(), create.window(), metadata, expires)));
        return created.batchId();
    }

    /** The batch, if the caller sees it; else 404. */
    BatchStore.Row find(long batchId, Caller caller) {
        return store.find(batchId)
                .filter(b -> caller.visibility().sees(b.projectId()))
                .orElseThrow(() -> new DoorNotFoundException("batch", FileIds.batch(batchId)));
    }

    List<BatchObject> list(Caller caller, long before, int limit) {
        List<BatchObject> page = new ArrayList<>();
        for (BatchStore.Row row : store.page(caller.project().id(), caller.isAdmin(), before, limit)) {
            page.add(view(row));
        }
        return page;
    }

    /**
     * Cancels the jobs not yet sent; those in flight finish, and their results are kept. The call
     * cancels the first {@value #CANCEL_PAGE} (the head of the queue, sent first) and answers
     * {@code cancelling}; {@link DoorUpkeep} cancels the rest within its interval (a million took
     * 79 s in one call, 2026-12-01).
     */
    BatchObject cancel(long batchId, Caller caller) {
        BatchStore.Row row = find(batchId, caller);
        if (row.expiredAt() == null) {
            Instant now = clock.instant();
            store.markCancelling(batchId, now);
            jobs.cancelUnsentInBatch(batchId, BatchOutput.CANCELLED, CANCEL_PAGE, now);
        }
        return view(find(batchId, caller));
    }

    /** The batch object, its status and counts derived from its jobs now. */
    BatchObject view(BatchStore.Row row) {
        Map<JobState, Long> counts = jobs.countByStateInBatch(row.batchId());
        long total = counts.values().stream().mapToLong(Long::longValue).sum();
        long succeeded = counts.get(JobState.SUCCEEDED);
        long failed = counts.get(JobState.FAILED) + counts.get(JobState.CANCELLED);
        boolean open = succeeded + failed < total;
        Instant last = open ? null : jobs.lastFinishedInBatch(row.batchId());
        return BatchObject.of(row, metadata(row), total, succeeded, failed, open, last);
    }

    private JsonNode metadata(BatchStore.Row row) {
        return row.metadataJson() == null ? null : json.readTree(row.metadataJson());
    }

    /** A request's create body was refused. */
    static InvalidJobException invalid(List<Violation> violations) {
        return new InvalidJobException(violations);
    }
}
