package dev.sluice.node;

import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.dispatch.UpstreamGates;
import dev.sluice.runtime.Background;
import dev.sluice.runtime.Loop;
import dev.sluice.runtime.NodeIdentity;
import dev.sluice.runtime.Pass;
import dev.sluice.runtime.Stage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Registers this instance in {@code node}, heartbeats, counts the live instances and gives this one
 * its share of every upstream's limits. It starts before the claimers ({@link Stage#MEMBERSHIP}:
 * its first heartbeat, and so its share, is settled before any claim) and stops after them, deleting its row so the others
 * take over its share at the next heartbeat. Only instances that send jobs register: an API-only
 * instance ({@code sluice.dispatch.enabled=false}) takes no share.
 *
 * <p>How fast shares adapt: a joining instance counts itself and the others at once, and they
 * lower theirs within one heartbeat (2 s). So that the upstream never sees more than the limit
 * meanwhile, a joining instance that finds others sends nothing until every one of them has
 * heartbeated since it joined (a lone instance starts at once); so does one whose heartbeat was so
 * late that the others counted it out, and such an instance stops sending half a second before
 * they would.
 * A stopped instance's share moves at the others' next heartbeat; a killed one's after
 * {@code dead-after} (10 s) plus one heartbeat, during which the upstream sees less than the limit.
 */
@Component
class NodeRegistry implements Background {

    private static final Logger log = LoggerFactory.getLogger(NodeRegistry.class);

    private final NodeRepository nodes;
    private final Handback handback;
    private final NodeIdentity node;
    private final UpstreamGates gates;
    private final NodeProperties properties;
    private final DispatchProperties dispatch;
    private final Clock clock;
    private final Loop loop;
    private static final Duration MARGIN = Duration.ofMillis(500);

    private volatile int live = 1;
    private boolean first = true;
    private long lastBeat;
    /** When this instance (re)joined a cluster whose other members may not count it yet; null once all do. */
    private Instant joinedAt;

    NodeRegistry(
            NodeRepository nodes,
            Handback handback,
            NodeIdentity node,
            UpstreamGates gates,
            NodeProperties properties,
            DispatchProperties dispatch,
            Clock clock) {
        this.nodes = nodes;
        this.handback = handback;
        this.node = node;
        this.gates = gates;
        this.properties = properties;
        this.dispatch = dispatch;
        this.clock = clock;
        this.loop = new Loop("sluice-node-heartbeat", this::runOnce).firstPassOnStart();
    }

    /** Renews this instance's row, recounts the live ones and applies the share; done is the count. */
    public Pass runOnce() {
        Instant now = clock.instant();
        long beat = System.nanoTime();
        int count = nodes.heartbeat(
                node.id(), node.host(), node.pid(), node.startedAt(), now, now.minus(properties.deadAfter()));
        nodes.removeSilentSince(now.minus(properties.deadAfter().multipliedBy(30)));
        Instant counted = clock.instant(); // after this heartbeat's row was committed
        long deadAfter = properties.deadAfter().toNanos();
        if ((first || beat - lastBeat > deadAfter) && count > 1) {
            // New here, or counted out by the others meanwhile: they count this instance at their
            // next heartbeat, and until all have, it sends nothing (at most until any that has
            // not would itself be counted dead).
            joinedAt = counted;
            gates.holdUntil(beat + deadAfter);
        }
        if (joinedAt != null && nodes.unawareSince(node.id(), joinedAt, now.minus(properties.deadAfter())) == 0) {
            joinedAt = null;
            gates.holdUntil(System.nanoTime());
        }
        // Once this heartbeat is dead-after old, the others count this instance out and take its
        // share: by then it must have stopped sending.
        gates.sendUntil(beat + deadAfter - MARGIN.toNanos());
        first = false;
        lastBeat = beat;
        if (count != live) {
            log.info("{} live instance(s): this one now sends 1/{} of each upstream's limits", count, count);
        }
        live = count;
        gates.shareBetween(count);
        return Pass.after(count, properties.heartbeatInterval());
    }

    /** Live instances at the last heartbeat, this one included. */
    public int live() {
        return live;
    }

    @Override
    public Stage stage() {
        return Stage.MEMBERSHIP;
    }

    @Override
    public List<Loop> loops() {
        return dispatch.onlyWhereEnabled(loop);
    }

    /**
     * Runs after the claimers, poller and callback sender have stopped and had their grace period:
     * whatever this instance still holds is handed back, and its row removed, so the others take
     * over its work and its share at once.
     */
    @Override
    public boolean finish(Duration grace) {
        handback.releaseAll(node.id());
        nodes.remove(node.id());
        return true;
    }
}
