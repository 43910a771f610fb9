package dev.sluice.dashboard;

import dev.sluice.project.Caller;
import dev.sluice.project.KeyService;
import dev.sluice.project.Project;
import dev.sluice.project.Scope;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/** Keys (admin): the list, a form to make one (shown once), and revoking. */
@Controller
class KeysPage {

    private final KeyService keys;
    private final Clock clock;

    KeysPage(KeyService keys, Clock clock) {
        this.keys = keys;
        this.clock = clock;
    }

    @GetMapping("/ui/keys")
    String page(Model model) {
        model.addAttribute("keys", keys.list());
        model.addAttribute("scopes", Scope.wireNames());
        return "keys";
    }

    @PostMapping("/ui/keys")
    String make(
            @RequestParam(defaultValue = "") String project,
            @RequestParam(defaultValue = "") String name,
            @RequestParam(required = false) List<String> scopes,
            @RequestParam(name = "expires_at", defaultValue = "") String expiresAt,
            @AuthenticationPrincipal Caller caller,
            RedirectAttributes flash) {
        List<String> problems = new ArrayList<>();
        if (!Project.validName(project)) {
            problems.add("project " + Project.NAME_RULE);
        }
        if (name.isBlank() || name.length() > 100 || name.chars().anyMatch(Character::isISOControl)) {
            problems.add("name must be 1 to 100 characters, none of them a control character");
        }
        Set<Scope> chosen = EnumSet.noneOf(Scope.class);
        for (String s : scopes == null ? List.<String>of() : scopes) {
            Scope scope = Scope.fromWire(s);
            if (scope == null) {
                problems.add("scopes must be among " + Scope.wireNames());
            } else {
                chosen.add(scope);
            }
        }
        if (chosen.isEmpty()) {
            problems.add("scopes must name at least one of " + Scope.wireNames());
        }
        Instant expires = null;
        if (!expiresAt.isBlank()) {
            try {
                expires = OffsetDateTime.parse(expiresAt.strip()).toInstant();
                if (!expires.isAfter(clock.instant())) {
                    problems.add("expires_at must be in the future");
                } else if (expires.isAfter(Instant.parse("9999-12-31T23:59:59Z"))) {
                    problems.add("expires_at must be no later than 9999-12-31T23:59:59Z");
                }
            } catch (DateTimeParseException e) {
                problems.add("expires_at must be an RFC 3339 time such as 2027-01-01T00:00:00Z");
            }
        }
        if (!problems.isEmpty()) {
            flash.addFlashAttribute("problems", problems);
            return "redirect:/ui/keys";
        }
        KeyService.Made made = keys.create(caller, project, name.strip(), chosen, expires);
        flash.addFlashAttribute("made", made.key());
        flash.addFlashAttribute(
                "notice", "Made key " + made.stored().prefix() + "… for " + project + ". It is shown once.");
        return "redirect:/ui/keys";
    }

    @PostMapping("/ui/keys/{id}/revoke")
    String revoke(@PathVariable long id, @AuthenticationPrincipal Caller caller, RedirectAttributes flash) {
        boolean now = keys.revoke(caller, id);
        flash.addFlashAttribute("notice", now ? "Revoked key " + id + "." : "Key " + id + " was revoked already.");
        return "redirect:/ui/keys";
    }
}
