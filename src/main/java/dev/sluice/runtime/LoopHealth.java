package dev.sluice.runtime;

import java.util.LinkedHashMap;
import java.util.List;
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

    private final List<BackgroundWork> work;

    LoopHealth(List<BackgroundWork> work) {
        this.work = work;
    }

    @Override
    public Health health() {
        Map<String, Object> dead = new LinkedHashMap<>();
        for (BackgroundWork w : work) {
            Throwable death = w.death();
            if (death != null) {
                dead.put(w.name(), "died: " + death);
            }
        }
        return dead.isEmpty()
                ? Health.up().withDetail("loops", work.size()).build()
                : Health.down().withDetails(dead).build();
    }
}
