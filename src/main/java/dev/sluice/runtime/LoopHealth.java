package dev.sluice.runtime;

import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * {@code /actuator/health} is DOWN while any background loop has died, so that a supervisor
 * restarts an instance that still answers HTTP but no longer claims, polls or heartbeats.
 */
@Component("loops")
class LoopHealth implements HealthIndicator {

    private final Loops loops;

    LoopHealth(Loops loops) {
        this.loops = loops;
    }

    @Override
    public Health health() {
        Map<String, Object> dead = new LinkedHashMap<>();
        for (Loop loop : loops.all()) {
            Throwable death = loop.death();
            if (death != null) {
                dead.put(loop.name(), "died: " + death);
            }
        }
        return dead.isEmpty()
                ? Health.up().withDetail("loops", loops.all().size()).build()
                : Health.down().withDetails(dead).build();
    }
}
