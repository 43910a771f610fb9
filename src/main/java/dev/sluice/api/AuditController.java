package dev.sluice.api;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Violation;
import dev.sluice.project.AuditLog;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/** Who changed what (admin): cancels, retries, key and project changes, newest first. */
@RestController
class AuditController {

    private final AuditLog audit;

    AuditController(AuditLog audit) {
        this.audit = audit;
    }

    /** {@code target} (e.g. {@code job:42}) narrows it to one thing; {@code before} pages back by id. */
    @GetMapping("/api/v1/audit")
    Map<String, Object> audit(
            @RequestParam(required = false) String target,
            @RequestParam(defaultValue = "100") int limit,
            @RequestParam(required = false) Long before) {
        if (limit < 1 || limit > 1000) {
            throw new InvalidJobException(List.of(Violation.of("limit", "query parameter must be from 1 to 1000")));
        }
        if (target != null && target.length() > 300) {
            throw new InvalidJobException(
                    List.of(Violation.of("target", "query parameter must be at most 300 characters")));
        }
        List<AuditLog.Event> events = audit.find(target, before == null ? Long.MAX_VALUE : before, limit);
        Map<String, Object> page = new java.util.LinkedHashMap<>();
        page.put("events", events);
        page.put("next_before", events.size() == limit ? events.getLast().id() : null);
        return page;
    }
}
