package dev.sluice.dispatch;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How submitted jobs are polled, under {@code sluice.polling.*}. Polling runs wherever
 * {@code sluice.dispatch.enabled} is true.
 *
 * @param batchSize most due polls leased by one statement (default 100)
 * @param maxConcurrent polls in progress at once on this instance (default 256)
 * @param lease how long a leased poll is held before another instance may take it (default
 *     1 min); renewed every third of it while the poll is under way
 * @param idleWait how long the poller waits when nothing is due (default 200 ms)
 * @param maxErrorBackoff the ceiling of the wait after failed polls, min(2^n s, this) (default 30 s)
 */
@Validated
@ConfigurationProperties("sluice.polling")
record PollProperties(
        @DefaultValue("100") @Min(1) @Max(10_000) int batchSize,
        @DefaultValue("256") @Min(1) int maxConcurrent,
        @DefaultValue("1m") @NotNull Duration lease,
        @DefaultValue("200ms") @NotNull Duration idleWait,
        @DefaultValue("30s") @NotNull Duration maxErrorBackoff) {}
