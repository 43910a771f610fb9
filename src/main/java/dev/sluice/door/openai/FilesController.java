package dev.sluice.door.openai;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/**
 * OpenAI's Files API for batch input: upload (multipart, {@code purpose=batch}), read, read back,
 * list and delete; and the output and error files of the door's batches, read the same way.
 */
@RestController
@RequestMapping("/v1/files")
class FilesController {

    private static final int MAX_PAGE = 10_000;

    private final OpenAiFiles files;
    private final BatchDoor batches;
    private final BatchOutput output;

    FilesController(OpenAiFiles files, BatchDoor batches, BatchOutput output) {
        this.files = files;
        this.batches = batches;
        this.output = output;
    }

    record FileObject(
            String id,
            String object,
            long bytes,
            long createdAt,
            String filename,
            String purpose,
            String status,
            Long expiresAt,
            String statusDetails) {

        static FileObject of(FileStore.StoredFile f) {
            return new FileObject(
                    FileIds.input(f.id()),
                    "file",
                    f.bytes(),
                    f.createdAt().getEpochSecond(),
                    f.filename(),
                    f.purpose(),
                    "processed",
                    null,
                    null);
        }
    }

    record FileList(String object, List<FileObject> data, String firstId, String lastId, boolean hasMore) {}

    record Deleted(String id, String object, boolean deleted) {}

    @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
    FileObject upload(
            @RequestPart(name = "file", required = false) MultipartFile file,
            @RequestParam(name = "purpose", required = false) String purpose,
            @AuthenticationPrincipal Caller caller) {
        return FileObject.of(files.upload(file, purpose, caller));
    }

    @GetMapping
    FileList list(
            @RequestParam(required = false) String after,
            @RequestParam(defaultValue = "10000") int limit,
            @AuthenticationPrincipal Caller caller) {
        long before = 0;
        if (after != null) {
            FileIds.FileId id = FileIds.file(after);
            if (id == null || id.kind() != FileIds.Kind.INPUT) {
                throw new InvalidJobException(List.of(Violation.of("after", "must be a file id from an earlier page")));
            }
            before = id.number();
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidJobException(List.of(Violation.of("limit", "must be from 1 to " + MAX_PAGE)));
        }
        List<FileStore.StoredFile> page = files.list(caller, before, limit + 1);
        boolean more = page.size() > limit;
        List<FileObject> shown = (more ? page.subList(0, limit) : page)
                .stream().map(FileObject::of).toList();
        return new FileList(
                "list",
                shown,
                shown.isEmpty() ? null : shown.getFirst().id(),
                shown.isEmpty() ? null : shown.getLast().id(),
                more);
    }

    @GetMapping("/{id}")
    FileObject retrieve(@PathVariable String id, @AuthenticationPrincipal Caller caller) {
        FileIds.FileId file = known(id);
        if (file.kind() == FileIds.Kind.INPUT) {
            return FileObject.of(files.find(file.number(), caller));
        }
        BatchStore.Row batch = batches.find(file.number(), caller);
        boolean succeeded = file.kind() == FileIds.Kind.OUTPUT;
        try {
            return new FileObject(
                    id,
                    "file",
                    output.bytes(batch.batchId(), succeeded),
                    batch.createdAt().getEpochSecond(),
                    (succeeded ? "batch_" + batch.batchId() + "_output" : "batch_" + batch.batchId() + "_error")
                            + ".jsonl",
                    "batch_output",
                    "processed",
                    null,
                    null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The content as stored, or a batch's output or error lines as they stand now. */
    @GetMapping("/{id}/content")
    ResponseEntity<StreamingResponseBody> content(@PathVariable String id, @AuthenticationPrincipal Caller caller) {
        FileIds.FileId file = known(id);
        StreamingResponseBody body;
        if (file.kind() == FileIds.Kind.INPUT) {
            files.find(file.number(), caller);
            body = out -> {
                try (InputStream in = files.content(file.number())) {
                    in.transferTo(out);
                }
            };
        } else {
            long batchId = batches.find(file.number(), caller).batchId();
            body = out -> output.write(batchId, file.kind() == FileIds.Kind.OUTPUT, out);
        }
        return ResponseEntity.ok()
                .contentType(MediaType.APPLICATION_OCTET_STREAM)
                .body(body);
    }

    @DeleteMapping("/{id}")
    Deleted delete(@PathVariable String id, @AuthenticationPrincipal Caller caller) {
        FileIds.FileId file = known(id);
        if (file.kind() != FileIds.Kind.INPUT) {
            throw new InvalidJobException(List.of(Violation.of(
                    "id",
                    "must be an uploaded file: a batch's output and error files are made from its jobs and go"
                            + " with them (sluice.reporting.finished-job-retention)")));
        }
        files.delete(file.number(), caller);
        return new Deleted(id, "file", true);
    }

    private static FileIds.FileId known(String id) {
        FileIds.FileId file = FileIds.file(id);
        if (file == null) {
            throw new DoorNotFoundException("file", id);
        }
        return file;
    }
}
