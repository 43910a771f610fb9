package dev.sluice.callback;

import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.runtime.LoopLifecycle;
import java.time.Duration;
import org.springframework.stereotype.Component;

/** Runs {@link CallbackSender#runOnce} in the background. */
@Component
class CallbackLoop extends LoopLifecycle {

    private final CallbackSender sender;

    CallbackLoop(CallbackSender sender, DispatchProperties dispatch, CallbackProperties properties) {
        super(
                "sluice-callback-loop",
                sender::runOnce,
                properties.idleWait(),
                dispatch.enabled(),
                dispatch.shutdownGrace());
        this.sender = sender;
    }

    @Override
    protected boolean finishStartedWork(Duration grace) throws InterruptedException {
        return sender.shutdown(grace);
    }
}
