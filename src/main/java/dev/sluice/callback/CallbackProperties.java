package dev.sluice.callback;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * Completion callbacks, under {@code sluice.callbacks.*}.
 *
 * @param secret the HMAC-SHA256 key that signs every callback; without one, jobs with a
 *     {@code callback_url} are refused (400), since receivers could not tell Sluice's calls from
 *     anyone's
 * @param maxAttempts deliveries tried per callback before it is marked failed (default 10)
 * @param retryBaseDelay wait before the second try; doubled each time, with jitter (default 1 s)
 * @param retryMaxDelay the ceiling of that wait (default 10 min)
 * @param timeout longest time one attempt may take, from connecting to the last byte of the
 *     receiver's answer (default 10 s)
 * @param batchSize most due deliveries leased by one statement (default 50)
 * @param maxConcurrent deliveries in progress at once on one instance (default 32)
 * @param lease how long a leased delivery is held before another instance may take it (default 1 min)
 * @param idleWait how long the sender waits when nothing is due (default 500 ms)
 * @param allowPrivateNetworks whether callbacks may go to loopback, private and unique-local
 *     addresses and to names of this machine or a private network (default false: only public
 *     hosts; see {@link CallbackTargets}). Link-local (cloud metadata), multicast and unspecified
 *     addresses stay refused. For tests and private deployments whose receivers live inside.
 * @param answerPrefix how much of a receiver's answer is read, and kept with the attempt (default
 *     and most 1KB); the rest is never read
 */
@Validated
@ConfigurationProperties("sluice.callbacks")
public record CallbackProperties(
        String secret,
        @DefaultValue("10") @Min(1) int maxAttempts,
        @DefaultValue("1s") @NotNull Duration retryBaseDelay,
        @DefaultValue("10m") @NotNull Duration retryMaxDelay,
        @DefaultValue("10s") @NotNull Duration timeout,
        @DefaultValue("50") @Min(1) int batchSize,
        @DefaultValue("32") @Min(1) int maxConcurrent,
        @DefaultValue("1m") @NotNull Duration lease,
        @DefaultValue("500ms") @NotNull Duration idleWait,
        @DefaultValue("false") boolean allowPrivateNetworks,
        @DefaultValue("1KB") @NotNull DataSize answerPrefix) {

    /** The most of an answer ever kept. */
    public static final DataSize MAX_ANSWER_PREFIX = DataSize.ofKilobytes(1);

    public CallbackProperties {
        // An attempt ends by its deadline (timeout), with this much of the lease to spare, so that
        // no other instance takes the delivery over while the attempt may still be sending.
        if (lease.compareTo(timeout.plus(leaseMargin(lease))) <= 0) {
            throw new IllegalArgumentException("sluice.callbacks.lease (" + lease
                    + ") must be longer than sluice.callbacks.timeout (" + timeout + ") and a tenth of itself");
        }
        if (answerPrefix.toBytes() < 0 || answerPrefix.toBytes() > MAX_ANSWER_PREFIX.toBytes()) {
            throw new IllegalArgumentException(
                    "sluice.callbacks.answer-prefix must be between 0B and 1KB, was " + answerPrefix);
        }
    }

    /** What an attempt leaves of its lease unused, at least: a tenth of it. */
    static Duration leaseMargin(Duration lease) {
        return lease.dividedBy(10);
    }

    public boolean signing() {
        return secret != null && !secret.isEmpty();
    }
}
