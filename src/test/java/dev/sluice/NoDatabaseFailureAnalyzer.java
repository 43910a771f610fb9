package dev.sluice;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Prints {@link TestDatabase.NoDatabaseException} as one message, without a stack trace. */
class NoDatabaseFailureAnalyzer extends AbstractFailureAnalyzer<TestDatabase.NoDatabaseException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, TestDatabase.NoDatabaseException cause) {
        return new FailureAnalysis(
                "Sluice needs PostgreSQL and found none: SLUICE_TEST_DB_URL is not set, no Docker engine answers, "
                        + "and nothing listens on 127.0.0.1:5432.",
                TestDatabase.NoDatabaseException.WHAT_TO_DO.strip(),
                cause);
    }
}
