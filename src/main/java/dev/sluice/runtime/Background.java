package dev.sluice.runtime;

import java.time.Duration;
import java.util.List;

/**
 * A component that works in the background: it exposes {@code runOnce()} and runs it on its
 * {@link Loop}s, which {@link Loops} starts with the application, in its {@link #stage()}, and stops
 * with it.
 */
public interface Background {

    /** When it starts and stops; most work is {@link Stage#WORK}. */
    default Stage stage() {
        return Stage.WORK;
    }

    /** Its loops, made once; none where the component does not run on this instance. */
    List<Loop> loops();

    /**
     * Called once its loops have ended: waits up to {@code grace} for the work they started (jobs
     * being sent, polls under way) and returns false if some is left.
     */
    default boolean finish(Duration grace) throws InterruptedException {
        return true;
    }

    /** How long a stopping instance gives this component's work to finish. */
    default Duration shutdownGrace() {
        return Duration.ofSeconds(5);
    }
}
