package dev.sluice.dashboard;

import dev.sluice.project.Caller;
import dev.sluice.project.DashboardSessions;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.stereotype.Controller;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;

/** Sign-in with an API key (a field named {@code key}), and sign-out. */
@Controller
class LoginPage {

    /** The longest key taken; a real one is 42 characters. */
    private static final int MAX_KEY = 200;

    private final DashboardSessions sessions;

    LoginPage(DashboardSessions sessions) {
        this.sessions = sessions;
    }

    @GetMapping("/login")
    String form(@AuthenticationPrincipal Caller caller) {
        return caller == null ? "login" : "redirect:/";
    }

    @PostMapping("/login")
    String signIn(
            @RequestParam(defaultValue = "") String key,
            HttpServletRequest request,
            HttpServletResponse response,
            Model model) {
        String[] refusal = {"a key is needed"};
        if (!key.isBlank() && key.length() <= MAX_KEY && sessions.signIn(request, key, refusal) != null) {
            return "redirect:/";
        }
        response.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        model.addAttribute("error", key.length() > MAX_KEY ? "that is not a Sluice key" : refusal[0]);
        return "login";
    }

    @PostMapping("/logout")
    String signOut(HttpServletRequest request) {
        sessions.signOut(request);
        return "redirect:/login";
    }
}
