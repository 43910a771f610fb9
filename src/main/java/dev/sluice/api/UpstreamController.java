package dev.sluice.api;

import dev.sluice.dispatch.ModelGate;
import dev.sluice.dispatch.UpstreamGate;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.job.InvalidJobException;
import dev.sluice.job.JobCounts;
import dev.sluice.job.JobRepository;
import dev.sluice.job.Violation;
import dev.sluice.pause.Pause;
import dev.sluice.pause.Pauses;
import dev.sluice.project.AuditLog;
import dev.sluice.project.Caller;
import dev.sluice.upstream.UpstreamProperties;
import dev.sluice.upstream.Upstreams;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;

/**
 * Upstreams (admin): each with its limits, this instance's share, what was sent in the last minute
 * and day, the jobs in flight and whether it is paused; and pausing and resuming one (or one of
 * its models, or all of them: the seed's {@code stop()} and {@code start()}). A pause stops new
 * sends only: enqueue goes on, jobs already upstream are polled to the end.
 */
@RestController
@RequestMapping("/api/v1/upstreams")
class UpstreamController {

    private static final Set<String> PAUSE_FIELDS = Set.of("model", "reason", "until");
    private static final Set<String> RESUME_FIELDS = Set.of("model");
    private static final int MAX_REASON = 500;
    private static final int MAX_MODEL = 200;
    /** The furthest a pause may be set to end: a year; longer is "until resumed" (no until). */
    private static final Duration MAX_PAUSE = Duration.ofDays(366);

    private final Upstreams upstreams;
    private final UpstreamGates gates;
    private final Pauses pauses;
    private final JobRepository jobs;
    private final AuditLog audit;
    private final ObjectMapper json;
    private final Clock clock;

    UpstreamController(
            Upstreams upstreams,
            UpstreamGates gates,
            Pauses pauses,
            JobRepository jobs,
            AuditLog audit,
            ObjectMapper json,
            Clock clock) {
        this.upstreams = upstreams;
        this.gates = gates;
        this.pauses = pauses;
        this.jobs = jobs;
        this.audit = audit;
        this.json = json;
        this.clock = clock;
    }

    record UsageView(long requests, long tokens) {}

    record PauseView(String model, String reason, Instant until, Instant pausedAt, String pausedBy) {
        static PauseView of(Pause p) {
            return p == null ? null : new PauseView(p.model(), p.reason(), p.until(), p.pausedAt(), p.pausedBy());
        }
    }

    /**
     * A model: its own limits (null when it has none), usage, operator's pause, and this instance's
     * view: what it may still send today, and how long a 429 still pauses the model.
     */
    record ModelView(
            String name,
            Map<String, Object> limits,
            UsageView lastMinute,
            UsageView lastDay,
            PauseView paused,
            Long requestsLeftTodayHere,
            Long tokensLeftTodayHere,
            Double pausedByUpstreamForS) {}

    record UpstreamView(
            String name,
            String protocol,
            Map<String, Object> limits,
            Map<String, Object> share,
            UsageView lastMinute,
            UsageView lastDay,
            long inFlight,
            PauseView paused,
            List<ModelView> models) {}

    @GetMapping
    Map<String, List<UpstreamView>> list() {
        Instant now = clock.instant();
        List<JobCounts.Usage> usage = jobs.usageSince(now.minus(Duration.ofDays(1)), now.minus(Duration.ofMinutes(1)));
        Map<String, Long> running = jobs.countRunningByUpstream();
        Map<String, UpstreamGate.Snapshot> live = gates.snapshot();
        List<Pause> inForce = pauses.inForce();
        List<UpstreamView> out = new ArrayList<>();
        for (String name : upstreams.names()) {
            UpstreamProperties.Config c = upstreams.config(name);
            UpstreamGate.Snapshot g = live.get(name);
            Map<String, Object> limits = new LinkedHashMap<>();
            limits.put("requests_per_minute", c.requestsPerMinute() == 0 ? null : c.requestsPerMinute());
            limits.put("tokens_per_minute", c.tokensPerMinute() == 0 ? null : c.tokensPerMinute());
            limits.put("max_in_flight", c.maxInFlight() == 0 ? null : c.maxInFlight());
            Map<String, Object> share = new LinkedHashMap<>();
            share.put("instances", g.share());
            share.put("requests_per_minute", c.requestsPerMinute() == 0 ? null : c.requestsPerMinute() / g.share());
            share.put("tokens_per_minute", c.tokensPerMinute() == 0 ? null : c.tokensPerMinute() / g.share());
            share.put("claimed_not_sent", g.unsent());
            long minuteRequests = 0, minuteTokens = 0, dayRequests = 0, dayTokens = 0;
            Map<String, JobCounts.Usage> byModel = new java.util.TreeMap<>();
            for (JobCounts.Usage u : usage) {
                if (!u.upstream().equals(name)) {
                    continue;
                }
                minuteRequests += u.requestsMinute();
                minuteTokens += u.tokensMinute();
                dayRequests += u.requestsDay();
                dayTokens += u.tokensDay();
                if (u.model() != null) {
                    byModel.put(u.model(), u);
                }
            }
            Pause whole = null;
            Map<String, Pause> modelPauses = new LinkedHashMap<>();
            for (Pause p : inForce) {
                if (p.upstream().equals(name)) {
                    if (p.model() == null) {
                        whole = p;
                    } else {
                        modelPauses.put(p.model(), p);
                    }
                }
            }
            java.util.Set<String> names = new java.util.TreeSet<>(byModel.keySet());
            names.addAll(modelPauses.keySet());
            names.addAll(g.models().keySet());
            List<ModelView> models = new ArrayList<>();
            for (String model : names) {
                JobCounts.Usage u = byModel.get(model);
                ModelGate.Snapshot m = g.models().get(model);
                models.add(new ModelView(
                        model,
                        m == null ? null : modelLimits(m.limits()),
                        u == null ? new UsageView(0, 0) : new UsageView(u.requestsMinute(), u.tokensMinute()),
                        u == null ? new UsageView(0, 0) : new UsageView(u.requestsDay(), u.tokensDay()),
                        PauseView.of(modelPauses.get(model)),
                        m == null ? null : m.requestsLeftToday(),
                        m == null ? null : m.tokensLeftToday(),
                        m == null || m.pausedFor().isZero()
                                ? null
                                : m.pausedFor().toMillis() / 1000.0));
            }
            out.add(new UpstreamView(
                    name,
                    c.protocol().name().toLowerCase(java.util.Locale.ROOT),
                    limits,
                    share,
                    new UsageView(minuteRequests, minuteTokens),
                    new UsageView(dayRequests, dayTokens),
                    running.getOrDefault(name, 0L),
                    PauseView.of(whole),
                    models));
        }
        return Map.of("upstreams", out);
    }

    private static Map<String, Object> modelLimits(UpstreamProperties.ModelLimits l) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests_per_minute", l.requestsPerMinute() == 0 ? null : l.requestsPerMinute());
        out.put("tokens_per_minute", l.tokensPerMinute() == 0 ? null : l.tokensPerMinute());
        out.put("requests_per_day", l.requestsPerDay() == 0 ? null : l.requestsPerDay());
        out.put("tokens_per_day", l.tokensPerDay() == 0 ? null : l.tokensPerDay());
        return out;
    }

    /** Pauses the upstream, or one of its models: body {@code {"model", "reason", "until"}}, all optional. */
    @PostMapping("/{name}/pause")
    PauseView pause(@PathVariable String name, HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        requireUpstream(name);
        return pauseOne(name, readPause(request), caller);
    }

    /** Resumes the upstream, or one of its models (body {@code {"model"}}); 200 either way, saying whether it was paused. */
    @PostMapping("/{name}/resume")
    Map<String, Object> resume(
            @PathVariable String name, HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        requireUpstream(name);
        String model = readResume(request);
        return Map.of("upstream", name, "was_paused", resumeOne(name, model, caller));
    }

    /** Pauses every upstream (the seed's {@code stop()}); a model is not taken here. */
    @PostMapping("/pause")
    Map<String, List<PauseView>> pauseAll(HttpServletRequest request, @AuthenticationPrincipal Caller caller)
            throws IOException {
        PauseRequest r = readPause(request);
        if (r.model() != null) {
            throw new InvalidJobException(List.of(Violation.of("model", "is taken only when pausing one upstream")));
        }
        List<PauseView> paused = new ArrayList<>();
        for (String name : upstreams.names()) {
            paused.add(pauseOne(name, r, caller));
        }
        return Map.of("paused", paused);
    }

    /** Resumes every upstream (the seed's {@code start()}); pauses of single models stay. */
    @PostMapping("/resume")
    Map<String, List<String>> resumeAll(@AuthenticationPrincipal Caller caller) {
        List<String> resumed = new ArrayList<>();
        for (String name : upstreams.names()) {
            if (resumeOne(name, null, caller)) {
                resumed.add(name);
            }
        }
        return Map.of("resumed", resumed);
    }

    private record PauseRequest(String model, String reason, Instant until) {}

    private PauseView pauseOne(String name, PauseRequest r, Caller caller) {
        Pause p = pauses.pause(name, r.model(), r.reason(), r.until(), by(caller));
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("model", r.model());
        detail.put("reason", r.reason());
        detail.put("until", r.until() == null ? null : r.until().toString());
        audit.record(caller, "upstream.pause", "upstream:" + name, detail);
        return PauseView.of(p);
    }

    private boolean resumeOne(String name, String model, Caller caller) {
        boolean was = pauses.resume(name, model);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("model", model);
        detail.put("was_paused", was);
        audit.record(caller, "upstream.resume", "upstream:" + name, detail);
        return was;
    }

    private static String by(Caller caller) {
        return caller == null
                ? "sluice"
                : "key " + caller.keyId() + " of project " + caller.project().name();
    }

    private void requireUpstream(String name) {
        if (!upstreams.contains(name)) {
            throw new UpstreamNotFoundException(name);
        }
    }

    private PauseRequest readPause(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() == 0) {
            return new PauseRequest(null, null, null);
        }
        List<Violation> violations = new ArrayList<>();
        JsonNode body = JsonBodies.readObject(json, request.getInputStream(), "pause", PAUSE_FIELDS, violations);
        String model = text(body, "model", MAX_MODEL, violations);
        String reason = text(body, "reason", MAX_REASON, violations);
        Instant until = null;
        JsonNode u = body.get("until");
        String rule =
                "must be a time in the future, within a year, as RFC 3339 (2026-12-01T12:00:00Z), or null for until resumed";
        if (u != null && !u.isNull()) {
            try {
                until = u.isString() ? Instant.parse(u.stringValue()) : null;
            } catch (DateTimeParseException e) {
                until = null;
            }
            Instant now = clock.instant();
            if (until == null || !until.isAfter(now) || until.isAfter(now.plus(MAX_PAUSE))) {
                violations.add(Violation.of("until", rule));
            }
        }
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        return new PauseRequest(model, reason, until);
    }

    private String readResume(HttpServletRequest request) throws IOException {
        if (request.getContentLengthLong() == 0) {
            return null;
        }
        List<Violation> violations = new ArrayList<>();
        JsonNode body = JsonBodies.readObject(json, request.getInputStream(), "resume", RESUME_FIELDS, violations);
        String model = text(body, "model", MAX_MODEL, violations);
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
        return model;
    }

    private static String text(JsonNode body, String field, int max, List<Violation> violations) {
        JsonNode v = body.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isString() || v.stringValue().isBlank() || v.stringValue().length() > max) {
            violations.add(
                    Violation.of(field, "must be a non-blank string of at most " + max + " characters, or null"));
            return null;
        }
        return v.stringValue();
    }
}
