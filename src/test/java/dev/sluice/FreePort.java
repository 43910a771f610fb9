package dev.sluice;

import java.io.IOException;
import java.net.ServerSocket;
import java.util.concurrent.ThreadLocalRandom;

/** A port for a child process to listen on. */
public final class FreePort {

    private FreePort() {}

    /**
     * A free port below the ephemeral range (32768 and up on Linux). A port the OS hands out for
     * listening is free at that moment, but in the seconds before the child JVM binds it an
     * outgoing connection may take it as its local port: pools reconnecting after a database
     * restart did, and an instance failed to start ("Port ... was already in use").
     */
    public static int get() throws IOException {
        for (int tries = 0; tries < 200; tries++) {
            int port = 20_000 + ThreadLocalRandom.current().nextInt(12_000);
            try (ServerSocket s = new ServerSocket(port)) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // In use: try another.
            }
        }
        throw new IOException("no free port between 20000 and 31999");
    }
}
