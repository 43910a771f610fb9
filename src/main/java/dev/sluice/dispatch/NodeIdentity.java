package dev.sluice.dispatch;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.UUID;
import org.springframework.stereotype.Component;

/**
 * This instance's name as a lease owner: host, process id and a random suffix, so a restarted
 * process on the same host never mistakes its predecessor's leases for its own.
 */
@Component
public class NodeIdentity {

    private final String id;

    NodeIdentity() {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            host = "unknown-host";
        }
        this.id = host + ":" + ProcessHandle.current().pid() + ":"
                + UUID.randomUUID().toString().substring(0, 8);
    }

    public String id() {
        return id;
    }
}
