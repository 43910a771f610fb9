package dev.sluice.dispatch;

import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** The thin scheduler around {@link UpstreamPoller#runOnce}: passes back to back while polls are due. */
@Component
class PollLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private final UpstreamPoller poller;
    private final DispatchProperties dispatch;
    private final PollProperties properties;
    private Thread thread;
    private volatile boolean running;

    PollLoop(UpstreamPoller poller, DispatchProperties dispatch, PollProperties properties) {
        this.poller = poller;
        this.dispatch = dispatch;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!dispatch.enabled()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("sluice-poll-loop").daemon().start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                if (poller.runOnce() == 0) {
                    Thread.sleep(properties.idleWait());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("poller failed; retrying in {}", ERROR_PAUSE, e);
                try {
                    Thread.sleep(ERROR_PAUSE);
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    @Override
    public void stop() {
        running = false;
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(dispatch.shutdownGrace().toMillis());
                poller.shutdown(dispatch.shutdownGrace());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }
}
