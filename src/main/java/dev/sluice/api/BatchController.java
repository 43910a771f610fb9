package dev.sluice.api;

import dev.sluice.batch.BatchActions;
import dev.sluice.batch.BatchCatalog;
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
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
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

/**
 * Batches: enqueue many jobs at once, all or nothing; list them; follow their progress; page their
 * jobs; cancel them or retry their failed jobs.
 */
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
    private final BatchCatalog catalog;
    private final BatchActions actions;
    private static final int MAX_BATCH_PAGE = 200;

    BatchController(
            BatchEnqueuer enqueuer,
            BatchProgress progress,
            BatchResults results,
            Upstreams upstreams,
            ApiProperties properties,
            BatchCatalog catalog,
            BatchActions actions) {
        this.catalog = catalog;
        this.actions = actions;
        this.enqueuer = enqueuer;
        this.progress = progress;
        this.results = results;
        this.upstreams = upstreams;
        this.properties = properties;
        this.batches = new BodyPermits(properties.maxConcurrentBatches(), "batches");
    }

    record Created(long batchId, long jobCount) {}

    @RequestBody(
            description =
                    "One job per line, as POST /api/v1/jobs takes it (or a JSON array of them); one bad line rejects the whole batch, naming every bad line",
            required = true,
            content = {
                @Content(mediaType = "application/x-ndjson", examples = @ExampleObject(name = "example", value = """
            {"custom_id": "a", "endpoint": "/v1/chat/completions", "payload": {"model": "llama-3.1-8b-instant", "messages": [{"role": "user", "content": "hi"}]}}
            {"custom_id": "b", "endpoint": "/v1/chat/completions", "payload": {"model": "llama-3.1-8b-instant", "messages": [{"role": "user", "content": "bye"}]}, "priority": "high"}""")),
                @Content(mediaType = "application/jsonl", examples = @ExampleObject(name = "example", value = """
            {"custom_id": "a", "endpoint": "/v1/chat/completions", "payload": {"model": "llama-3.1-8b-instant", "messages": [{"role": "user", "content": "hi"}]}}
            {"custom_id": "b", "endpoint": "/v1/chat/completions", "payload": {"model": "llama-3.1-8b-instant", "messages": [{"role": "user", "content": "bye"}]}, "priority": "high"}"""))
            })
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

    /**
     * A batch in a list: its counts as last taken ({@code counted_at}, every snapshot interval
     * while it runs; exact once finished), {@code state} running, cancelling, finished or
     * cancelled, its rate over the last five minutes and the ETA at that rate.
     */
    record BatchView(
            long id,
            long projectId,
            Instant createdAt,
            long total,
            Map<String, Long> counts,
            Instant countedAt,
            String state,
            Instant finishedAt,
            Instant cancelledAt,
            Double jobsPerSecond,
            Double etaS) {

        static BatchView of(BatchCatalog.Summary b) {
            Map<String, Long> counts = new LinkedHashMap<>();
            counts.put("queued", b.counts().queued());
            counts.put("running", b.counts().running());
            counts.put("succeeded", b.counts().succeeded());
            counts.put("failed", b.counts().failed());
            counts.put("cancelled", b.counts().cancelled());
            return new BatchView(
                    b.id(),
                    b.projectId(),
                    b.createdAt(),
                    b.jobCount(),
                    counts,
                    b.countedAt(),
                    b.state().wireName(),
                    b.finishedAt(),
                    b.cancelledAt(),
                    b.jobsPerSecond(),
                    b.etaSeconds());
        }
    }

    /** One page of batches; {@code next_before} is the cursor of the next page, null on the last. */
    record BatchList(List<BatchView> batches, Long nextBefore) {}

    /** The batches the caller sees, newest first, by state and creation time; a page at a time. */
    @GetMapping
    BatchList list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String state,
            @RequestParam(name = "created_after", required = false) String createdAfter,
            @RequestParam(name = "created_before", required = false) String createdBefore,
            @RequestParam(defaultValue = "20") int limit,
            @RequestParam(required = false) Long before) {
        ListParams params = new ListParams();
        BatchCatalog.State filter = state == null ? null : BatchCatalog.State.fromWire(state);
        if (state != null && filter == null) {
            params.add("state", "query parameter must be one of running, cancelling, finished, cancelled");
        }
        Instant from = params.time("created_after", createdAfter);
        Instant to = params.time("created_before", createdBefore);
        int size = params.limit(limit, MAX_BATCH_PAGE);
        long cursor = params.before(before);
        params.check();
        List<BatchCatalog.Summary> page =
                catalog.list(caller.visibility(), new BatchCatalog.Filter(filter, from, to, cursor), size + 1);
        boolean more = page.size() > size;
        List<BatchCatalog.Summary> shown = more ? page.subList(0, size) : page;
        return new BatchList(
                shown.stream().map(BatchView::of).toList(),
                more ? shown.getLast().id() : null);
    }

    /**
     * The batch now: {@code counts} of every state, counted at the moment of asking, and
     * {@code finished} when no job is left to run; {@code state}, rate and ETA as lists show them.
     */
    record StatusView(
            long id,
            Instant createdAt,
            long total,
            Map<String, Long> counts,
            boolean finished,
            String state,
            Instant cancelledAt,
            Double jobsPerSecond,
            Double etaS) {}

    @GetMapping("/{id}")
    StatusView status(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        BatchProgress.Status s = progress.status(id, caller.visibility());
        BatchCatalog.Summary listed = catalog.get(id, caller.visibility());
        Map<String, Long> counts = new LinkedHashMap<>();
        s.counts().forEach((state, n) -> counts.put(state.wireName(), n));
        String state = listed.cancelledAt() == null
                ? (s.finished() ? "finished" : "running")
                : (s.finished() ? "cancelled" : "cancelling");
        return new StatusView(
                s.id(),
                s.createdAt(),
                s.total(),
                counts,
                s.finished(),
                state,
                listed.cancelledAt(),
                s.finished() ? null : listed.jobsPerSecond(),
                s.finished() ? null : listed.etaSeconds());
    }

    /** The batch's counts over time, oldest first: one point per count, at most {@code points}. */
    record ProgressView(long batchId, List<Map<String, Object>> points) {}

    @GetMapping("/{id}/progress")
    ProgressView progressOverTime(
            @PathVariable long id,
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String since,
            @RequestParam(defaultValue = "200") int points) {
        ListParams params = new ListParams();
        Instant from = params.time("since", since);
        if (points < 2 || points > 2000) {
            params.add("points", "query parameter must be from 2 to 2000");
        }
        params.check();
        catalog.get(id, caller.visibility());
        List<Map<String, Object>> out = new ArrayList<>();
        for (BatchCatalog.Point p : catalog.progress(id, from == null ? Instant.EPOCH : from, points)) {
            Map<String, Object> point = new LinkedHashMap<>();
            point.put("at", p.at());
            point.put("queued", p.counts().queued());
            point.put("running", p.counts().running());
            point.put("succeeded", p.counts().succeeded());
            point.put("failed", p.counts().failed());
            point.put("cancelled", p.counts().cancelled());
            out.add(point);
        }
        return new ProgressView(id, out);
    }

    /** What a batch action did: how many jobs it cancelled or queued again. */
    record ActionView(long batchId, long jobs) {}

    /**
     * Cancels every job of the batch not yet sent (queued, claimed, submit_unknown) and marks the
     * batch cancelled; jobs already sent finish as they will. Repeating it is harmless.
     */
    @PostMapping("/{id}/cancel")
    ActionView cancel(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        BatchActions.Outcome o = actions.cancel(caller, id);
        return new ActionView(o.batchId(), o.jobs());
    }

    /** Queues the batch's failed jobs again, with fresh attempts; {@code jobs}: how many. */
    @PostMapping("/{id}/retry-failed")
    ActionView retryFailed(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        BatchActions.Outcome o = actions.retryFailed(caller, id);
        return new ActionView(o.batchId(), o.jobs());
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
