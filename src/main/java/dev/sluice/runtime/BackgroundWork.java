package dev.sluice.runtime;

/**
 * A background component whose thread can die: {@link LoopHealth} reports the instance DOWN while
 * any has. A loop boundary catches what a pass throws and carries on, so only an {@link Error}
 * (which it lets through) ends one.
 */
public interface BackgroundWork {

    /** The component, as the health details name it. */
    String name();

    /** What ended it while it was meant to run, or null while it runs (or was stopped). */
    Throwable death();
}
