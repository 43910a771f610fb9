package dev.sluice.api;

import dev.sluice.job.InvalidJobException;
import dev.sluice.job.Violation;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;

/**
 * The query parameters lists share, checked together: every broken rule is named at once, and a
 * list request with any of them answers 400 before it reads anything.
 */
final class ListParams {

    private final List<Violation> violations = new ArrayList<>();

    /** An RFC 3339 time ({@code 2026-12-01T06:00:00Z} or with an offset), or null when absent. */
    Instant time(String name, String value) {
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value).toInstant();
        } catch (DateTimeParseException e) {
            violations.add(Violation.of(name, "query parameter must be an RFC 3339 time such as 2026-12-01T06:00:00Z"));
            return null;
        }
    }

    /** The page size, from 1 to {@code max}. */
    int limit(int value, int max) {
        if (value < 1 || value > max) {
            violations.add(Violation.of("limit", "query parameter must be from 1 to " + max));
        }
        return value;
    }

    /** The cursor: the {@code next_before} of the page before; absent for the first page. */
    long before(Long value) {
        if (value == null) {
            return Long.MAX_VALUE;
        }
        if (value < 1) {
            violations.add(Violation.of("before", "query parameter must be a next_before from an earlier page"));
        }
        return value;
    }

    void add(String field, String rule) {
        violations.add(Violation.of(field, rule));
    }

    /** Throws the 400 naming every broken rule, if any. */
    void check() {
        if (!violations.isEmpty()) {
            throw new InvalidJobException(violations);
        }
    }
}
