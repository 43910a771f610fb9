package dev.sluice.dispatch;

import dev.sluice.job.Job;
import dev.sluice.job.JobRepository;
import dev.sluice.job.LastSnapshot;
import dev.sluice.upstream.Upstreams;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * Where an unfinished job waits and for how long, in the shape of a Tinker queue answer: from our
 * own queue while it waits here (its exact position, the upstream's depth, and an ETA from the
 * configured rate or, without one, the observed drain rate), from the upstream's last snapshot
 * once the upstream has it. Reads only; never writes.
 */
@Component
public class WaitEstimator {

    /** The answer's fields; nulls are left out of the headers. */
    public record Wait(
            String status,
            String queueState,
            String queueStateReason,
            Integer queuePosition,
            Integer queueDepth,
            Double estimatedWaitS,
            String progressJson,
            double retryAfterS,
            LastSnapshot upstream) {}

    /** Depths are counted at most once a second per instance, however many clients poll. */
    private static final Duration DEPTH_TTL = Duration.ofSeconds(1);

    private final JobRepository jobs;
    private final Upstreams upstreams;
    private final ClaimRates rates;
    private final Clock clock;
    private Map<String, Long> depths = Map.of();
    private Instant depthsAt = Instant.EPOCH;

    WaitEstimator(JobRepository jobs, Upstreams upstreams, ClaimRates rates, Clock clock) {
        this.jobs = jobs;
        this.upstreams = upstreams;
        this.rates = rates;
        this.clock = clock;
    }

    public Wait estimate(Job job) {
        Instant now = clock.instant();
        LastSnapshot last = jobs.lastUpstreamSnapshot(job.id()).orElse(null);
        return switch (job.state()) {
            case QUEUED -> waitingHere(job, now, last);
            case CLAIMED -> new Wait("claimed", "sending", null, 0, depth(job.upstream(), now, 1), 0.0, null, 1, last);
            case SUBMITTED -> waitingUpstream(now, last);
            case SUCCEEDED, FAILED, CANCELLED -> throw new IllegalArgumentException("job " + job.id() + " is finished");
        };
    }

    private Wait waitingHere(Job job, Instant now, LastSnapshot last) {
        long ahead = jobs.countQueuedAhead(job.upstream(), job.priority(), job.id());
        int depth = depth(job.upstream(), now, ahead + 1);
        long rpm = upstreams.config(job.upstream()).requestsPerMinute();
        double perSecond = rpm > 0 ? rpm / 60.0 : rates.perSecond(job.upstream(), now.getEpochSecond());
        Double eta = perSecond > 0 ? (ahead + 1) / perSecond : null;
        String reason = "queue_backlog";
        if (job.runAfter() != null && job.runAfter().isAfter(now)) {
            double backoff = Duration.between(now, job.runAfter()).toMillis() / 1000.0;
            eta = eta == null ? backoff : Math.max(eta, backoff);
            reason = "retry_backoff";
        }
        eta = eta == null ? null : round(eta);
        return new Wait(
                "queued",
                "waiting",
                reason,
                (int) Math.min(ahead, Integer.MAX_VALUE),
                depth,
                eta,
                null,
                retryAfter(eta, depth),
                last);
    }

    private static Wait waitingUpstream(Instant now, LastSnapshot last) {
        if (last == null) {
            return new Wait("submitted", "submitted", null, null, null, null, null, 1, null);
        }
        Double eta = last.estimatedWaitS();
        if (eta != null) {
            double elapsed = Duration.between(last.observedAt(), now).toMillis() / 1000.0;
            eta = round(Math.max(0, eta - elapsed));
        }
        double retryAfter = last.retryAfterS() != null ? last.retryAfterS() : retryAfter(eta, last.queueDepth());
        return new Wait(
                last.status() == null ? "submitted" : last.status(),
                last.queueState(),
                last.queueStateReason(),
                last.queuePosition(),
                last.queueDepth(),
                eta,
                last.progressJson(),
                retryAfter,
                last);
    }

    private synchronized int depth(String upstream, Instant now, long atLeast) {
        if (Duration.between(depthsAt, now).compareTo(DEPTH_TTL) >= 0 || depthsAt.isAfter(now)) {
            depths = jobs.countQueuedByUpstream();
            depthsAt = now;
        }
        return (int) Math.min(Integer.MAX_VALUE, Math.max(atLeast, depths.getOrDefault(upstream, 0L)));
    }

    /** As mint: clamp(eta / 4, 1, 30), else clamp(depth, 1, 10), else 1. */
    static double retryAfter(Double etaS, Integer depth) {
        if (etaS != null) {
            return Math.min(30, Math.max(1, etaS / 4));
        }
        if (depth != null) {
            return Math.min(10, Math.max(1, depth));
        }
        return 1;
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }
}
