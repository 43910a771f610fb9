package dev.sluice.reporting;

import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.dispatch.UpstreamGate;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.job.JobCounts;
import dev.sluice.job.JobRepository;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import dev.sluice.upstream.Upstreams;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Writes the queue's depth to {@code queue_snapshot} every {@code snapshot-interval}, one row per
 * upstream, and each project's load and finished jobs to {@code project_snapshot}, taken by one instance of the cluster at a time: each instance tries every interval, and
 * the one that holds a transaction-scoped advisory lock and finds no snapshot younger than 80% of
 * the interval takes it. Every instance then keeps the latest snapshot in memory, which is what
 * the metrics read: a scrape never counts rows. Runs where {@code sluice.dispatch.enabled} is true.
 */
@Component
class QueueSnapshotter implements Background {

    /** The advisory lock key of snapshot taking: hashtext('sluice.queue_snapshot'). */
    private static final String LOCK = "pg_try_advisory_xact_lock(hashtext('sluice.queue_snapshot'))";

    private final JdbcClient jdbc;
    private final TransactionTemplate tx;
    private final JobRepository jobs;
    private final Upstreams upstreams;
    private final UpstreamGates gates;
    private final NodeIdentity node;
    private final ReportingProperties properties;
    private final DispatchProperties dispatch;
    private final Clock clock;
    private final Loop loop;
    private final ProjectSnapshots projects;
    private volatile List<QueueDepth> latest = List.of();

    QueueSnapshotter(
            JdbcClient jdbc,
            JobRepository jobs,
            TransactionTemplate tx,
            Upstreams upstreams,
            UpstreamGates gates,
            NodeIdentity node,
            ReportingProperties properties,
            DispatchProperties dispatch,
            Clock clock,
            ProjectSnapshots projects) {
        this.projects = projects;
        this.jdbc = jdbc;
        this.jobs = jobs;
        this.tx = tx;
        this.upstreams = upstreams;
        this.gates = gates;
        this.node = node;
        this.properties = properties;
        this.dispatch = dispatch;
        this.clock = clock;
        this.loop = new Loop("sluice-queue-snapshotter", this::runOnce).firstPassAfter(properties.snapshotInterval());
    }

    /** The depth of each upstream's queue at the latest snapshot of the cluster. */
    public List<QueueDepth> latest() {
        return latest;
    }

    /**
     * Takes a snapshot if no other instance took one within this interval, then reloads the
     * latest. Done is the rows this instance wrote: none when another took this interval's.
     */
    public Pass runOnce() {
        Instant now = clock.instant();
        Duration fresh = properties.snapshotInterval().multipliedBy(4).dividedBy(5);
        Integer written = tx.execute(status -> {
            boolean mine = jdbc.sql("SELECT " + LOCK + " AND NOT EXISTS (SELECT 1 FROM queue_snapshot"
                            + " WHERE taken_at > :since)")
                    .param("since", Timestamp.from(now.minus(fresh)))
                    .query(Boolean.class)
                    .single();
            if (!mine) {
                return 0;
            }
            List<QueueDepth> depths = take(now);
            depths.forEach(this::insert);
            return depths.size() + projects.take(now, properties.snapshotInterval());
        });
        latest = load(now);
        return Pass.after(written == null ? 0 : written, properties.snapshotInterval());
    }

    /** Counts the queue by upstream, state and priority. */
    List<QueueDepth> take(Instant now) {
        Map<String, QueueDepth.Builder> byUpstream = new TreeMap<>();
        upstreams.names().forEach(u -> byUpstream.put(u, new QueueDepth.Builder(u)));
        for (JobCounts.DepthCount c : jobs.countQueueDepths()) {
            byUpstream
                    .computeIfAbsent(c.upstream(), QueueDepth.Builder::new)
                    .add(
                            c.state(),
                            c.priority(),
                            c.jobs(),
                            c.oldestCreatedAt() == null ? null : Duration.between(c.oldestCreatedAt(), now));
        }
        int liveNodes = jdbc.sql("SELECT count(*) FROM node WHERE heartbeat_at > :since")
                .param("since", Timestamp.from(node.deadBefore(now)))
                .query(Integer.class)
                .single();
        Map<String, UpstreamGate.Snapshot> limits = gates.snapshot();
        return byUpstream.values().stream()
                .map(b -> b.build(now, node.id(), limits.get(b.upstream()), Math.max(liveNodes, 1)))
                .toList();
    }

    private void insert(QueueDepth d) {
        jdbc.sql("""
                INSERT INTO queue_snapshot (taken_at, upstream, taken_by, queued_high, queued_normal, queued_low,
                    claimed, submitted, submit_unknown, oldest_queued_high_s, oldest_queued_normal_s,
                    oldest_queued_low_s, in_flight, requests_per_minute, permits_available, live_nodes)
                VALUES (:takenAt, :upstream, :takenBy, :queuedHigh, :queuedNormal, :queuedLow, :claimed, :submitted,
                    :submitUnknown, :oldestHigh, :oldestNormal, :oldestLow, :inFlight, :rpm, :permits, :liveNodes)
                """)
                .param("takenAt", Timestamp.from(d.takenAt()))
                .param("upstream", d.upstream())
                .param("takenBy", d.takenBy())
                .param("queuedHigh", d.queuedHigh())
                .param("queuedNormal", d.queuedNormal())
                .param("queuedLow", d.queuedLow())
                .param("claimed", d.claimed())
                .param("submitted", d.submitted())
                .param("submitUnknown", d.submitUnknown())
                .param("oldestHigh", d.oldestQueuedHighS(), java.sql.Types.DOUBLE)
                .param("oldestNormal", d.oldestQueuedNormalS(), java.sql.Types.DOUBLE)
                .param("oldestLow", d.oldestQueuedLowS(), java.sql.Types.DOUBLE)
                .param("inFlight", d.inFlight())
                .param("rpm", d.requestsPerMinute(), java.sql.Types.BIGINT)
                .param("permits", d.permitsAvailable(), java.sql.Types.INTEGER)
                .param("liveNodes", d.liveNodes())
                .update();
    }

    /** The cluster's latest snapshot of each upstream, if one is recent (three intervals). */
    private List<QueueDepth> load(Instant now) {
        return jdbc.sql("""
                SELECT DISTINCT ON (upstream) * FROM queue_snapshot
                WHERE taken_at > :since ORDER BY upstream, taken_at DESC""")
                .param(
                        "since",
                        Timestamp.from(now.minus(properties.snapshotInterval().multipliedBy(3))))
                .query(QueueDepth::read)
                .list();
    }

    @Override
    public List<Loop> loops() {
        return dispatch.onlyWhereEnabled(loop);
    }
}
