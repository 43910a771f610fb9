/**
 * Reporting: periodic snapshots of the queue's depth ({@code queue_snapshot}), the reports read
 * from the {@code job_timeline} view and the {@code wait_time_stats} function, and the upkeep of
 * the time-partitioned tables (partitions made ahead, old ones dropped, old finished jobs deleted).
 */
package dev.sluice.reporting;
