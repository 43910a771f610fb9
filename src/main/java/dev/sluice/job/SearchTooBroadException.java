package dev.sluice.job;

import java.time.Duration;

/** A job search that did not end within its time: its filters match too few of the rows it reads. */
public class SearchTooBroadException extends RuntimeException {

    private final Duration timeout;

    public SearchTooBroadException(Duration timeout) {
        super("the search read more than " + timeout.toMillis()
                + " ms of jobs without filling a page; narrow it with state, batch_id or created_after/created_before");
        this.timeout = timeout;
    }

    /** A search refused before it ran, for {@code why}. */
    public SearchTooBroadException(String why) {
        super(why);
        this.timeout = null;
    }

    /** The time the search had; null when it was refused before it ran. */
    public Duration timeout() {
        return timeout;
    }
}
