package dev.sluice;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A webhook receiver on a random local port: records every request (headers and raw body) and
 * answers 500 to the first {@link #failFirst} of them, 200 after; or, as a hostile receiver, with
 * an endless body ({@link #answerEndlessly}) or one that trickles in ({@link #trickle}).
 */
public final class CallbackReceiver implements AutoCloseable {

    public record Received(Map<String, List<String>> headers, byte[] body) {
        public String header(String name) {
            return headers.entrySet().stream()
                    .filter(e -> e.getKey().equalsIgnoreCase(name))
                    .map(e -> e.getValue().getFirst())
                    .findFirst()
                    .orElse(null);
        }
    }

    private enum Mode {
        NORMAL,
        ENDLESS,
        TRICKLE
    }

    public final List<Received> received = new CopyOnWriteArrayList<>();
    public final AtomicInteger failFirst = new AtomicInteger();
    /** Bytes of answer bodies written that the client took (a write to a closed connection fails). */
    public final AtomicLong answerBytesWritten = new AtomicLong();

    private final HttpServer server;
    private final java.util.concurrent.ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().daemon().factory());
    private volatile Mode mode = Mode.NORMAL;
    private volatile Duration trickleEvery = Duration.ofMillis(50);

    public CallbackReceiver() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // Each request on its own thread, so that a slow answer never queues the next request.
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", this::handle);
        server.start();
    }

    /** Answers 200 with a body that never ends (until the client hangs up, or 4 GB). */
    public void answerEndlessly() {
        mode = Mode.ENDLESS;
    }

    /** Answers 200 at once, then its body one byte every {@code every}, until the client hangs up. */
    public void trickle(Duration every) {
        trickleEvery = every;
        mode = Mode.TRICKLE;
    }

    private void handle(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        received.add(new Received(Map.copyOf(exchange.getRequestHeaders()), body));
        try {
            switch (mode) {
                case NORMAL -> {
                    exchange.sendResponseHeaders(failFirst.getAndDecrement() > 0 ? 500 : 200, -1);
                    exchange.close();
                }
                case ENDLESS -> {
                    exchange.sendResponseHeaders(200, 0);
                    byte[] chunk = new byte[64 * 1024];
                    java.util.Arrays.fill(chunk, (byte) 'x');
                    OutputStream out = exchange.getResponseBody();
                    try (exchange) {
                        for (long sent = 0; sent < (4L << 30); sent += chunk.length) {
                            out.write(chunk);
                            answerBytesWritten.addAndGet(chunk.length);
                        }
                    }
                }
                case TRICKLE -> {
                    exchange.sendResponseHeaders(200, 0);
                    trickleOn(exchange);
                    return; // the exchange stays open: the ticker writes to it, and closes it
                }
            }
        } catch (IOException e) {
            // The client hung up: what a hostile receiver wants to see.
        }
    }

    /** Writes one byte to the exchange's body every {@link #trickleEvery} until the client hangs up. */
    private void trickleOn(HttpExchange exchange) {
        OutputStream out = exchange.getResponseBody();
        java.util.concurrent.atomic.AtomicReference<java.util.concurrent.ScheduledFuture<?>> ticking =
                new java.util.concurrent.atomic.AtomicReference<>();
        ticking.set(ticker.scheduleAtFixedRate(
                () -> {
                    try {
                        out.write('x');
                        out.flush();
                        answerBytesWritten.incrementAndGet();
                    } catch (IOException e) {
                        exchange.close();
                        ticking.get().cancel(false);
                    }
                },
                0,
                trickleEvery.toMillis(),
                java.util.concurrent.TimeUnit.MILLISECONDS));
    }

    public String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        server.stop(0);
    }
}
