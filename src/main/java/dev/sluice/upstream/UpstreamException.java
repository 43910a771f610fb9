package dev.sluice.upstream;

import dev.sluice.job.UpstreamObservation;
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

    /**
     * Not accepted, try later (429, backpressure, Groq's 498): back to the queue without using an
     * attempt, and nothing more is sent to this upstream for {@code retryAfter}.
     */
    public static final class RateLimited extends UpstreamException {
        private final Duration retryAfter;
        private final UpstreamObservation observed;

        public RateLimited(String message, Integer httpStatus, Duration retryAfter) {
            this(message, httpStatus, retryAfter, null);
        }

        public RateLimited(String message, Integer httpStatus, Duration retryAfter, UpstreamObservation observed) {
            super(message, httpStatus, null);
            this.retryAfter = bounded(retryAfter);
            this.observed = observed;
        }

        /**
         * The longest wait an upstream may ask for. Its answer is outside input: a {@code
         * retry-after} of 10^300 seconds must not overflow a clock or park a job for ever.
         */
        public static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

        /** {@code d} within 0 and {@link #MAX_RETRY_AFTER}; a missing one is 1 s. */
        public static Duration bounded(Duration d) {
            if (d == null || d.isNegative()) {
                return d == null ? Duration.ofSeconds(1) : Duration.ZERO;
            }
            return d.compareTo(MAX_RETRY_AFTER) > 0 ? MAX_RETRY_AFTER : d;
        }

        public Duration retryAfter() {
            return retryAfter;
        }

        /** The answer's rate-limit headers, for the history; may be null. */
        public UpstreamObservation observed() {
            return observed;
        }
    }
}
