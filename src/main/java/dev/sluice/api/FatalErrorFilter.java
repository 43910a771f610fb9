package dev.sluice.api;

import dev.sluice.runtime.FatalErrors;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.stereotype.Component;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Spring MVC wraps an error thrown while handling a request in a {@link ServletException} and
 * answers 500, so an {@link OutOfMemoryError} there would be logged and lived with: this halts the
 * JVM on one instead ({@link FatalErrors}).
 */
@Component
@Order(Ordered.HIGHEST_PRECEDENCE)
class FatalErrorFilter extends OncePerRequestFilter {

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        try {
            chain.doFilter(request, response);
        } catch (ServletException | IOException | RuntimeException | Error e) {
            FatalErrors.haltIfFatal(e);
            throw e;
        }
    }
}
