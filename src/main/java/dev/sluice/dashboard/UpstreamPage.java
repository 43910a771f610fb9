package dev.sluice.dashboard;

import dev.sluice.api.UpstreamReport;
import dev.sluice.pause.Pauses;
import dev.sluice.project.AuditLog;
import dev.sluice.project.Caller;
import dev.sluice.upstream.Upstreams;
import java.util.LinkedHashMap;
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
 * Upstreams (admin): limits, usage in the last minute and day, per model too, and whether each is
 * paused, with the pause and resume buttons (the same pauses as POST /api/v1/upstreams/{name}/pause,
 * audited alike).
 */
@Controller
class UpstreamPage {

    /** As the API takes them (PauseController). */
    private static final int MAX_TEXT = 500;

    private final UpstreamReport report;
    private final Upstreams upstreams;
    private final Pauses pauses;
    private final AuditLog audit;

    UpstreamPage(UpstreamReport report, Upstreams upstreams, Pauses pauses, AuditLog audit) {
        this.report = report;
        this.upstreams = upstreams;
        this.pauses = pauses;
        this.audit = audit;
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
        if (!upstreams.contains(name) || tooLong(m) || tooLong(r)) {
            flash.addFlashAttribute(
                    "notice", "Nothing paused: no such upstream, or a field over " + MAX_TEXT + " characters.");
            return "redirect:/ui/upstreams";
        }
        pauses.pause(
                name,
                m,
                r,
                null,
                "key " + caller.keyId() + " of project " + caller.project().name());
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("model", m);
        detail.put("reason", r);
        detail.put("until", null);
        audit.record(caller, "upstream.pause", "upstream:" + name, detail);
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
        if (!upstreams.contains(name) || tooLong(m)) {
            flash.addFlashAttribute("notice", "Nothing resumed: no such upstream.");
            return "redirect:/ui/upstreams";
        }
        boolean was = pauses.resume(name, m);
        Map<String, Object> detail = new LinkedHashMap<>();
        detail.put("model", m);
        detail.put("was_paused", was);
        audit.record(caller, "upstream.resume", "upstream:" + name, detail);
        flash.addFlashAttribute(
                "notice", (was ? "Resumed " : "Was not paused: ") + name + (m == null ? "" : " model " + m) + ".");
        return "redirect:/ui/upstreams";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    private static boolean tooLong(String s) {
        return s != null && s.length() > MAX_TEXT;
    }
}
