package dev.sluice.dashboard;

import dev.sluice.api.ApiProperties;
import dev.sluice.batch.BatchActions;
import dev.sluice.batch.BatchCatalog;
import dev.sluice.batch.BatchProgress;
import dev.sluice.job.JobRepository;
import dev.sluice.job.JobSearches;
import dev.sluice.job.JobService;
import dev.sluice.job.JobState;
import dev.sluice.project.Caller;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Batches: the list with progress bars, counts and ETA; a batch's page with its progress over
 * time, the distribution of its jobs' waits, its jobs, and the cancel and retry-failed buttons.
 */
@Controller
class BatchPages {

    private static final int PAGE = 25;
    /** The largest batch whose page counts its jobs at each load (and refresh). */
    private static final long LIVE_COUNT_MAX = 100_000;
    /** The finished jobs a batch's wait distribution is drawn from: its latest. */
    private static final int WAIT_SAMPLE = 5_000;

    private final BatchCatalog catalog;
    private final BatchProgress progress;
    private final BatchActions actions;
    private final JobService jobs;
    private final JobRepository jobRows;
    private final Charts charts;
    private final ApiProperties api;

    BatchPages(
            BatchCatalog catalog,
            BatchProgress progress,
            BatchActions actions,
            JobService jobs,
            JobRepository jobRows,
            Charts charts,
            ApiProperties api) {
        this.api = api;
        this.catalog = catalog;
        this.progress = progress;
        this.actions = actions;
        this.jobs = jobs;
        this.jobRows = jobRows;
        this.charts = charts;
    }

    @GetMapping("/ui/batches")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String state,
            @RequestParam(required = false) Long before,
            Model model) {
        BatchCatalog.State filter = state == null || state.isEmpty() ? null : BatchCatalog.State.fromWire(state);
        List<BatchCatalog.Summary> page = catalog.list(
                caller.visibility(),
                new BatchCatalog.Filter(filter, null, null, before == null ? Long.MAX_VALUE : before),
                PAGE + 1);
        boolean more = page.size() > PAGE;
        List<BatchCatalog.Summary> shown = more ? page.subList(0, PAGE) : page;
        model.addAttribute("batches", shown);
        model.addAttribute("state", filter == null ? "" : filter.wireName());
        model.addAttribute("next", more ? shown.getLast().id() : null);
        model.addAttribute(
                "live",
                shown.stream()
                        .anyMatch(b ->
                                b.state() == BatchCatalog.State.RUNNING || b.state() == BatchCatalog.State.CANCELLING));
        return "batches";
    }

    @GetMapping("/ui/batches/{id}")
    String batch(
            @PathVariable long id,
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String state,
            Model model) {
        BatchCatalog.Summary batch = catalog.get(id, caller.visibility());
        // Counting reads every job of the batch: a big one shows the tracker's counts instead.
        BatchProgress.Status now = batch.jobCount() <= LIVE_COUNT_MAX
                ? progress.status(id, caller.visibility())
                : BatchProgress.Status.of(batch);
        List<BatchCatalog.Point> points = catalog.progress(id, Instant.EPOCH, 500);
        List<List<Object>> data = new ArrayList<>();
        data.add(points.stream().map(p -> (Object) p.at().getEpochSecond()).toList());
        data.add(points.stream().map(p -> (Object) p.counts().queued()).toList());
        data.add(points.stream().map(p -> (Object) p.counts().running()).toList());
        data.add(points.stream().map(p -> (Object) p.counts().succeeded()).toList());
        data.add(points.stream().map(p -> (Object) p.counts().failed()).toList());
        data.add(points.stream().map(p -> (Object) p.counts().cancelled()).toList());
        Charts.Chart chart = new Charts.Chart(
                "progress",
                "Progress over time",
                "jobs",
                List.of("queued", "running", "succeeded", "failed", "cancelled"),
                data,
                false);
        JobState only = state == null || state.isEmpty() ? null : parse(state);
        List<JobSearches.JobSummary> first = jobs.search(
                new JobSearches.JobFilter(
                        null,
                        only == null ? List.of(JobState.values()) : List.of(only),
                        null,
                        null,
                        null,
                        id,
                        null,
                        null,
                        null,
                        Long.MAX_VALUE),
                50,
                api.searchTimeout());
        model.addAttribute("batch", batch);
        model.addAttribute("now", now);
        model.addAttribute(
                "counts",
                now.counts().entrySet().stream()
                        .map(e -> Map.of("state", e.getKey().wireName(), "n", e.getValue()))
                        .toList());
        model.addAttribute("chart", Map.of("chart", chart, "json", charts.toJson(chart)));
        model.addAttribute("waits", WaitHistogram.of(jobRows.waitsInBatch(id, WAIT_SAMPLE)));
        model.addAttribute("jobs", first);
        model.addAttribute("state", only == null ? "" : only.wireName());
        model.addAttribute("live", !now.finished());
        model.addAttribute("failed", now.counts().getOrDefault(JobState.FAILED, 0L));
        return "batch";
    }

    @PostMapping("/ui/batches/{id}/cancel")
    String cancel(@PathVariable long id, @AuthenticationPrincipal Caller caller, RedirectAttributes flash) {
        BatchActions.Outcome o = actions.cancel(caller, id);
        flash.addFlashAttribute("notice", "Cancelled " + o.jobs() + " job(s) not yet sent.");
        return "redirect:/ui/batches/" + id;
    }

    @PostMapping("/ui/batches/{id}/retry-failed")
    String retryFailed(@PathVariable long id, @AuthenticationPrincipal Caller caller, RedirectAttributes flash) {
        BatchActions.Outcome o = actions.retryFailed(caller, id);
        flash.addFlashAttribute("notice", "Queued " + o.jobs() + " failed job(s) again.");
        return "redirect:/ui/batches/" + id;
    }

    private static JobState parse(String state) {
        for (JobState s : JobState.values()) {
            if (s.wireName().equals(state)) {
                return s;
            }
        }
        return null;
    }
}
