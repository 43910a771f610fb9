package dev.sluice.reporting;

import dev.sluice.dispatch.UpstreamGate;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.upstream.Upstreams;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.function.ToDoubleFunction;
import org.springframework.stereotype.Component;

/**
 * Gauges of each configured upstream's queue, read from the cluster's latest snapshot that
 * {@link QueueSnapshotter} keeps in memory (NaN before the first): a scrape never queries the
 * database. Limiter permits are this instance's, read live from its limiter.
 *
 * <ul>
 *   <li>{@code sluice_queue_jobs{upstream,state,priority}}: queued per priority; claimed,
 *       submitted and submit_unknown with priority "any";
 *   <li>{@code sluice_queue_oldest_queued_seconds{upstream,priority}}: age of the oldest queued
 *       job (0 when none is queued);
 *   <li>{@code sluice_queue_in_flight{upstream}}: claimed plus submitted, cluster-wide;
 *   <li>{@code sluice_limiter_permits_available{upstream}}: request permits free now in this
 *       instance's limiter (NaN when unlimited);
 *   <li>{@code sluice_limiter_share{upstream}}: the number of live instances sharing the limit.
 * </ul>
 */
@Component
class QueueGauges {

    QueueGauges(MeterRegistry registry, QueueSnapshotter snapshots, Upstreams upstreams, UpstreamGates gates) {
        for (String upstream : upstreams.names()) {
            jobs(registry, snapshots, upstream, "queued", "high", QueueDepth::queuedHigh);
            jobs(registry, snapshots, upstream, "queued", "normal", QueueDepth::queuedNormal);
            jobs(registry, snapshots, upstream, "queued", "low", QueueDepth::queuedLow);
            jobs(registry, snapshots, upstream, "claimed", "any", QueueDepth::claimed);
            jobs(registry, snapshots, upstream, "submitted", "any", QueueDepth::submitted);
            jobs(registry, snapshots, upstream, "submit_unknown", "any", QueueDepth::submitUnknown);
            oldest(registry, snapshots, upstream, "high", QueueDepth::oldestQueuedHighS);
            oldest(registry, snapshots, upstream, "normal", QueueDepth::oldestQueuedNormalS);
            oldest(registry, snapshots, upstream, "low", QueueDepth::oldestQueuedLowS);
            Gauge.builder("sluice.queue.in.flight", snapshots, s -> read(s, upstream, QueueDepth::inFlight))
                    .description("Jobs claimed or submitted, cluster-wide, at the latest snapshot")
                    .tag("upstream", upstream)
                    .register(registry);
            Gauge.builder("sluice.limiter.permits.available", gates, g -> permits(g, upstream))
                    .description("Request permits free now in this instance's limiter")
                    .tag("upstream", upstream)
                    .register(registry);
            Gauge.builder("sluice.limiter.share", gates, g -> share(g, upstream))
                    .description("Live instances sharing this upstream's limit")
                    .tag("upstream", upstream)
                    .register(registry);
        }
    }

    private static void jobs(
            MeterRegistry registry,
            QueueSnapshotter snapshots,
            String upstream,
            String state,
            String priority,
            ToDoubleFunction<QueueDepth> value) {
        Gauge.builder("sluice.queue.jobs", snapshots, s -> read(s, upstream, value))
                .description("Jobs by state (and priority, when queued) at the latest snapshot")
                .tags("upstream", upstream, "state", state, "priority", priority)
                .register(registry);
    }

    private static void oldest(
            MeterRegistry registry,
            QueueSnapshotter snapshots,
            String upstream,
            String priority,
            java.util.function.Function<QueueDepth, Double> age) {
        Gauge.builder(
                        "sluice.queue.oldest.queued",
                        snapshots,
                        s -> read(s, upstream, d -> {
                            Double a = age.apply(d);
                            return a == null ? 0 : a;
                        }))
                .description("Age of the oldest queued job at the latest snapshot")
                .baseUnit("seconds")
                .tags("upstream", upstream, "priority", priority)
                .register(registry);
    }

    private static double read(QueueSnapshotter snapshots, String upstream, ToDoubleFunction<QueueDepth> value) {
        for (QueueDepth d : snapshots.latest()) {
            if (d.upstream().equals(upstream)) {
                return value.applyAsDouble(d);
            }
        }
        return Double.NaN;
    }

    private static double permits(UpstreamGates gates, String upstream) {
        UpstreamGate.Snapshot s = gates.snapshot().get(upstream);
        return s == null || s.availableRequests() == null ? Double.NaN : s.availableRequests();
    }

    private static double share(UpstreamGates gates, String upstream) {
        UpstreamGate.Snapshot s = gates.snapshot().get(upstream);
        return s == null ? Double.NaN : s.share();
    }
}
