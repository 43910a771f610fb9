package dev.sluice.job;

/**
 * One broken rule in a request: the field (a JSON name, or a header/parameter name) and the rule
 * it breaks, and for a batch the 1-based line (NDJSON) or element (JSON array) it is on.
 */
public record Violation(Integer line, String field, String rule) {

    public static Violation of(String field, String rule) {
        return new Violation(null, field, rule);
    }

    public Violation onLine(int lineNumber) {
        return new Violation(lineNumber, field, rule);
    }
}
