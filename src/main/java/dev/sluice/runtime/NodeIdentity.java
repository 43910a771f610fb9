package dev.sluice.runtime;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * This instance's name as a lease owner: host, process id and a random suffix, so a restarted
 * process on the same host never mistakes its predecessor's leases for its own.
 */
@Component
public class NodeIdentity {

    private final String id;
    private final String host;
    private final long pid = ProcessHandle.current().pid();
    private final Instant startedAt;
    private final Duration deadAfter;

    NodeIdentity(@Value("${sluice.nodes.dead-after:10s}") Duration deadAfter, Clock clock) {
        this.deadAfter = deadAfter;
        this.startedAt = clock.instant();
        String name;
        try {
            name = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            name = "unknown-host";
        }
        this.host = name;
        this.id = host + ":" + pid + ":" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }

    public String host() {
        return host;
    }

    public long pid() {
        return pid;
    }

    public Instant startedAt() {
        return startedAt;
    }

    /**
     * An instance whose last heartbeat is older than this is dead ({@code sluice.nodes.dead-after}
     * before {@code now}): it is not counted in the shares, and its leases are taken over.
     */
    public Instant deadBefore(Instant now) {
        return now.minus(deadAfter);
    }
}
