package dev.sluice.door.openai;

import dev.sluice.api.JsonBodies;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** OpenAI's Batch API: create from an uploaded file, retrieve, list, cancel. */
@RestController
@RequestMapping("/v1/batches")
class BatchesController {

    private static final Set<String> FIELDS = Set.of("input_file_id", "endpoint", "completion_window", "metadata");
    private static final int MAX_PAGE = 100;

    private final BatchDoor batches;
    private final ObjectMapper json;

    BatchesController(BatchDoor batches, ObjectMapper json) {
        this.batches = batches;
        this.json = json;
    }

    record BatchList(String object, List<BatchObject> data, String firstId, String lastId, boolean hasMore) {}

    @RequestBody(
            description = "OpenAI's batch request: an uploaded file's id, the endpoint of its lines, 24h, metadata",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"input_file_id": "file-12", "endpoint": "/v1/chat/completions", "completion_window": "24h", "metadata": {"run": "nightly"}}"""))
            })
    @PostMapping
    BatchObject create(
            HttpServletRequest request,
            @RequestHeader(name = "X-Sluice-Priority", required = false) String priority,
            @RequestHeader(name = "X-Stainless-Retry-Count", required = false) String retryCount,
            @AuthenticationPrincipal Caller caller)
            throws IOException {
        List<Violation> violations = new ArrayList<>();
        JsonNode body = JsonBodies.readObject(json, request.getInputStream(), "batch", FIELDS, violations);
        BatchDoor.Create create = batches.read(body, priority, caller, violations);
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        long batchId = batches.create(create, retried(retryCount), caller);
        return batches.view(batches.find(batchId, caller));
    }

    @GetMapping("/{id}")
    BatchObject retrieve(@PathVariable String id, @AuthenticationPrincipal Caller caller) {
        return batches.view(batches.find(number(id), caller));
    }

    @PostMapping("/{id}/cancel")
    BatchObject cancel(@PathVariable String id, @AuthenticationPrincipal Caller caller) {
        return batches.cancel(number(id), caller);
    }

    @GetMapping
    BatchList list(
            @RequestParam(required = false) String after,
            @RequestParam(defaultValue = "20") int limit,
            @AuthenticationPrincipal Caller caller) {
        long before = 0;
        if (after != null) {
            Long n = FileIds.batch(after);
            if (n == null) {
                throw new InvalidJobException(
                        List.of(Violation.of("after", "must be a batch id from an earlier page")));
            }
            before = n;
        }
        if (limit < 1 || limit > MAX_PAGE) {
            throw new InvalidJobException(List.of(Violation.of("limit", "must be from 1 to " + MAX_PAGE)));
        }
        List<BatchObject> page = batches.list(caller, before, limit + 1);
        boolean more = page.size() > limit;
        List<BatchObject> shown = more ? page.subList(0, limit) : page;
        return new BatchList(
                "list",
                shown,
                shown.isEmpty() ? null : shown.getFirst().id(),
                shown.isEmpty() ? null : shown.getLast().id(),
                more);
    }

    private static long number(String id) {
        Long n = FileIds.batch(id);
        if (n == null) {
            throw new DoorNotFoundException("batch", id);
        }
        return n;
    }

    /** Whether the official SDK says this is a retry of a request whose answer it did not get. */
    static boolean retried(String retryCount) {
        return retryCount != null
                && !retryCount.isBlank()
                && !retryCount.strip().equals("0");
    }
}
