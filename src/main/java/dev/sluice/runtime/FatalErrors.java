package dev.sluice.runtime;

import java.lang.management.ManagementFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * An instance out of memory ends at once, with exit status 3, so that its supervisor starts a
 * fresh one: a JVM that lives on after an {@link OutOfMemoryError} has lost threads at random
 * (claimers, poller, heartbeat, Tomcat's acceptor) and answers half or nothing while its health
 * may still say UP. The JVM option {@code -XX:+ExitOnOutOfMemoryError} does this at the point of
 * the error and every launcher Sluice ships sets it; this is the fallback where it is missing:
 * the default handler of uncaught errors, every loop boundary and the HTTP layer halt on it.
 */
@Component
public class FatalErrors {

    private static final Logger log = LoggerFactory.getLogger(FatalErrors.class);
    /** The status the JVM itself exits with under {@code -XX:+ExitOnOutOfMemoryError}. */
    public static final int EXIT_STATUS = 3;

    FatalErrors() {
        if (!ManagementFactory.getRuntimeMXBean().getInputArguments().contains("-XX:+ExitOnOutOfMemoryError")) {
            log.warn("started without -XX:+ExitOnOutOfMemoryError: an OutOfMemoryError that Sluice's own code"
                    + " does not see (e.g. inside a library's thread) could leave this instance half alive."
                    + " Start the JVM with that option (the README's commands and the Dockerfile do).");
        }
        Thread.UncaughtExceptionHandler previous = Thread.getDefaultUncaughtExceptionHandler();
        Thread.setDefaultUncaughtExceptionHandler((thread, error) -> {
            haltIfFatal(error);
            if (previous != null) {
                previous.uncaughtException(thread, error);
            } else {
                log.error("uncaught in thread {}", thread.getName(), error);
            }
        });
    }

    /** Halts the JVM when {@code error} is, or was caused by, an {@link OutOfMemoryError}; else returns. */
    public static void haltIfFatal(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                try {
                    System.err.println("sluice: out of memory; exiting with status " + EXIT_STATUS
                            + " for a supervisor to restart: " + t);
                } finally {
                    Runtime.getRuntime().halt(EXIT_STATUS);
                }
            }
            if (t.getCause() == t) {
                return;
            }
        }
    }
}
