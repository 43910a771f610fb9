package dev.sluice.dashboard;

import dev.sluice.api.ApiProperties;
import dev.sluice.callback.CallbackRepository;
import dev.sluice.history.JobStatusHistory;
import dev.sluice.history.JobStatusHistoryRepository;
import dev.sluice.job.Job;
import dev.sluice.job.JobSearches;
import dev.sluice.job.JobService;
import dev.sluice.job.JobState;
import dev.sluice.project.AuditedActions;
import dev.sluice.project.Caller;
import java.time.Clock;
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
 * Jobs: a list by state, newest first; a job's page with its timeline drawn, every history row,
 * its result or error and its callbacks, and the cancel and retry buttons.
 */
@Controller
class JobPages {

    private static final int PAGE = 50;

    private final JobService jobs;
    private final JobStatusHistoryRepository history;
    private final CallbackRepository callbacks;
    private final AuditedActions actions;
    private final Charts charts;
    private final Clock clock;
    private final ApiProperties api;

    JobPages(
            JobService jobs,
            JobStatusHistoryRepository history,
            CallbackRepository callbacks,
            AuditedActions actions,
            Charts charts,
            Clock clock,
            ApiProperties api) {
        this.api = api;
        this.jobs = jobs;
        this.history = history;
        this.callbacks = callbacks;
        this.actions = actions;
        this.charts = charts;
        this.clock = clock;
    }

    @GetMapping("/ui/jobs")
    String list(
            @AuthenticationPrincipal Caller caller,
            @RequestParam(required = false) String state,
            @RequestParam(name = "batch_id", required = false) Long batchId,
            @RequestParam(required = false) Long before,
            Model model) {
        JobState only = null;
        for (JobState s : JobState.values()) {
            if (s.wireName().equals(state)) {
                only = s;
            }
        }
        List<JobSearches.JobSummary> page = jobs.search(
                new JobSearches.JobFilter(
                        caller.isAdmin() ? null : List.of(caller.project().id()),
                        only == null ? List.of(JobState.values()) : List.of(only),
                        null,
                        null,
                        null,
                        batchId,
                        null,
                        null,
                        null,
                        before == null ? Long.MAX_VALUE : before),
                PAGE + 1,
                api.searchTimeout());
        boolean more = page.size() > PAGE;
        List<JobSearches.JobSummary> shown = more ? page.subList(0, PAGE) : page;
        model.addAttribute("jobs", shown);
        model.addAttribute("state", only == null ? "" : only.wireName());
        model.addAttribute(
                "states",
                List.of(JobState.values()).stream().map(JobState::wireName).toList());
        model.addAttribute("next", more ? shown.getLast().id() : null);
        model.addAttribute("batchId", batchId);
        return "jobs";
    }

    @GetMapping("/ui/jobs/{id}")
    String job(@PathVariable long id, @AuthenticationPrincipal Caller caller, Model model) {
        Job job = jobs.get(id, caller.visibility());
        List<JobStatusHistory> rows = history.findByJobIdOrderByObservedAtAscOrdAscRowKeyAsc(id);
        Charts.Chart chart = JobTimeline.chart(job, rows, clock.instant());
        model.addAttribute("job", job);
        model.addAttribute("history", rows);
        model.addAttribute("segments", JobTimeline.segments(job, clock.instant()));
        model.addAttribute("chart", Map.of("chart", chart, "json", charts.toJson(chart)));
        model.addAttribute("callbacks", callbacks.findByJob(id));
        model.addAttribute("live", !job.state().isFinal());
        model.addAttribute(
                "cancellable",
                job.state() == JobState.QUEUED
                        || job.state() == JobState.CLAIMED
                        || job.state() == JobState.SUBMIT_UNKNOWN);
        model.addAttribute("retryable", job.state() == JobState.FAILED || job.state() == JobState.SUBMIT_UNKNOWN);
        return "job";
    }

    @PostMapping("/ui/jobs/{id}/cancel")
    String cancel(@PathVariable long id, @AuthenticationPrincipal Caller caller, RedirectAttributes flash) {
        boolean cancelled = actions.cancel(caller, id);
        flash.addFlashAttribute("notice", cancelled ? "Cancelled." : "Too late to cancel: it was already sent.");
        return "redirect:/ui/jobs/" + id;
    }

    @PostMapping("/ui/jobs/{id}/retry")
    String retry(@PathVariable long id, @AuthenticationPrincipal Caller caller, RedirectAttributes flash) {
        actions.retry(caller, id);
        flash.addFlashAttribute("notice", "Queued again, with fresh attempts.");
        return "redirect:/ui/jobs/" + id;
    }
}
