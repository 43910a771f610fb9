package dev.sluice.api;

import dev.sluice.batch.BatchNotFoundException;
import dev.sluice.job.IdempotencyConflictException;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.JobNotFoundException;
import dev.sluice.job.JobStateConflictException;
import dev.sluice.job.ProjectLimitException;
import dev.sluice.job.QueueLimitException;
import dev.sluice.job.SearchTooBroadException;
import dev.sluice.job.Violation;
import dev.sluice.project.KeyNotFoundException;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.TypeMismatchException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * Every API error as an RFC 9457 problem document ({@code application/problem+json}). Rule
 * violations carry an {@code errors} list of {@code {line?, field, rule}}, so a client sees every
 * broken rule of a request at once. Spring MVC's own errors (405, 415, missing parameters, ...)
 * come through {@link ResponseEntityExceptionHandler} in the same form.
 */
@RestControllerAdvice
class ProblemAdvice extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemAdvice.class);
    private static final String TYPES = "https://sluice.dev/problems/";

    @ExceptionHandler(InvalidJobException.class)
    ProblemDetail invalid(InvalidJobException e) {
        ProblemDetail p = problem(
                HttpStatus.BAD_REQUEST,
                "invalid-request",
                "Invalid request",
                e.violationCount() == 1
                        ? "1 rule is broken; nothing was stored"
                        : e.violationCount() + " rules are broken; nothing was stored");
        p.setProperty("errors", errors(e.violations()));
        p.setProperty("error_count", e.violationCount());
        if (e.violationCount() > e.violations().size()) {
            p.setProperty("errors_truncated", true);
        }
        return p;
    }

    @ExceptionHandler(JobNotFoundException.class)
    ProblemDetail jobNotFound(JobNotFoundException e) {
        return notFound(e, "id", "must name an existing job");
    }

    @ExceptionHandler(BatchNotFoundException.class)
    ProblemDetail batchNotFound(BatchNotFoundException e) {
        return notFound(e, "id", "must name an existing batch");
    }

    @ExceptionHandler(KeyNotFoundException.class)
    ProblemDetail keyNotFound(KeyNotFoundException e) {
        return notFound(e, "id", "must name an existing key");
    }

    @ExceptionHandler(ProjectNotFoundException.class)
    ProblemDetail projectNotFound(ProjectNotFoundException e) {
        return notFound(e, "name", "must name an existing project");
    }

    @ExceptionHandler(UpstreamNotFoundException.class)
    ProblemDetail upstreamNotFound(UpstreamNotFoundException e) {
        return notFound(e, "name", "must name a configured upstream");
    }

    /** 404: the same words for what does not exist and what the key may not see. */
    private static ProblemDetail notFound(RuntimeException e, String field, String rule) {
        ProblemDetail p = problem(HttpStatus.NOT_FOUND, "not-found", "Not found", e.getMessage());
        p.setProperty("errors", List.of(Map.of("field", field, "rule", rule)));
        return p;
    }

    /**
     * A lock not had within lock_timeout (5 s): another request of the same project holds its
     * enqueue lock (a large batch under a queue limit). Nothing was stored; try again.
     */
    @ExceptionHandler(org.springframework.dao.PessimisticLockingFailureException.class)
    org.springframework.http.ResponseEntity<ProblemDetail> busyLock(RuntimeException e) {
        ProblemDetail p = problem(
                HttpStatus.SERVICE_UNAVAILABLE,
                "busy",
                "Busy",
                "another request of this project holds its queue; nothing was stored, try again");
        p.setProperty("errors", List.of(Map.of("field", "(request)", "rule", "try again after Retry-After seconds")));
        return org.springframework.http.ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header("Retry-After", "1")
                .body(p);
    }

    @ExceptionHandler(QueueLimitException.class)
    ProblemDetail queueLimit(QueueLimitException e) {
        ProblemDetail p = problem(
                HttpStatus.TOO_MANY_REQUESTS,
                "project-limit",
                "Project limit reached",
                e.getMessage() + "; nothing was stored");
        p.setProperty(
                "errors", List.of(Map.of("field", "max_queued", "rule", "at most " + e.limit() + " jobs queued")));
        p.setProperty("limit", "max_queued");
        return p;
    }

    @ExceptionHandler(ProjectLimitException.class)
    ProblemDetail projectLimit(ProjectLimitException e) {
        ProblemDetail p = problem(
                HttpStatus.FORBIDDEN,
                "project-limit",
                "Forbidden by a project limit",
                e.getMessage() + "; nothing was stored");
        p.setProperty("errors", List.of(Map.of("field", e.limit(), "rule", e.getMessage())));
        p.setProperty("limit", e.limit());
        return p;
    }

    @ExceptionHandler(IdempotencyConflictException.class)
    ProblemDetail conflict(IdempotencyConflictException e) {
        ProblemDetail p =
                problem(HttpStatus.CONFLICT, "idempotency-conflict", "Idempotency key reused", e.getMessage());
        p.setProperty(
                "errors",
                List.of(Map.of("field", "idempotency_key", "rule", "must not be reused for a different request")));
        p.setProperty(
                e.kind() == IdempotencyConflictException.Kind.JOB ? "existing_job_id" : "existing_batch_id",
                e.existingId());
        return p;
    }

    @ExceptionHandler(JobStateConflictException.class)
    ProblemDetail stateConflict(JobStateConflictException e) {
        ProblemDetail p = problem(HttpStatus.CONFLICT, "state-conflict", "Not allowed in this state", e.getMessage());
        p.setProperty("errors", List.of(Map.of("field", "state", "rule", e.getMessage())));
        p.setProperty("state", e.state().wireName());
        return p;
    }

    /** 422: the search read its time's worth of rows without filling a page; narrower filters would. */
    @ExceptionHandler(SearchTooBroadException.class)
    ProblemDetail searchTooBroad(SearchTooBroadException e) {
        ProblemDetail p =
                problem(HttpStatus.UNPROCESSABLE_CONTENT, "search-too-broad", "Search too broad", e.getMessage());
        p.setProperty(
                "errors",
                List.of(Map.of(
                        "field",
                        "(query)",
                        "rule",
                        e.timeout() == null
                                ? e.getMessage()
                                : "must finish within sluice.api.search-timeout ("
                                        + e.timeout().toMillis() + " ms); add state, batch_id or a created range")));
        return p;
    }

    @ExceptionHandler(BodyTooLargeException.class)
    ProblemDetail tooLarge(BodyTooLargeException e) {
        ProblemDetail p = problem(
                HttpStatus.CONTENT_TOO_LARGE,
                "body-too-large",
                "Request body too large",
                e.getMessage() + "; nothing was stored");
        p.setProperty("errors", List.of(Map.of("field", "(body)", "rule", e.getMessage())));
        return p;
    }

    @ExceptionHandler(BodyPermits.BusyException.class)
    ResponseEntity<ProblemDetail> busy(BodyPermits.BusyException e) {
        ProblemDetail p =
                problem(HttpStatus.SERVICE_UNAVAILABLE, "busy", "Busy", e.getMessage() + "; nothing was stored");
        p.setProperty("errors", List.of(Map.of("field", "(request)", "rule", e.getMessage())));
        return ResponseEntity.status(HttpStatus.SERVICE_UNAVAILABLE)
                .header(HttpHeaders.RETRY_AFTER, "1")
                .body(p);
    }

    @Override
    protected ResponseEntity<Object> handleTypeMismatch(
            TypeMismatchException ex, HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        String name = ex instanceof MethodArgumentTypeMismatchException m ? m.getName() : ex.getPropertyName();
        String type = ex.getRequiredType() == null
                ? "value"
                : ex.getRequiredType().getSimpleName().toLowerCase();
        ProblemDetail p = problem(
                HttpStatus.BAD_REQUEST,
                "invalid-request",
                "Invalid request",
                "'" + ex.getValue() + "' is not a valid " + name);
        p.setProperty("errors", List.of(Map.of("field", String.valueOf(name), "rule", "must be a " + type)));
        return ResponseEntity.badRequest().body(p);
    }

    @ExceptionHandler(RuntimeException.class)
    ProblemDetail unexpected(RuntimeException e) {
        log.error("unexpected error", e);
        return problem(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "internal-error",
                "Internal error",
                "the request failed on our side; nothing half-written was kept. The log has the cause.");
    }

    private static ProblemDetail problem(HttpStatus status, String type, String title, String detail) {
        ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
        p.setType(URI.create(TYPES + type));
        p.setTitle(title);
        return p;
    }

    private static List<Map<String, Object>> errors(List<Violation> violations) {
        return violations.stream()
                .map(v -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    if (v.line() != null) {
                        m.put("line", v.line());
                    }
                    m.put("field", v.field());
                    m.put("rule", v.rule());
                    return m;
                })
                .toList();
    }
}
