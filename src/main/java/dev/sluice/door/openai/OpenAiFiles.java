package dev.sluice.door.openai;

import dev.sluice.api.ApiProperties;
import dev.sluice.api.BodyPermits;
import dev.sluice.batch.BatchEnqueuer;
import dev.sluice.batch.BatchFormat;
import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Priority;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;
import org.springframework.web.multipart.MultipartFile;

/**
 * Uploaded batch input files. An upload is checked whole first, every line as the batch will read
 * it (so a file that is stored makes a batch without surprises), and only a file with no broken
 * rule is stored, in chunks of 1 MiB, in one transaction: a refused or interrupted upload leaves
 * nothing behind. The upload itself reaches us as a temporary file (multipart parts are written to
 * disk as they arrive), so neither pass holds more than a line and a chunk in memory.
 */
@Service
class OpenAiFiles {

    static final int CHUNK = 1 << 20;

    private final FileStore store;
    private final BatchEnqueuer enqueuer;
    private final ModelRoutes routes;
    private final ApiProperties api;
    private final TransactionTemplate transaction;
    private final Clock clock;
    private final BodyPermits checks;

    OpenAiFiles(
            FileStore store,
            BatchEnqueuer enqueuer,
            ModelRoutes routes,
            ApiProperties api,
            TransactionTemplate transaction,
            Clock clock) {
        this.store = store;
        this.enqueuer = enqueuer;
        this.routes = routes;
        this.api = api;
        this.transaction = transaction;
        this.clock = clock;
        this.checks = new BodyPermits(api.maxConcurrentBatches(), "batch files");
    }

    FileStore.StoredFile upload(MultipartFile file, String purpose, Caller caller) {
        if (!"batch".equals(purpose)) {
            throw new InvalidJobException(List.of(Violation.of("purpose", "must be \"batch\"")));
        }
        if (file == null) {
            throw new InvalidJobException(
                    List.of(Violation.of("file", "is required: the JSONL file as a multipart part")));
        }
        String filename =
                file.getOriginalFilename() == null || file.getOriginalFilename().isBlank()
                        ? "upload.jsonl"
                        : cut(file.getOriginalFilename());
        long lines;
        try (InputStream in = file.getInputStream()) {
            lines = checked(in, caller);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return transaction.execute(status -> {
            long id = store.insert(
                    caller.project().id(), caller.keyId(), purpose, filename, (int) lines, clock.instant());
            long bytes = 0;
            try (InputStream in = file.getInputStream()) {
                int seq = 0;
                for (byte[] chunk = in.readNBytes(CHUNK); chunk.length > 0; chunk = in.readNBytes(CHUNK)) {
                    store.insertChunk(id, seq++, chunk);
                    bytes += chunk.length;
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            store.finish(id, bytes);
            return store.find(id).orElseThrow();
        });
    }

    /** Checks every line (at most {@code sluice.api.max-concurrent-batches} bodies at once); the line count. */
    private long checked(InputStream in, Caller caller) {
        try (BodyPermits.Permit checking = checks.take()) {
            return enqueuer.validate(in, request(caller, null, Priority.LOW, null));
        }
    }

    /** The enqueue settings of a door batch: its lines read by {@link OpenAiLines}. */
    BatchEnqueuer.Request request(
            Caller caller, String endpoint, Priority priority, java.util.function.LongConsumer onStored) {
        return new BatchEnqueuer.Request(
                BatchFormat.NDJSON,
                new JobRequestParser.Defaults(
                        null, priority, null, caller.project().hasCallbackSecret()),
                null,
                (int) api.maxJobSize().toBytes(),
                api.maxBatchLines(),
                api.maxReportedErrors(),
                caller.owner(),
                onStored == null ? null : caller.project().allowedPriorities(),
                onStored == null ? null : caller.project().maxBatchJobs(),
                new OpenAiLines(routes, endpoint),
                onStored);
    }

    /** The file, if the caller sees it; else 404. */
    FileStore.StoredFile find(long id, Caller caller) {
        return store.find(id)
                .filter(f -> caller.visibility().sees(f.projectId()))
                .orElseThrow(() -> new DoorNotFoundException("file", FileIds.input(id)));
    }

    InputStream content(long id) {
        return new ChunkInputStream(store, id);
    }

    List<FileStore.StoredFile> list(Caller caller, long before, int limit) {
        return store.idsBefore(caller.project().id(), caller.isAdmin(), before, limit).stream()
                .map(id -> store.find(id).orElse(null))
                .filter(java.util.Objects::nonNull)
                .toList();
    }

    void delete(long id, Caller caller) {
        find(id, caller);
        store.delete(id);
    }

    private static String cut(String name) {
        String plain = name.replaceAll("[\\p{Cntrl}]", "");
        return plain.length() <= 255 ? plain : plain.substring(0, 255);
    }
}
