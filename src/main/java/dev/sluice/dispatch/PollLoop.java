package dev.sluice.dispatch;

import dev.sluice.runtime.LoopLifecycle;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** Runs {@link UpstreamPoller#runOnce} in the background. */
@Component
class PollLoop extends LoopLifecycle {

    private final UpstreamPoller poller;

    PollLoop(UpstreamPoller poller, DispatchProperties dispatch, PollProperties properties) {
        super("sluice-poll-loop", poller::runOnce, properties.idleWait(), dispatch.enabled(), dispatch.shutdownGrace());
        this.poller = poller;
    }

    @Override
    protected boolean finishStartedWork(Duration grace) throws InterruptedException {
        return poller.shutdown(grace);
    }
}
