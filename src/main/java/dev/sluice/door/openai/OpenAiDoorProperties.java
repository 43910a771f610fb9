package dev.sluice.door.openai;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The OpenAI door, under {@code sluice.doors.openai.*}.
 *
 * @param defaultUpstream the upstream of a request whose model no upstream lists under {@code
 *     sluice.upstreams.<name>.models}: an upstream of protocol {@code openai} or {@code noop}; by
 *     default {@code sluice.default-upstream} when that is of protocol openai, else none (such a
 *     request is refused, naming the models there are)
 * @param hold how long a chat, completion or embedding request is held open waiting for its job
 *     (default 50 s); a job not done by then is answered 408 with {@code Retry-After}, which the
 *     official SDKs retry, and the retry waits for the same job. Never longer than the client's
 *     own read timeout ({@code X-Stainless-Read-Timeout}) less 2 s
 * @param expiryInterval how often batches past their completion window are looked for (default
 *     10 s)
 */
@Validated
@ConfigurationProperties("sluice.doors.openai")
record OpenAiDoorProperties(
        String defaultUpstream,
        @DefaultValue("50s") @NotNull Duration hold,
        @DefaultValue("10s") @NotNull Duration expiryInterval) {

    OpenAiDoorProperties {
        if (defaultUpstream != null && defaultUpstream.isBlank()) {
            defaultUpstream = null;
        }
        if (!hold.isPositive() || !expiryInterval.isPositive()) {
            throw new IllegalArgumentException("sluice.doors.openai.hold and expiry-interval must be positive, were "
                    + hold + " and " + expiryInterval);
        }
    }
}
