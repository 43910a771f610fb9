package dev.sluice.reporting;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * Reporting and retention, under {@code sluice.reporting.*}.
 *
 * @param snapshotInterval how often one instance of the cluster writes the queue's depth to
 *     {@code queue_snapshot}, one row per upstream (default 10 s); metrics read the latest
 * @param maintenanceInterval how often partitions are made ahead and retention runs (default 1 h;
 *     also once at start, before any job is claimed)
 * @param partitionsAhead days of daily partitions kept made ahead of today (default 7)
 * @param historyRetention how long {@code job_status_history} is kept: a day's partition is dropped
 *     once all of it is older (default 30 days)
 * @param snapshotRetention how long {@code queue_snapshot} and {@code project_snapshot} are kept
 *     (default 30 days)
 * @param finishedJobRetention how long a finished job (succeeded, failed, cancelled) is kept after
 *     it finished, then deleted with its callback deliveries (default 30 days)
 * @param deleteBatchSize finished jobs deleted per statement (default 10,000): short statements,
 *     so retention never holds many row locks or a long transaction
 */
@Validated
@ConfigurationProperties("sluice.reporting")
record ReportingProperties(
        @DefaultValue("10s") @NotNull Duration snapshotInterval,
        @DefaultValue("1h") @NotNull Duration maintenanceInterval,
        @DefaultValue("7") @Min(1) @Max(366) int partitionsAhead,
        @DefaultValue("30d") @NotNull Duration historyRetention,
        @DefaultValue("30d") @NotNull Duration snapshotRetention,
        @DefaultValue("30d") @NotNull Duration finishedJobRetention,
        @DefaultValue("10000") @Min(1) @Max(1_000_000) int deleteBatchSize) {

    public ReportingProperties {
        requirePositive("snapshot-interval", snapshotInterval);
        requirePositive("maintenance-interval", maintenanceInterval);
        requirePositive("history-retention", historyRetention);
        requirePositive("snapshot-retention", snapshotRetention);
        requirePositive("finished-job-retention", finishedJobRetention);
    }

    private static void requirePositive(String name, Duration value) {
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException("sluice.reporting." + name + " must be positive, was " + value);
        }
    }
}
