package dev.sluice.dashboard;

import dev.sluice.project.Caller;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ModelAttribute;

/** What every dashboard page's model holds: the viewer (null on the sign-in page). */
@ControllerAdvice(basePackageClasses = DashboardModel.class)
class DashboardModel {

    @ModelAttribute("me")
    Viewer me(@AuthenticationPrincipal Caller caller) {
        return caller == null ? null : Viewer.of(caller);
    }
}
