package dev.sluice.callback;

import dev.sluice.dispatch.DispatchProperties;
import dev.sluice.dispatch.Loop;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;

/** Runs {@link CallbackSender#runOnce} in a {@link Loop} wherever dispatch is enabled. */
@Component
class CallbackLoop implements SmartLifecycle {

    private final CallbackSender sender;
    private final DispatchProperties dispatch;
    private final Loop loop;

    CallbackLoop(CallbackSender sender, DispatchProperties dispatch, CallbackProperties properties) {
        this.sender = sender;
        this.dispatch = dispatch;
        this.loop = new Loop("sluice-callback-loop", sender::runOnce, properties.idleWait());
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
            sender.shutdown(dispatch.shutdownGrace());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public boolean isRunning() {
        return loop.isRunning();
    }
}
