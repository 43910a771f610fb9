package dev.sluice.door.tinker;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The Tinker door, under {@code sluice.doors.tinker.*}.
 *
 * @param defaultUpstream the upstream of a base model that no tinker upstream lists under {@code
 *     sluice.upstreams.<name>.models}; by default {@code sluice.default-upstream} when that is of
 *     protocol tinker, else none (such a model is refused, naming those there are)
 * @param longPoll how long {@code retrieve_future} waits for an unfinished job before it answers
 *     408 (default 5 s); a client that polls again at once only starts another wait
 */
@Validated
@ConfigurationProperties("sluice.doors.tinker")
record TinkerDoorProperties(
        String defaultUpstream, @DefaultValue("5s") @NotNull Duration longPoll) {

    TinkerDoorProperties {
        if (defaultUpstream != null && defaultUpstream.isBlank()) {
            defaultUpstream = null;
        }
        if (!longPoll.isPositive() || longPoll.compareTo(Duration.ofSeconds(60)) > 0) {
            throw new IllegalArgumentException(
                    "sluice.doors.tinker.long-poll must be from 1 ms to 60 s, was " + longPoll);
        }
    }
}
