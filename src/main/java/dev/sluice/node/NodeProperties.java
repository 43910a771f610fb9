package dev.sluice.node;

import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The cluster, under {@code sluice.nodes.*}.
 *
 * @param heartbeatInterval how often an instance renews its row and recounts the live ones
 *     (default 2 s): a joining instance makes the others lower their share within this
 * @param deadAfter an instance whose heartbeat is older is not counted (default 10 s): a dead
 *     instance's share goes to the others within this plus one heartbeat
 */
@Validated
@ConfigurationProperties("sluice.nodes")
public record NodeProperties(
        @DefaultValue("2s") @NotNull Duration heartbeatInterval,
        @DefaultValue("10s") @NotNull Duration deadAfter) {

    public NodeProperties {
        if (deadAfter.compareTo(heartbeatInterval.multipliedBy(2)) < 0) {
            throw new IllegalArgumentException("sluice.nodes.dead-after (" + deadAfter
                    + ") must be at least twice sluice.nodes.heartbeat-interval (" + heartbeatInterval + ")");
        }
    }
}
