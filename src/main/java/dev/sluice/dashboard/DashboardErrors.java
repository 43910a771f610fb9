package dev.sluice.dashboard;

import dev.sluice.batch.BatchNotFoundException;
import dev.sluice.job.JobNotFoundException;
import dev.sluice.job.JobStateConflictException;
import dev.sluice.job.ProjectLimitException;
import dev.sluice.job.QueueLimitException;
import dev.sluice.job.SearchTooBroadException;
import dev.sluice.project.KeyNotFoundException;
import jakarta.servlet.http.HttpServletResponse;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.ui.Model;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;

/**
 * What a page says when an action or a lookup cannot be done (a job already sent, a project at
 * its queue limit, no such batch): a page in words, with the status the API would answer, not the
 * API's problem document.
 */
@ControllerAdvice(basePackageClasses = DashboardErrors.class)
@Order(Ordered.HIGHEST_PRECEDENCE)
class DashboardErrors {

    @ExceptionHandler({JobNotFoundException.class, BatchNotFoundException.class, KeyNotFoundException.class})
    String notFound(RuntimeException e, HttpServletResponse response, Model model) {
        return page(HttpServletResponse.SC_NOT_FOUND, "Not found", e, response, model);
    }

    @ExceptionHandler(JobStateConflictException.class)
    String conflict(RuntimeException e, HttpServletResponse response, Model model) {
        return page(HttpServletResponse.SC_CONFLICT, "Not now", e, response, model);
    }

    @ExceptionHandler({QueueLimitException.class, ProjectLimitException.class})
    String limit(RuntimeException e, HttpServletResponse response, Model model) {
        return page(429, "A project limit is in the way", e, response, model);
    }

    @ExceptionHandler(SearchTooBroadException.class)
    String broad(RuntimeException e, HttpServletResponse response, Model model) {
        return page(422, "Search too broad", e, response, model);
    }

    private static String page(
            int status, String title, RuntimeException e, HttpServletResponse response, Model model) {
        response.setStatus(status);
        model.addAttribute("title", title);
        model.addAttribute("message", e.getMessage());
        model.addAttribute("status", status);
        return "error-page";
    }
}
