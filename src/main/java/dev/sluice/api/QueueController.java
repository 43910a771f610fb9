package dev.sluice.api;

import dev.sluice.dispatch.UpstreamGate;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.job.JobRepository;
import dev.sluice.job.Priority;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
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
     */
    record RateLimitView(
            int share,
            long requestsPerMinute,
            Integer availableRequests,
            long tokensPerMinute,
            Integer availableTokens,
            int maxInFlight,
            long running) {}

    record QueueView(Map<String, Long> queueLengths, long running, Map<String, RateLimitView> rateLimits) {}

    @GetMapping("/api/v1/queue")
    QueueView queue() {
        Map<String, Long> lengths = new LinkedHashMap<>();
        long total = 0;
        for (Map.Entry<Priority, Long> e : jobs.countQueuedByPriority().entrySet()) {
            lengths.put(e.getKey().wireName(), e.getValue());
            total += e.getValue();
        }
        lengths.put("total", total);
        Map<String, Long> running = jobs.countRunningByUpstream();
        Map<String, RateLimitView> limits = new LinkedHashMap<>();
        gates.snapshot().forEach((name, g) -> limits.put(name, view(g, running.getOrDefault(name, 0L))));
        return new QueueView(
                lengths, running.values().stream().mapToLong(Long::longValue).sum(), limits);
    }

    private static RateLimitView view(UpstreamGate.Snapshot g, long running) {
        return new RateLimitView(
                g.share(),
                g.requestsPerMinute(),
                g.availableRequests(),
                g.tokensPerMinute(),
                g.availableTokens(),
                g.maxInFlight(),
                running);
    }
}
