package dev.sluice.job;

/**
 * A project's limit forbids the request (a priority it may not use, a batch larger than it may
 * send): answered 403 naming the limit, and nothing is stored.
 */
public class ProjectLimitException extends RuntimeException {

    private final String limit;

    public ProjectLimitException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** The limit's name, as the project shows it ({@code allowed_priorities}, {@code max_batch_jobs}). */
    public String limit() {
        return limit;
    }
}
