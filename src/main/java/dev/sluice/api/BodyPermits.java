package dev.sluice.api;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * How many request bodies of one kind are read and checked at once, so that many large requests
 * together cannot exhaust memory. Single jobs and batches each have their own ({@code
 * sluice.api.max-concurrent-job-bodies}, {@code max-concurrent-batches}), so slow batch uploads
 * never hold up single jobs. A request that finds no room within {@link #WAIT} is answered 503
 * with Retry-After.
 */
public final class BodyPermits {

    static final Duration WAIT = Duration.ofSeconds(5);

    /** A taken permit; closing it gives it back. */
    public interface Permit extends AutoCloseable {
        @Override
        void close();
    }

    /** No room to read another body now. */
    public static final class BusyException extends RuntimeException {
        BusyException(String what) {
            super("too many " + what + " are being read at once; try again in a second");
        }
    }

    private final Semaphore pool;
    private final String what;

    public BodyPermits(int permits, String what) {
        this.pool = new Semaphore(permits, true);
        this.what = what;
    }

    public Permit take() {
        try {
            if (!pool.tryAcquire(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new BusyException(what);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BusyException(what);
        }
        return pool::release;
    }
}
