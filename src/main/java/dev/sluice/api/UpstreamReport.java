package dev.sluice.api;

import dev.sluice.dispatch.ModelGate;
import dev.sluice.dispatch.UpstreamGate;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.job.JobCounts;
import dev.sluice.job.JobRepository;
import dev.sluice.pause.Pause;
import dev.sluice.pause.Pauses;
import dev.sluice.upstream.UpstreamProperties;
import dev.sluice.upstream.Upstreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Upstreams as an operator sees them (the API's GET /api/v1/upstreams and the dashboard's page): each with its limits, this instance's share, what was sent in the last minute
 * and day, the jobs in flight, whether it is paused ({@link PauseController}), and its models.
 */
@Component
public class UpstreamReport {

    private final Upstreams upstreams;
    private final UpstreamGates gates;
    private final Pauses pauses;
    private final JobRepository jobs;
    private final Clock clock;

    UpstreamReport(Upstreams upstreams, UpstreamGates gates, Pauses pauses, JobRepository jobs, Clock clock) {
        this.upstreams = upstreams;
        this.gates = gates;
        this.pauses = pauses;
        this.jobs = jobs;
        this.clock = clock;
    }

    public record UsageView(long requests, long tokens) {}

    public record PauseView(String model, String reason, Instant until, Instant pausedAt, String pausedBy) {
        public static PauseView of(Pause p) {
            return p == null ? null : new PauseView(p.model(), p.reason(), p.until(), p.pausedAt(), p.pausedBy());
        }
    }

    /**
     * A model: its own limits (null when it has none), usage, operator's pause, and this instance's
     * view: what it may still send today, and how long a 429 still pauses the model.
     */
    public record ModelView(
            String name,
            Map<String, Object> limits,
            UsageView lastMinute,
            UsageView lastDay,
            PauseView paused,
            Long requestsLeftTodayHere,
            Long tokensLeftTodayHere,
            Double pausedByUpstreamForS) {}

    public record UpstreamView(
            String name,
            String protocol,
            Map<String, Object> limits,
            Map<String, Object> share,
            UsageView lastMinute,
            UsageView lastDay,
            long inFlight,
            PauseView paused,
            List<ModelView> models) {}

    /** Every configured upstream, in name order. */
    public List<UpstreamView> upstreams() {
        return upstreams(true);
    }

    /**
     * As {@link #upstreams()}, without the last day's usage ({@code last_day} null) when
     * {@code lastDay} is false: the last minute reads a minute of job_sent_idx, the day a day of
     * it (over a second with a million jobs sent in the day).
     */
    public List<UpstreamView> upstreams(boolean lastDay) {
        Instant now = clock.instant();
        Instant minute = now.minus(Duration.ofMinutes(1));
        List<JobCounts.Usage> usage = jobs.usageSince(lastDay ? now.minus(Duration.ofDays(1)) : minute, minute);
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
                        !lastDay
                                ? null
                                : u == null ? new UsageView(0, 0) : new UsageView(u.requestsDay(), u.tokensDay()),
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
                    lastDay ? new UsageView(dayRequests, dayTokens) : null,
                    running.getOrDefault(name, 0L),
                    PauseView.of(whole),
                    models));
        }
        return out;
    }

    private static Map<String, Object> modelLimits(UpstreamProperties.ModelLimits l) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("requests_per_minute", l.requestsPerMinute() == 0 ? null : l.requestsPerMinute());
        out.put("tokens_per_minute", l.tokensPerMinute() == 0 ? null : l.tokensPerMinute());
        out.put("requests_per_day", l.requestsPerDay() == 0 ? null : l.requestsPerDay());
        out.put("tokens_per_day", l.tokensPerDay() == 0 ? null : l.tokensPerDay());
        return out;
    }
}
