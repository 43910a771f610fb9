/**
 * Sluice's own meters (Micrometer, scraped at {@code /actuator/prometheus}): what the hot paths
 * count and time as it happens. Queue-depth gauges live with the snapshots they read
 * ({@link dev.sluice.reporting.QueueGauges}).
 */
package dev.sluice.metrics;
