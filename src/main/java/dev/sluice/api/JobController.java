package dev.sluice.api;

import dev.sluice.callback.CallbackRepository;
import dev.sluice.dispatch.WaitEstimator;
import dev.sluice.history.JobStatusHistoryRepository;
import dev.sluice.intake.JobRequestParser;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Job;
import dev.sluice.job.JobSearches;
import dev.sluice.job.JobService;
import dev.sluice.job.JobState;
import dev.sluice.job.NewJob;
import dev.sluice.job.Priority;
import dev.sluice.job.QueueFields;
import dev.sluice.job.Violation;
import dev.sluice.project.AuditedActions;
import dev.sluice.project.Caller;
import dev.sluice.project.Projects;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.parameters.RequestBody;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/** Jobs: find them; enqueue, read, cancel, retry one; its history and callbacks. */
@RestController
@RequestMapping("/api/v1/jobs")
class JobController {

    private final JobService jobs;
    private final JobRequestParser parser;
    private final JobStatusHistoryRepository history;
    private final ApiProperties properties;
    private final ObjectMapper json;
    private final WaitEstimator waits;
    private final CallbackRepository callbacks;
    private final AuditedActions actions;
    private final BodyPermits bodies;
    private final Projects projectsByName;
    private static final int MAX_PAGE = 1000;

    JobController(
            JobService jobs,
            JobRequestParser parser,
            JobStatusHistoryRepository history,
            ApiProperties properties,
            ObjectMapper json,
            WaitEstimator waits,
            CallbackRepository callbacks,
            AuditedActions actions,
            Projects projectsByName) {
        this.actions = actions;
        this.projectsByName = projectsByName;
        this.jobs = jobs;
        this.parser = parser;
        this.history = history;
        this.properties = properties;
        this.json = json;
        this.waits = waits;
        this.callbacks = callbacks;
        this.bodies = new BodyPermits(properties.maxConcurrentJobBodies(), "job bodies");
    }

    /** 201 with the new job, or 200 with the job an earlier request with the same key made. */
    @RequestBody(
            description =
                    "One job: endpoint, payload (sent upstream as is), token_count, and optionally priority, upstream, custom_id, idempotency_key, max_attempts, callback_url",
            required = true,
            content = {
                @Content(mediaType = "application/json", examples = @ExampleObject(name = "example", value = """
            {"endpoint": "/api/v1/asample", "payload": {"base_model": "Qwen/Qwen3-0.6B", "prompt": {"chunks": []}, "num_samples": 1}, "token_count": 64, "priority": "high", "custom_id": "q-17", "callback_url": "https://example.com/done"}"""))
            })
    @PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
    ResponseEntity<JobView> enqueue(
            HttpServletRequest request,
            @AuthenticationPrincipal Caller caller,
            @RequestHeader(name = "Idempotency-Key", required = false) String idempotencyHeader)
            throws IOException {
        List<Violation> violations = new ArrayList<>(JobRequestParser.checkIdempotencyHeader(idempotencyHeader));
        JobRequestParser.Defaults defaults = parser.defaults();
        NewJob job;
        try (BodyPermits.Permit reading = bodies.take()) {
            JsonNode body = JsonBodies.read(
                    json,
                    new LimitedInputStream(
                            request.getInputStream(), properties.maxJobSize(), "sluice.api.max-job-size"));
            job = parser.parse(
                    body,
                    JobRequestParser.Source.SINGLE,
                    new JobRequestParser.Defaults(
                            defaults.upstream(),
                            defaults.priority(),
                            idempotencyHeader,
                            caller.project().hasCallbackSecret()),
                    violations);
        }
        if (job != null && idempotencyHeader != null && !idempotencyHeader.equals(job.idempotencyKey())) {
            violations.add(Violation.of(
                    "idempotency_key", "differs from the Idempotency-Key header; send one or make them equal"));
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(
                    violations.subList(0, Math.min(violations.size(), properties.maxReportedErrors())),
                    violations.size());
        }
        JobService.Enqueued enqueued = jobs.enqueue(job, caller.owner());
        return ResponseEntity.status(enqueued.created() ? HttpStatus.CREATED : HttpStatus.OK)
                .location(URI.create("/api/v1/jobs/" + enqueued.job().id()))
                .body(JobView.of(enqueued.job()));
    }

    /**
     * The job. With {@code X-Sluice-Backpressure: 1} an unfinished job answers 408 with where it
     * waits (PROTOCOLS.md section 4), so a client can loop on Retry-After as it would on Tinker.
     */
    @GetMapping("/{id}")
    ResponseEntity<?> get(
            @PathVariable long id,
            @AuthenticationPrincipal Caller caller,
            @RequestHeader(name = "X-Sluice-Backpressure", required = false) String backpressure) {
        Job job = jobs.get(id, caller.visibility());
        if (!"1".equals(backpressure) || job.state().isFinal()) {
            return ResponseEntity.ok(JobView.of(job));
        }
        WaitEstimator.Wait estimate = waits.estimate(job);
        QueueFields wait = estimate.queue();
        ResponseEntity.BodyBuilder answer = ResponseEntity.status(HttpStatus.REQUEST_TIMEOUT)
                .header(HttpHeaders.CACHE_CONTROL, "no-store")
                .header(HttpHeaders.RETRY_AFTER, Long.toString((long) Math.ceil(wait.retryAfterS())));
        if (wait.queueDepth() != null) {
            answer.header("X-Queue-Depth", wait.queueDepth().toString());
        }
        if (wait.queuePosition() != null) {
            answer.header("X-Queue-Position", wait.queuePosition().toString());
        }
        if (wait.estimatedWaitS() != null) {
            answer.header("X-Queue-ETA-S", String.format(Locale.ROOT, "%.3f", wait.estimatedWaitS()));
        }
        if (wait.status() != null) {
            answer.header("X-Queue-Status", wait.status());
        }
        return answer.body(WaitView.of(job, estimate));
    }

    /** A job in a list: no payload, no result, the error's first 300 characters. */
    record JobSummaryView(
            long id,
            long projectId,
            Long batchId,
            String customId,
            String upstream,
            String priority,
            String model,
            String state,
            int attempts,
            Instant createdAt,
            Instant finishedAt,
            String error) {

        static JobSummaryView of(JobSearches.JobSummary j) {
            return new JobSummaryView(
                    j.id(),
                    j.projectId(),
                    j.batchId(),
                    j.customId(),
                    j.upstream(),
                    j.priority().wireName(),
                    j.model(),
                    j.state().wireName(),
                    j.attempts(),
                    j.createdAt(),
                    j.finishedAt(),
                    j.error());
        }
    }

    /** One page: {@code next_before} is the cursor of the next page, null on the last. */
    record JobList(List<JobSummaryView> jobs, Long nextBefore) {}

    /**
     * Jobs the caller sees, newest first, by any of the filters; a page at a time. {@code state}
     * takes one state or several, comma-separated. {@code project} (admin keys only): one
     * project's jobs by name; without it an admin sees every project's.
     */
    @GetMapping
    JobList list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) String priority,
            @RequestParam(required = false) String upstream,
            @RequestParam(required = false) String model,
            @RequestParam(name = "batch_id", required = false) Long batchId,
            @RequestParam(name = "custom_id", required = false) String customId,
            @RequestParam(name = "created_after", required = false) String createdAfter,
            @RequestParam(name = "created_before", required = false) String createdBefore,
            @RequestParam(required = false) String project,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) Long before) {
        ListParams params = new ListParams();
        List<JobState> states = new ArrayList<>();
        if (state == null) {
            states.addAll(List.of(JobState.values()));
        } else {
            for (String s : state.split(",", -1)) {
                JobState parsed = Arrays.stream(JobState.values())
                        .filter(v -> v.wireName().equals(s.strip()))
                        .findFirst()
                        .orElse(null);
                if (parsed == null) {
                    params.add(
                            "state",
                            "query parameter must be one or more of "
                                    + Arrays.stream(JobState.values())
                                            .map(JobState::wireName)
                                            .toList()
                                    + ", comma-separated");
                    break;
                }
                if (!states.contains(parsed)) {
                    states.add(parsed);
                }
            }
        }
        Priority prio = priority == null ? null : Priority.fromWire(priority);
        if (priority != null && prio == null) {
            params.add("priority", "query parameter must be one of high, normal, low");
        }
        Instant from = params.time("created_after", createdAfter);
        Instant to = params.time("created_before", createdBefore);
        int size = params.limit(limit, MAX_PAGE);
        long cursor = params.before(before);
        List<Long> projects = caller.isAdmin() ? null : List.of(caller.project().id());
        if (project != null) {
            if (!caller.isAdmin()) {
                params.add("project", "query parameter needs an admin key; other keys see only their own project");
            } else {
                projects = List.of(projectsByName
                        .findByName(project)
                        .orElseThrow(() -> new ProjectNotFoundException(project))
                        .id());
            }
        }
        params.check();
        List<JobSearches.JobSummary> page = jobs.search(
                new JobSearches.JobFilter(projects, states, prio, upstream, model, batchId, customId, from, to, cursor),
                size + 1,
                properties.searchTimeout());
        boolean more = page.size() > size;
        List<JobSearches.JobSummary> shown = more ? page.subList(0, size) : page;
        return new JobList(
                shown.stream().map(JobSummaryView::of).toList(),
                more ? shown.getLast().id() : null);
    }

    /** The job's completion callbacks, each with every delivery attempt. */
    @GetMapping("/{id}/callbacks")
    Map<String, Object> callbacks(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        jobs.get(id, caller.visibility());
        return Map.of("job_id", id, "callbacks", callbacks.findByJob(id));
    }

    /** Re-queues a failed job with a fresh set of attempts; 409 when the job is not failed. */
    @PostMapping("/{id}/retry")
    JobView retry(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        return JobView.of(actions.retry(caller, id));
    }

    @GetMapping("/{id}/history")
    Map<String, Object> history(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        jobs.get(id, caller.visibility());
        return Map.of(
                "job_id",
                id,
                "history",
                history.findByJobIdOrderByObservedAtAscOrdAscRowKeyAsc(id).stream()
                        .map(HistoryView::of)
                        .toList());
    }

    /** Cancels a job not yet submitted upstream; {@code cancelled: false} when it was too late. */
    @DeleteMapping("/{id}")
    Map<String, Object> cancel(@PathVariable long id, @AuthenticationPrincipal Caller caller) {
        return Map.of("id", id, "cancelled", actions.cancel(caller, id));
    }
}
