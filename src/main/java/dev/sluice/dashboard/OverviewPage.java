package dev.sluice.dashboard;

import dev.sluice.api.UpstreamReport;
import dev.sluice.node.NodeRepository;
import dev.sluice.project.Caller;
import dev.sluice.reporting.OverviewSeries;
import dev.sluice.runtime.NodeIdentity;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;

/**
 * The overview: queue depth, throughput and both waits per priority over 1 h, 24 h or 7 d (from
 * {@code project_snapshot}); for an admin also usage against each upstream's and model's limits,
 * and the live instances.
 */
@Controller
class OverviewPage {

    private final OverviewSeries series;
    private final UpstreamReport upstreams;
    private final NodeRepository nodes;
    private final NodeIdentity node;
    private final Charts charts;
    private final Clock clock;

    OverviewPage(
            OverviewSeries series,
            UpstreamReport upstreams,
            NodeRepository nodes,
            NodeIdentity node,
            Charts charts,
            Clock clock) {
        this.series = series;
        this.upstreams = upstreams;
        this.nodes = nodes;
        this.node = node;
        this.charts = charts;
        this.clock = clock;
    }

    @GetMapping("/")
    String overview(
            @AuthenticationPrincipal Caller caller, @RequestParam(defaultValue = "1h") String range, Model model) {
        Instant now = clock.instant();
        OverviewSeries.Range r = OverviewSeries.Range.fromWire(range);
        List<OverviewSeries.Point> points = series.series(Viewer.projectOf(caller), r, now);
        double minutes = r.bucket().toSeconds() / 60.0;
        List<Charts.Chart> shown = List.of(
                Charts.perPriority(
                        "depth", "Queue depth (deepest in each bucket)", "jobs", points, one(p -> p.queued())),
                Charts.perPriority(
                        "throughput",
                        "Throughput (jobs finished per minute)",
                        "jobs/min",
                        points,
                        one(p -> p.finished() / minutes)),
                Charts.perPriority(
                        "queue-wait",
                        "Wait in Sluice's queue (created to claimed)",
                        "s",
                        points,
                        pair(OverviewSeries.Point::queueWaitP50, OverviewSeries.Point::queueWaitP99)),
                Charts.perPriority(
                        "upstream-wait",
                        "Wait in the upstream's queue (sent to started)",
                        "s",
                        points,
                        pair(OverviewSeries.Point::upstreamWaitP50, OverviewSeries.Point::upstreamWaitP99)));
        model.addAttribute("range", r.wireName());
        model.addAttribute(
                "charts",
                shown.stream()
                        .map(c -> Map.of("chart", c, "json", charts.toJson(c)))
                        .toList());
        long working = points.isEmpty()
                ? 0
                : points.stream()
                        .filter(p -> p.at().equals(points.getLast().at()))
                        .mapToLong(p -> p.queued() + p.running())
                        .sum();
        model.addAttribute("live", working > 0);
        if (caller.isAdmin()) {
            model.addAttribute("upstreams", upstreams.upstreams(false));
            model.addAttribute("nodes", nodes.findAll(node.deadBefore(now)));
        }
        return "overview";
    }

    private static Map<String, Function<OverviewSeries.Point, Object>> one(Function<OverviewSeries.Point, Object> f) {
        return Map.of("", f);
    }

    private static Map<String, Function<OverviewSeries.Point, Object>> pair(
            Function<OverviewSeries.Point, Object> p50, Function<OverviewSeries.Point, Object> p99) {
        Map<String, Function<OverviewSeries.Point, Object>> m = new LinkedHashMap<>();
        m.put("p50", p50);
        m.put("p99", p99);
        return m;
    }
}
