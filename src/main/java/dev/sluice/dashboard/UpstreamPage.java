package dev.sluice.dashboard;

import dev.sluice.api.PauseActions;
import dev.sluice.api.UpstreamReport;
import dev.sluice.project.Caller;
import dev.sluice.upstream.Upstreams;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * Upstreams (admin): limits, usage in the last minute and day, per model too, and whether each is
 * paused, with the pause and resume buttons ({@link PauseActions}, as POST
 * /api/v1/upstreams/{name}/pause).
 */
@Controller
class UpstreamPage {

    private final UpstreamReport report;
    private final Upstreams upstreams;
    private final PauseActions actions;

    UpstreamPage(UpstreamReport report, Upstreams upstreams, PauseActions actions) {
        this.report = report;
        this.upstreams = upstreams;
        this.actions = actions;
    }

    @GetMapping("/ui/upstreams")
    String page(Model model) {
        model.addAttribute("upstreams", report.upstreams());
        model.addAttribute("live", true);
        return "upstreams";
    }

    @PostMapping("/ui/upstreams/{name}/pause")
    String pause(
            @PathVariable String name,
            @RequestParam(required = false) String model,
            @RequestParam(required = false) String reason,
            @AuthenticationPrincipal Caller caller,
            RedirectAttributes flash) {
        String m = blankToNull(model);
        String r = blankToNull(reason);
        if (!upstreams.contains(name) || tooLong(m, PauseActions.MAX_MODEL) || tooLong(r, PauseActions.MAX_REASON)) {
            flash.addFlashAttribute("notice", "Nothing paused: no such upstream, or a field too long.");
            return "redirect:/ui/upstreams";
        }
        actions.pause(caller, name, m, r, null);
        flash.addFlashAttribute("notice", "Paused " + name + (m == null ? "" : " model " + m) + ".");
        return "redirect:/ui/upstreams";
    }

    @PostMapping("/ui/upstreams/{name}/resume")
    String resume(
            @PathVariable String name,
            @RequestParam(required = false) String model,
            @AuthenticationPrincipal Caller caller,
            RedirectAttributes flash) {
        String m = blankToNull(model);
        if (!upstreams.contains(name) || tooLong(m, PauseActions.MAX_MODEL)) {
            flash.addFlashAttribute("notice", "Nothing resumed: no such upstream.");
            return "redirect:/ui/upstreams";
        }
        boolean was = actions.resume(caller, name, m);
        flash.addFlashAttribute(
                "notice", (was ? "Resumed " : "Was not paused: ") + name + (m == null ? "" : " model " + m) + ".");
        return "redirect:/ui/upstreams";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static boolean tooLong(String s, int max) {
        return s != null && s.length() > max;
    }
}
