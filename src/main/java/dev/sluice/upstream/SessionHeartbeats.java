package dev.sluice.upstream;

import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.Pass;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Keeps the upstreams' sessions alive: every {@code sluice.session-heartbeat-interval} each
 * adapter sends its heartbeat (Tinker's; the others have none). A failed heartbeat is logged by
 * the adapter and does not hold back the others'.
 */
@Component
class SessionHeartbeats implements Background {

    private final Upstreams upstreams;
    private final UpstreamProperties properties;
    private final Loop loop;

    SessionHeartbeats(Upstreams upstreams, UpstreamProperties properties) {
        this.upstreams = upstreams;
        this.properties = properties;
        this.loop = new Loop("sluice-session-heartbeats", this::runOnce)
                .firstPassAfter(properties.sessionHeartbeatInterval());
    }

    /** Sends every upstream's heartbeat; done is how many upstreams. */
    Pass runOnce() {
        upstreams.names().forEach(name -> upstreams.get(name).heartbeat());
        return Pass.after(upstreams.names().size(), properties.sessionHeartbeatInterval());
    }

    @Override
    public List<Loop> loops() {
        return List.of(loop);
    }
}
