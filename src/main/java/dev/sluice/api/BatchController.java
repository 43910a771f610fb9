package dev.sluice.api;

import dev.sluice.batch.BatchEnqueuer;
import dev.sluice.batch.BatchFormat;
import dev.sluice.batch.BatchProgress;
import dev.sluice.batch.BatchResults;
import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Job;
import dev.sluice.job.JobState;
import dev.sluice.job.Priority;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import dev.sluice.upstream.Upstreams;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

/** Batches: enqueue many jobs at once, all or nothing; follow their progress; page their jobs. */
@RestController
@RequestMapping("/api/v1/batches")
class BatchController {

    static final String NDJSON = "application/x-ndjson";
    static final String JSONL = "application/jsonl";
    private static final int MAX_PAGE = 1000;

    private final BatchEnqueuer enqueuer;
    private final BatchProgress progress;
    private final BatchResults results;
    private final Upstreams upstreams;
    private final ApiProperties properties;
    private final BodyPermits batches;

    BatchController(
            BatchEnqueuer enqueuer,
            BatchProgress progress,
            BatchResults results,
            Upstreams upstreams,
            ApiProperties properties) {
        this.enqueuer = enqueuer;
        this.progress = progress;
        this.results = results;
        this.upstreams = upstreams;
        this.properties = properties;
        this.batches = new BodyPermits(properties.maxConcurrentBatches(), "batches");
    }

    record Created(long batchId, long jobCount) {}

    @PostMapping(consumes = {NDJSON, JSONL, MediaType.APPLICATION_JSON_VALUE})
    ResponseEntity<Created> enqueue(
            HttpServletRequest request,
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String priority,
            @RequestParam(required = false) String upstream,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyKey)
            throws IOException {
        List<Violation> violations = new ArrayList<>(JobRequestParser.checkIdempotencyHeader(idempotencyKey));
        Priority defaultPriority = priority == null ? Priority.LOW : Priority.fromWire(priority);
        if (defaultPriority == null) {
            violations.add(Violation.of("priority", "query parameter must be one of high, normal, low"));
        }
        if (upstream != null && !upstreams.contains(upstream)) {
            violations.add(Violation.of(
                    "upstream", "query parameter must be a configured upstream, one of " + upstreams.names()));
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        MediaType type = MediaType.parseMediaType(request.getContentType());
        BatchFormat format =
                type.isCompatibleWith(MediaType.APPLICATION_JSON) ? BatchFormat.JSON_ARRAY : BatchFormat.NDJSON;
        var defaults = new JobRequestParser.Defaults(
                upstream == null ? upstreams.defaultName() : upstream,
                defaultPriority,
                null,
                caller.project().hasCallbackSecret());
        BatchEnqueuer.Created created;
        try (BodyPermits.Permit reading = batches.take()) {
            created = enqueuer.enqueue(
                    new LimitedInputStream(
                            request.getInputStream(), properties.maxBatchSize(), "sluice.api.max-batch-size"),
                    new BatchEnqueuer.Request(
                            format,
                            defaults,
                            idempotencyKey,
                            (int) properties.maxJobSize().toBytes(),
                            properties.maxBatchLines(),
                            properties.maxReportedErrors(),
                            caller.owner(),
                            caller.project().allowedPriorities(),
                            caller.project().maxBatchJobs(),
                            null,
                            null));
        }
        return ResponseEntity.status(created.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(URI.create("/api/v1/batches/" + created.batchId()))
                .body(new Created(created.batchId(), created.jobCount()));
    }

    record StatusView(long id, Instant createdAt, long total, Map<String, Long> counts, boolean finished) {}

    @GetMapping("/{id}")
    StatusView status(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        BatchProgress.Status s = progress.status(id, caller.visibility());
        Map<String, Long> counts = new LinkedHashMap<>();
        s.counts().forEach((state, n) -> counts.put(state.wireName(), n));
        return new StatusView(s.id(), s.createdAt(), s.total(), counts, s.finished());
    }

    /** The batch's finished jobs as NDJSON, one line each: {@code id, custom_id, state, result | error}. */
    @GetMapping(value = "/{id}/results", produces = NDJSON)
    ResponseEntity<StreamingResponseBody> results(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        results.checkExists(id, caller.visibility());
        return ResponseEntity.ok().contentType(MediaType.parseMediaType(NDJSON)).body(out -> results.write(id, out));
    }

    record JobPage(List<JobView> jobs, Long nextAfter) {}

    @GetMapping("/{id}/jobs")
    JobPage jobs(
            @PathVariable long id,
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String state,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(defaultValue = "0") long after) {
        List<Violation> violations = new ArrayList<>();
        JobState filter = null;
        if (state != null) {
            try {
                filter = JobState.fromWire(state);
            } catch (IllegalArgumentException e) {
                violations.add(Violation.of(
                        "state",
                        "query parameter must be one of "
                                + java.util.Arrays.stream(JobState.values())
                                        .map(JobState::wireName)
                                        .toList()));
            }
        }
        if (limit < 1 || limit > MAX_PAGE) {
            violations.add(Violation.of("limit", "query parameter must be from 1 to " + MAX_PAGE));
        }
        if (after < 0) {
            violations.add(Violation.of("after", "query parameter must be a cursor from an earlier page (>= 0)"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        // One row more than asked tells whether another page follows.
        List<Job> page = progress.jobs(id, caller.visibility(), filter, after, limit + 1);
        boolean more = page.size() > limit;
        List<Job> shown = more ? page.subList(0, limit) : page;
        return new JobPage(
                shown.stream().map(JobView::of).toList(), more ? shown.getLast().id() : null);
    }
}
