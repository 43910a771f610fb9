package dev.sluice.job;

import java.util.List;

/** A request that breaks one or more rules; nothing of it was stored. */
public class InvalidJobException extends RuntimeException {

    private final List<Violation> violations;
    private final long violationCount;

    public InvalidJobException(List<Violation> violations) {
        this(violations, violations.size());
    }

    /** {@code violations} may be the first of {@code violationCount}, when there are very many. */
    public InvalidJobException(List<Violation> violations, long violationCount) {
        super(violationCount + " rule(s) broken, first: " + violations.getFirst());
        this.violations = List.copyOf(violations);
        this.violationCount = violationCount;
    }

    public List<Violation> violations() {
        return violations;
    }

    public long violationCount() {
        return violationCount;
    }
}
