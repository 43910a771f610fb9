package dev.sluice;

import dev.sluice.emulator.EmulatorApplication;
import java.util.ArrayList;
import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The shipped emulator, started in this JVM on a port of its own: one shared instance for the
 * tests (with an API key, so that Sluice is seen to send it), or a private one with other knobs.
 */
public final class EmulatorServer {

    public static final String API_KEY = "test-key";
    private static ConfigurableApplicationContext shared;

    private EmulatorServer() {}

    /** The shared emulator: 2 workers at 1,000 tokens/s each, API key {@link #API_KEY}. */
    public static synchronized String sharedUrl() {
        if (shared == null) {
            shared = start(
                    "--sluice.emulator.api-key=" + API_KEY,
                    "--sluice.emulator.workers=2",
                    "--sluice.emulator.tokens-per-second=1000");
        }
        return url(shared);
    }

    public static ConfigurableApplicationContext start(String... args) {
        // It stops at once when its test is done: graceful shutdown waited 30 s for an answer a
        // test had it trickle on purpose (BadAnswersTest).
        List<String> all = new ArrayList<>(
                List.of("--server.port=0", "--spring.main.banner-mode=off", "--server.shutdown=immediate"));
        all.addAll(List.of(args));
        return EmulatorApplication.run(all.toArray(String[]::new));
    }

    /** An emulator of one test class's own, started on first use with its settings, closed after the class. */
    public static final class Own implements AutoCloseable {
        private final String[] settings;
        private ConfigurableApplicationContext context;

        public Own(String... settings) {
            this.settings = settings;
        }

        public synchronized String url() {
            if (context == null) {
                context = start(settings);
            }
            return EmulatorServer.url(context);
        }

        /** Its HTTP API (stats, forced answers, reset). */
        public Api api() {
            return Api.emulator(Integer.parseInt(url().replaceAll(".*:", "")));
        }

        @Override
        public synchronized void close() {
            if (context != null) {
                context.close();
                context = null;
            }
        }
    }

    public static String url(ConfigurableApplicationContext emulator) {
        return "http://127.0.0.1:" + emulator.getEnvironment().getProperty("local.server.port");
    }
}
