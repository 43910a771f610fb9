package dev.sluice.api;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Limits of the HTTP API, under {@code sluice.api.*}.
 *
 * @param maxJobSize largest body of {@code POST /api/v1/jobs}, and largest line of a batch
 *     (default 1MB)
 * @param maxBatchSize largest body of {@code POST /api/v1/batches} (default 1GB)
 * @param maxReportedErrors most line errors listed in one rejection of a batch; the answer also
 *     gives the total count (default 1000)
 * @param maxBatchLines most jobs in one batch (default 2,000,000); a batch with more is refused
 *     without reading the rest
 * @param maxConcurrentJobBodies single-job bodies read and checked at once (default 16); a
 *     request that finds no room within 5 s is answered 503 with Retry-After. This bounds memory:
 *     a 1 MB body can take 20 to 30 times that as a parsed tree
 * @param maxConcurrentBatches batch bodies read and checked at once (default 4), likewise; a batch
 *     holds one line and 12 bytes per custom_id, up to 24 MB for a million lines
 * @param searchTimeout longest a job search ({@code GET /api/v1/jobs}) may read before it is
 *     stopped and answered 422, naming the filters that would narrow it (default 5 s): a search
 *     whose filters match few rows cannot hold a connection for long
 */
@Validated
@ConfigurationProperties("sluice.api")
public record ApiProperties(
        @DefaultValue("1MB") @NotNull DataSize maxJobSize,
        @DefaultValue("1GB") @NotNull DataSize maxBatchSize,
        @DefaultValue("1000") @Min(1) @Max(1_000_000) int maxReportedErrors,
        @DefaultValue("2000000") @Min(1) int maxBatchLines,
        @DefaultValue("16") @Min(1) int maxConcurrentJobBodies,
        @DefaultValue("4") @Min(1) int maxConcurrentBatches,
        @DefaultValue("5s") @NotNull Duration searchTimeout) {

    public ApiProperties {
        if (maxJobSize.toBytes() < 1 || maxJobSize.toBytes() > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("sluice.api.max-job-size must be between 1B and 2GB, was " + maxJobSize);
        }
        if (maxBatchSize.toBytes() < maxJobSize.toBytes()) {
            throw new IllegalArgumentException("sluice.api.max-batch-size (" + maxBatchSize
                    + ") must not be smaller than sluice.api.max-job-size (" + maxJobSize + ")");
        }
        if (searchTimeout.toMillis() < 1) {
            throw new IllegalArgumentException("sluice.api.search-timeout must be at least 1ms, was " + searchTimeout);
        }
    }
}
