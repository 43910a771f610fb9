package dev.sluice.callback;

import dev.sluice.dispatch.DispatchProperties;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** The thin scheduler around {@link CallbackSender#runOnce}; runs where dispatch is enabled. */
@Component
class CallbackLoop implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(CallbackLoop.class);
    private static final Duration ERROR_PAUSE = Duration.ofSeconds(1);

    private final CallbackSender sender;
    private final DispatchProperties dispatch;
    private final CallbackProperties properties;
    private Thread thread;
    private volatile boolean running;

    CallbackLoop(CallbackSender sender, DispatchProperties dispatch, CallbackProperties properties) {
        this.sender = sender;
        this.dispatch = dispatch;
        this.properties = properties;
    }

    @Override
    public void start() {
        if (!dispatch.enabled()) {
            return;
        }
        running = true;
        thread = Thread.ofPlatform().name("sluice-callback-loop").daemon().start(this::loop);
    }

    private void loop() {
        while (running) {
            try {
                if (sender.runOnce() == 0) {
                    Thread.sleep(properties.idleWait());
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("callback sender failed; retrying in {}", ERROR_PAUSE, e);
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
                sender.shutdown(dispatch.shutdownGrace());
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
