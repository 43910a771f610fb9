package dev.sluice.upstream;

import java.time.Duration;

/**
 * An upstream's refusal or failure, by what the queue should do about it. Caught only at the
 * dispatcher's loop boundary, which turns each kind into one state change.
 */
public abstract sealed class UpstreamException extends Exception {

    private final Integer httpStatus;

    UpstreamException(String message, Integer httpStatus, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /** The HTTP status the upstream answered, or null when there was no answer. */
    public Integer httpStatus() {
        return httpStatus;
    }

    /** Will fail again however often it is sent (e.g. 400, 401, a user error): the job fails. */
    public static final class Permanent extends UpstreamException {
        public Permanent(String message, Integer httpStatus) {
            super(message, httpStatus, null);
        }
    }

    /** May succeed later (5xx, timeout, connection error): retried with backoff, using an attempt. */
    public static final class Retryable extends UpstreamException {
        public Retryable(String message, Integer httpStatus, Throwable cause) {
            super(message, httpStatus, cause);
        }
    }

    /** Not accepted, try later (429, backpressure): back to the queue without using an attempt. */
    public static final class RateLimited extends UpstreamException {
        private final Duration retryAfter;

        public RateLimited(String message, Integer httpStatus, Duration retryAfter) {
            super(message, httpStatus, null);
            this.retryAfter = retryAfter;
        }

        public Duration retryAfter() {
            return retryAfter;
        }
    }
}
