package dev.sluice.api;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import org.apache.catalina.Container;
import org.apache.catalina.Valve;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.valves.ErrorReportValve;
import org.springframework.boot.tomcat.servlet.TomcatServletWebServerFactory;
import org.springframework.boot.web.server.WebServerFactoryCustomizer;
import org.springframework.core.Ordered;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Requests Tomcat refuses before Spring sees them (a path with an encoded NUL or backslash, a
 * malformed request line, a header too large) are answered as problem documents too, not with
 * Tomcat's HTML page: the host's error report valve is replaced by one that writes
 * {@code application/problem+json}. Runs after Spring Boot's own customizer, which adds that valve.
 */
@Component
class TomcatProblems implements WebServerFactoryCustomizer<TomcatServletWebServerFactory>, Ordered {

    @Override
    public void customize(TomcatServletWebServerFactory factory) {
        factory.addContextCustomizers(context -> {
            Container host = context.getParent();
            for (Valve valve : host.getPipeline().getValves()) {
                if (valve instanceof ErrorReportValve) {
                    host.getPipeline().removeValve(valve);
                }
            }
            host.getPipeline().addValve(new ProblemValve());
            // And the host, as it starts, must not add a plain one of its own beside it.
            if (host instanceof StandardHost standard) {
                standard.setErrorReportValveClass(ProblemValve.class.getName());
            }
        });
    }

    @Override
    public int getOrder() {
        return Ordered.LOWEST_PRECEDENCE;
    }

    /** Writes an error Tomcat raised itself as an RFC 9457 document, with no stack trace or server name. */
    public static final class ProblemValve extends ErrorReportValve {

        public ProblemValve() {
            setShowReport(false);
            setShowServerInfo(false);
        }

        @Override
        protected void report(Request request, Response response, Throwable throwable) {
            int status = response.getStatus();
            if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
                return;
            }
            HttpStatus known = HttpStatus.resolve(status);
            String title = known == null ? "Error" : known.getReasonPhrase();
            String rule = status == 400
                    ? "must be a well-formed HTTP request: the path may not hold encoded control characters or"
                            + " backslashes, and the request line and headers must be within the server's limits"
                    : title;
            String body = "{\"type\":\"https://sluice.dev/problems/http-" + status + "\",\"title\":\"" + title
                    + "\",\"status\":" + status + ",\"detail\":\"the server refused the request before reading it; "
                    + "nothing was stored\",\"errors\":[{\"field\":\"(request)\",\"rule\":\"" + rule + "\"}]}";
            try {
                response.setContentType("application/problem+json");
                response.setCharacterEncoding(StandardCharsets.UTF_8.name());
                Writer out = response.getReporter();
                if (out != null) {
                    out.write(body);
                    response.finishResponse();
                }
            } catch (IOException | IllegalStateException e) {
                // The client went away, or the response was already sent: nothing left to say.
            }
        }
    }
}
