package dev.sluice.job;

/** A project's queue limit would be passed: answered 429 naming the limit, and nothing is stored. */
public class QueueLimitException extends RuntimeException {

    private final long limit;

    QueueLimitException(long limit, long queued, long adding) {
        super("the project may have at most " + limit + " jobs queued (max_queued); it has "
                + (queued > limit ? "more than " + limit : queued) + " and this request adds " + adding);
        this.limit = limit;
    }

    public long limit() {
        return limit;
    }
}
