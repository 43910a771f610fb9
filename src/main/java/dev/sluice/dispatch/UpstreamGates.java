package dev.sluice.dispatch;

import dev.sluice.upstream.UpstreamProperties;
import dev.sluice.upstream.Upstreams;
import io.github.resilience4j.ratelimiter.RateLimiterRegistry;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.stereotype.Component;

/** One {@link UpstreamGate} per configured upstream, built from its limits. */
@Component
public class UpstreamGates {

    private final Map<String, UpstreamGate> gates = new LinkedHashMap<>();

    UpstreamGates(Upstreams upstreams, DispatchProperties dispatch, RateLimiterRegistry registry) {
        for (String name : upstreams.names()) {
            UpstreamProperties.Config c = upstreams.config(name);
            gates.put(
                    name,
                    new UpstreamGate(
                            name,
                            c.requestsPerMinute(),
                            c.tokensPerMinute(),
                            c.maxInFlight(),
                            dispatch.maxTokenWait(),
                            dispatch.sendLead(),
                            c.models(),
                            registry));
        }
    }

    UpstreamGate get(String upstream) {
        return gates.get(upstream);
    }

    /** Gives this instance 1/{@code liveInstances} of every upstream's limits. */
    public void shareBetween(int liveInstances) {
        gates.values().forEach(g -> g.shareBetween(liveInstances));
    }

    /**
     * Sends nothing before {@code nanos} ({@link System#nanoTime()}): an instance that joins a
     * cluster waits until the others have lowered their shares.
     */
    public void holdUntil(long nanos) {
        gates.values().forEach(g -> g.holdUntil(nanos));
    }

    /**
     * Sends nothing after {@code nanos} ({@link System#nanoTime()}) until moved on: the moment the
     * others may count this instance out, its heartbeat being late.
     */
    public void sendUntil(long nanos) {
        gates.values().forEach(g -> g.sendUntil(nanos));
    }

    /** The live limits of every upstream, by name. */
    public Map<String, UpstreamGate.Snapshot> snapshot() {
        Map<String, UpstreamGate.Snapshot> out = new LinkedHashMap<>();
        gates.forEach((name, gate) -> out.put(name, gate.snapshot()));
        return out;
    }
}
