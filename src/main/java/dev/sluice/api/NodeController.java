package dev.sluice.api;

import dev.sluice.dispatch.UpstreamGate;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.node.NodeProperties;
import dev.sluice.node.NodeRepository;
import dev.sluice.runtime.NodeIdentity;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** The cluster as the operator sees it: instances, their heartbeats and leases, and the shares. */
@RestController
class NodeController {

    private final NodeRepository nodes;
    private final NodeIdentity self;
    private final UpstreamGates gates;
    private final NodeProperties properties;
    private final Clock clock;

    NodeController(
            NodeRepository nodes, NodeIdentity self, UpstreamGates gates, NodeProperties properties, Clock clock) {
        this.nodes = nodes;
        this.self = self;
        this.gates = gates;
        this.properties = properties;
        this.clock = clock;
    }

    record ShareView(int share, long requestsPerMinute, long tokensPerMinute) {}

    record NodesView(String self, List<NodeRepository.Node> nodes, Map<String, ShareView> rateLimitShares) {}

    /**
     * Every registered instance (live or not yet forgotten) with its claimed and polled leases, and
     * the per-instance share of each upstream's limits: total / live instances.
     */
    @GetMapping("/api/v1/nodes")
    NodesView nodes() {
        List<NodeRepository.Node> all = nodes.findAll(clock.instant().minus(properties.deadAfter()));
        Map<String, ShareView> shares = new java.util.LinkedHashMap<>();
        gates.snapshot().forEach((name, g) -> shares.put(name, share(g)));
        return new NodesView(self.id(), all, shares);
    }

    private static ShareView share(UpstreamGate.Snapshot g) {
        return new ShareView(g.share(), g.requestsPerMinute() / g.share(), g.tokensPerMinute() / g.share());
    }
}
