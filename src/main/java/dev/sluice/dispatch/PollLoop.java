package dev.sluice.dispatch;

import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs {@link UpstreamPoller#runOnce} in a {@link Loop} wherever dispatch is enabled. */
@Component
class PollLoop implements SmartLifecycle {

    private final UpstreamPoller poller;
    private final DispatchProperties dispatch;
    private final Loop loop;

    PollLoop(UpstreamPoller poller, DispatchProperties dispatch, PollProperties properties) {
        this.poller = poller;
        this.dispatch = dispatch;
        this.loop = new Loop("sluice-poll-loop", poller::runOnce, properties.idleWait());
    }

    @Override
    public void start() {
        if (dispatch.enabled()) {
            loop.start();
        }
    }

    @Override
    public void stop() {
        loop.stop(dispatch.shutdownGrace());
        try {
            poller.shutdown(dispatch.shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
