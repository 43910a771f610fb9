package dev.sluice.api;

import dev.sluice.dispatch.ModelGate;
import dev.sluice.dispatch.UpstreamGate;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.job.JobRepository;
import dev.sluice.job.Priority;
import dev.sluice.project.Caller;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** The queue at a glance: what waits per priority, what runs, and each upstream's live limits. */
@RestController
class QueueController {

    private final JobRepository jobs;
    private final UpstreamGates gates;

    QueueController(JobRepository jobs, UpstreamGates gates) {
        this.jobs = jobs;
        this.gates = gates;
    }

    /**
     * Limits are the configured totals; {@code share} is how many live instances split them (this
     * instance sends at most total / share), and {@code available_*} are this instance's permits.
     * {@code queued}: with {@code by_upstream=true}, the jobs waiting for it, per priority (the
     * caller's project's; an admin's: all); else null.
     * {@code models}: the models with limits of their own, or paused by a 429 that named them.
     */
    record RateLimitView(
            int share,
            long requestsPerMinute,
            Integer availableRequests,
            long tokensPerMinute,
            Integer availableTokens,
            int maxInFlight,
            long running,
            Map<String, Long> queued,
            Map<String, ModelLimitView> models) {}

    /** A model's own limits (0 = none), what this instance may still send of it today, and a 429's pause. */
    record ModelLimitView(
            long requestsPerMinute,
            long tokensPerMinute,
            long requestsPerDay,
            long tokensPerDay,
            Long requestsLeftTodayHere,
            Long tokensLeftTodayHere,
            Double pausedByUpstreamForS) {
        static ModelLimitView of(ModelGate.Snapshot m) {
            return new ModelLimitView(
                    m.limits().requestsPerMinute(),
                    m.limits().tokensPerMinute(),
                    m.limits().requestsPerDay(),
                    m.limits().tokensPerDay(),
                    m.requestsLeftToday(),
                    m.tokensLeftToday(),
                    m.pausedFor().isZero() ? null : m.pausedFor().toMillis() / 1000.0);
        }
    }

    /** {@code project}: the project counted, or null for an admin key, which counts every project. */
    record QueueView(
            String project, Map<String, Long> queueLengths, long running, Map<String, RateLimitView> rateLimits) {}

    /**
     * The caller's project's queue (an admin key: everyone's): its queued jobs per priority, its
     * running jobs, and each upstream's limits (shared by every project) with its running jobs there.
     */
    @GetMapping("/api/v1/queue")
    QueueView queue(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(name = "by_upstream", defaultValue = "false") boolean byUpstream) {
        Map<String, Long> lengths = new LinkedHashMap<>();
        long total = 0;
        boolean all = caller.isAdmin();
        Map<Priority, Long> queued = all
                ? jobs.countQueuedByPriority()
                : jobs.countQueuedInProjectByPriority(caller.project().id());
        for (Map.Entry<Priority, Long> e : queued.entrySet()) {
            lengths.put(e.getKey().wireName(), e.getValue());
            total += e.getValue();
        }
        lengths.put("total", total);
        Map<String, Long> running = all
                ? jobs.countRunningByUpstream()
                : jobs.countRunningByUpstreamInProject(caller.project().id());
        // Asked for (sluice top): the queue per upstream too. An admin's is an index-only count
        // of job_claim_idx; a project's reads each queued row's upstream.
        Map<String, Map<Priority, Long>> perUpstream = !byUpstream
                ? null
                : all
                        ? jobs.countQueuedByUpstreamAndPriority()
                        : jobs.countQueuedByUpstreamAndPriorityInProject(
                                caller.project().id());
        Map<String, RateLimitView> limits = new LinkedHashMap<>();
        gates.snapshot()
                .forEach((name, g) -> limits.put(
                        name,
                        view(
                                g,
                                running.getOrDefault(name, 0L),
                                perUpstream == null ? null : perUpstream.getOrDefault(name, Map.of()))));
        return new QueueView(
                all ? null : caller.project().name(),
                lengths,
                running.values().stream().mapToLong(Long::longValue).sum(),
                limits);
    }

    private static RateLimitView view(UpstreamGate.Snapshot g, long running, Map<Priority, Long> queued) {
        Map<String, Long> byPriority = null;
        if (queued != null) {
            byPriority = new LinkedHashMap<>();
            for (Priority p : Priority.values()) {
                byPriority.put(p.wireName(), queued.getOrDefault(p, 0L));
            }
        }
        return new RateLimitView(
                g.share(),
                g.requestsPerMinute(),
                g.availableRequests(),
                g.tokensPerMinute(),
                g.availableTokens(),
                g.maxInFlight(),
                running,
                byPriority,
                models(g));
    }

    private static Map<String, ModelLimitView> models(UpstreamGate.Snapshot g) {
        Map<String, ModelLimitView> out = new LinkedHashMap<>();
        g.models().forEach((name, m) -> out.put(name, ModelLimitView.of(m)));
        return out;
    }
}
