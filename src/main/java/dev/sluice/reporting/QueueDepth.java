package dev.sluice.reporting;

import dev.sluice.dispatch.UpstreamGate;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;

/**
 * One upstream's queue at one moment: a {@code queue_snapshot} row. The oldest-queued ages are in
 * seconds and null when none of that priority is queued; the limits are the taking instance's.
 */
record QueueDepth(
        Instant takenAt,
        String upstream,
        String takenBy,
        int queuedHigh,
        int queuedNormal,
        int queuedLow,
        int claimed,
        int submitted,
        int submitUnknown,
        Double oldestQueuedHighS,
        Double oldestQueuedNormalS,
        Double oldestQueuedLowS,
        int inFlight,
        Long requestsPerMinute,
        Integer permitsAvailable,
        int liveNodes) {

    public int queued() {
        return queuedHigh + queuedNormal + queuedLow;
    }

    static QueueDepth read(ResultSet rs, int row) throws SQLException {
        return new QueueDepth(
                rs.getTimestamp("taken_at").toInstant(),
                rs.getString("upstream"),
                rs.getString("taken_by"),
                rs.getInt("queued_high"),
                rs.getInt("queued_normal"),
                rs.getInt("queued_low"),
                rs.getInt("claimed"),
                rs.getInt("submitted"),
                rs.getInt("submit_unknown"),
                rs.getObject("oldest_queued_high_s", Double.class),
                rs.getObject("oldest_queued_normal_s", Double.class),
                rs.getObject("oldest_queued_low_s", Double.class),
                rs.getInt("in_flight"),
                rs.getObject("requests_per_minute", Long.class),
                rs.getObject("permits_available", Integer.class),
                rs.getInt("live_nodes"));
    }

    /** Collects the counts of one upstream from the rows of the depth query. */
    static final class Builder {
        private final String upstream;
        private final int[] queued = new int[3];
        private final Double[] oldest = new Double[3];
        private int claimed;
        private int submitted;
        private int submitUnknown;

        Builder(String upstream) {
            this.upstream = upstream;
        }

        String upstream() {
            return upstream;
        }

        void add(String state, Integer priority, int count, Duration oldestAge) {
            switch (state) {
                case "queued" -> {
                    queued[priority] = count;
                    oldest[priority] = oldestAge == null ? null : Math.max(0, oldestAge.toMillis() / 1000.0);
                }
                case "claimed" -> claimed = count;
                case "submitted" -> submitted = count;
                case "submit_unknown" -> submitUnknown = count;
                default -> throw new IllegalArgumentException("unexpected state " + state);
            }
        }

        QueueDepth build(Instant takenAt, String takenBy, UpstreamGate.Snapshot limits, int liveNodes) {
            return new QueueDepth(
                    takenAt,
                    upstream,
                    takenBy,
                    queued[0],
                    queued[1],
                    queued[2],
                    claimed,
                    submitted,
                    submitUnknown,
                    oldest[0],
                    oldest[1],
                    oldest[2],
                    claimed + submitted,
                    limits == null || limits.requestsPerMinute() == 0 ? null : limits.requestsPerMinute(),
                    limits == null ? null : limits.availableRequests(),
                    liveNodes);
        }
    }
}
