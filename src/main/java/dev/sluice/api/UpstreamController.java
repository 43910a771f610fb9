package dev.sluice.api;

import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * Upstreams (admin): each with its limits, this instance's share, what was sent in the last minute
 * and day, the jobs in flight, whether it is paused ({@link PauseController}), and its models.
 */
@RestController
@RequestMapping("/api/v1/upstreams")
class UpstreamController {

    private final UpstreamReport report;

    UpstreamController(UpstreamReport report) {
        this.report = report;
    }

    @GetMapping
    Map<String, List<UpstreamReport.UpstreamView>> list() {
        return Map.of("upstreams", report.upstreams());
    }
}
