package dev.sluice.api;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Violation;
import dev.sluice.project.Caller;
import dev.sluice.reporting.ReportRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * Reports on where jobs waited, as JSON or, with {@code Accept: text/csv}, as CSV with the same
 * columns. {@code from} and {@code to} are ISO-8601 instants ({@code 2026-11-23T10:00:00Z}) or
 * dates ({@code 2026-11-23}, midnight UTC); the range is [from, to).
 */
@RestController
@RequestMapping("/api/v1/reports")
class ReportController {

    static final String CSV = "text/csv";
    private static final Set<String> BUCKETS = Set.of("hour", "day");
    private static final Set<String> GROUPS = Set.of("priority", "upstream", "batch", "model");
    private static final Duration MAX_WAIT_RANGE = Duration.ofDays(366);
    private static final Duration MAX_DEPTH_RANGE = Duration.ofDays(31);

    private final ReportRepository reports;
    private final Clock clock;

    ReportController(ReportRepository reports, Clock clock) {
        this.reports = reports;
        this.clock = clock;
    }

    /** Wait-time percentiles per bucket and group; the default range is the last 24 hours. */
    @GetMapping("/wait-times")
    Map<String, Object> waitTimes(
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "hour") String bucket,
            @RequestParam(name = "group_by", defaultValue = "priority") String groupBy,
            @AuthenticationPrincipal Caller caller) {
        Range range = waitTimesRange(from, to, bucket, groupBy);
        ReportRepository.Table t = reports.waitTimes(
                range.from(), range.to(), bucket, groupBy, caller.visibility().onlyProject());
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", range.from());
        body.put("to", range.to());
        body.put("bucket", bucket);
        body.put("group_by", groupBy);
        body.put("rows", t.rows());
        return body;
    }

    @GetMapping(value = "/wait-times", produces = CSV)
    String waitTimesCsv(
            @RequestParam(required = false) String from,
            @RequestParam(required = false) String to,
            @RequestParam(defaultValue = "hour") String bucket,
            @RequestParam(name = "group_by", defaultValue = "priority") String groupBy,
            @AuthenticationPrincipal Caller caller) {
        Range range = waitTimesRange(from, to, bucket, groupBy);
        return csv(reports.waitTimes(
                range.from(), range.to(), bucket, groupBy, caller.visibility().onlyProject()));
    }

    /** The queue's depth over time, one row per snapshot and upstream; default: the last 24 hours. */
    @GetMapping("/queue-depth")
    Map<String, Object> queueDepth(
            @RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Range range = range(from, to, MAX_DEPTH_RANGE);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("from", range.from());
        body.put("to", range.to());
        body.put("rows", reports.queueDepth(range.from(), range.to()).rows());
        return body;
    }

    @GetMapping(value = "/queue-depth", produces = CSV)
    String queueDepthCsv(@RequestParam(required = false) String from, @RequestParam(required = false) String to) {
        Range range = range(from, to, MAX_DEPTH_RANGE);
        return csv(reports.queueDepth(range.from(), range.to()));
    }

    private record Range(Instant from, Instant to) {}

    /** The range of a wait-time report, with its bucket and grouping checked too. */
    private Range waitTimesRange(String from, String to, String bucket, String groupBy) {
        return range(from, to, MAX_WAIT_RANGE, oneOf("bucket", bucket, BUCKETS), oneOf("group_by", groupBy, GROUPS));
    }

    /** Parses and checks the range, and reports every broken rule (with {@code others}) at once. */
    private Range range(String from, String to, Duration max, Violation... others) {
        List<Violation> broken = new ArrayList<>();
        for (Violation v : others) {
            if (v != null) {
                broken.add(v);
            }
        }
        Instant end = to == null ? clock.instant() : instant("to", to, broken);
        Instant start =
                from == null ? (end == null ? null : end.minus(Duration.ofDays(1))) : instant("from", from, broken);
        if (start != null && end != null) {
            if (!start.isBefore(end)) {
                broken.add(Violation.of("from", "must be before to"));
            } else if (Duration.between(start, end).compareTo(max) > 0) {
                broken.add(Violation.of("to", "must be at most " + max.toDays() + " days after from"));
            }
        }
        if (!broken.isEmpty()) {
            throw new InvalidJobException(broken);
        }
        return new Range(start, end);
    }

    /** The range of instants a report may name (PostgreSQL's own is wider; these print as ISO-8601). */
    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");

    private static final Instant LATEST = Instant.parse("9999-12-31T00:00:00Z");

    private static Instant instant(String field, String text, List<Violation> broken) {
        try {
            Instant at = text.length() == 10
                    ? LocalDate.parse(text).atStartOfDay(ZoneOffset.UTC).toInstant()
                    : Instant.parse(text);
            if (at.isBefore(EARLIEST) || at.isAfter(LATEST)) {
                broken.add(Violation.of(field, "must be between 0001-01-01 and 9999-12-31"));
                return null;
            }
            return at;
        } catch (DateTimeParseException e) {
            broken.add(Violation.of(
                    field, "must be an ISO-8601 instant such as 2026-11-23T10:00:00Z, or a date such as 2026-11-23"));
            return null;
        }
    }

    private static Violation oneOf(String field, String value, Set<String> allowed) {
        return allowed.contains(value)
                ? null
                : Violation.of(
                        field, "must be one of " + allowed.stream().sorted().collect(Collectors.joining(", ")));
    }

    /** RFC 4180: a header row, then one line per row; empty for null; quoted when needed. */
    static String csv(ReportRepository.Table t) {
        StringBuilder out = new StringBuilder(String.join(",", t.columns())).append("\r\n");
        for (Map<String, Object> row : t.rows()) {
            out.append(row.values().stream().map(ReportController::cell).collect(Collectors.joining(",")))
                    .append("\r\n");
        }
        return out.toString();
    }

    private static String cell(Object v) {
        if (v == null) {
            return "";
        }
        String s = v.toString();
        return s.contains(",") || s.contains("\"") || s.contains("\n") ? '"' + s.replace("\"", "\"\"") + '"' : s;
    }
}
