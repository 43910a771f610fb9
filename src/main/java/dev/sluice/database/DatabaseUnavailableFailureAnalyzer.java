package dev.sluice.database;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Turns a missing database server into one message that says what to do. */
class DatabaseUnavailableFailureAnalyzer extends AbstractFailureAnalyzer<DatabaseUnavailableException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, DatabaseUnavailableException cause) {
        return new FailureAnalysis(
                "Sluice needs PostgreSQL and could not use the one at " + cause.url() + ": "
                        + cause.getCause().getMessage(),
                "Start PostgreSQL on 127.0.0.1:5432 (for example `docker compose up -d db`, or your system's "
                        + "PostgreSQL service), or point Sluice at another server with SPRING_DATASOURCE_URL, "
                        + "SPRING_DATASOURCE_USERNAME and SPRING_DATASOURCE_PASSWORD. "
                        + "Sluice creates its database itself when the server is there.",
                cause);
    }
}
