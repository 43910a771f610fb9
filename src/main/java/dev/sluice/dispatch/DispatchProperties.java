package dev.sluice.dispatch;

import dev.sluice.runtime.Loop;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How jobs are claimed and sent, under {@code sluice.dispatch.*}.
 *
 * @param enabled whether this instance claims and sends jobs at all (default true); an instance
 *     with it off still takes and answers API requests
 * @param claimBatchSize most jobs one claim statement takes (default 500: draining 100,000 no-op
 *     jobs, 500 ran about 40% faster than 100 and as fast as 1,000, bench 2026-11-23); fewer when rate-limit
 *     permits or in-flight room are short
 * @param idleWait how long an idle claimer waits before looking again (default 200 ms); a job
 *     enqueued on this instance wakes it at once
 * @param leaseDuration how long a claim is held before the rescuer may return the job to the queue
 *     (default 1 min); renewed every third of it while the job is being sent, so only a dead or
 *     cut-off instance lets it expire
 * @param rescueInterval how often expired leases are looked for (default 10 s)
 * @param maxTokenWait longest a claimed job waits for token permits before it is handed back to
 *     the queue without using an attempt (default 60 s)
 * @param retryBaseDelay backoff before the first retry; doubled per attempt, with jitter (default 1 s)
 * @param retryMaxDelay the backoff's ceiling (default 10 min)
 * @param deferMaxDelay the ceiling of the backoff after a "not now" (an upstream's 429 or
 *     backpressure, a token budget that cannot cover the job in time), which uses no attempt: from
 *     retry-base-delay, doubled per "not now" in a row, with jitter (default 1 min)
 * @param sendLead how far ahead of their send jobs are claimed, for an upstream with a
 *     requests-per-minute limit (default 1 s): the lead holds this long of this instance's rate
 *     (at least one job), so a slow claim does not leave permits unused; a higher-priority job
 *     enqueued meanwhile is sent at most this much later than it would have been
 * @param shutdownGrace how long a stopping instance waits for jobs it is sending (default 30 s)
 */
@Validated
@ConfigurationProperties("sluice.dispatch")
public record DispatchProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500") @Min(1) @Max(10_000) int claimBatchSize,
        @DefaultValue("200ms") @NotNull Duration idleWait,
        @DefaultValue("1m") @NotNull Duration leaseDuration,
        @DefaultValue("10s") @NotNull Duration rescueInterval,
        @DefaultValue("60s") @NotNull Duration maxTokenWait,
        @DefaultValue("1s") @NotNull Duration retryBaseDelay,
        @DefaultValue("10m") @NotNull Duration retryMaxDelay,
        @DefaultValue("1m") @NotNull Duration deferMaxDelay,
        @DefaultValue("1s") @NotNull Duration sendLead,
        @DefaultValue("30s") @NotNull Duration shutdownGrace) {

    public DispatchProperties {
        requirePositive("idle-wait", idleWait);
        requirePositive("lease-duration", leaseDuration);
        requirePositive("rescue-interval", rescueInterval);
        requirePositive("retry-base-delay", retryBaseDelay);
        requirePositive("send-lead", sendLead);
        if (retryMaxDelay.compareTo(retryBaseDelay) < 0) {
            throw new IllegalArgumentException("sluice.dispatch.retry-max-delay (" + retryMaxDelay
                    + ") must not be shorter than sluice.dispatch.retry-base-delay (" + retryBaseDelay + ")");
        }
    }

    /**
     * The loops of a component that runs only where this instance dispatches: {@code loops}
     * where {@code enabled}, none elsewhere.
     */
    public List<Loop> onlyWhereEnabled(Loop... loops) {
        return enabled ? List.of(loops) : List.of();
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("sluice.dispatch." + name + " must be positive, was " + value);
        }
    }
}
