package dev.sluice.callback;

/** Builds {@link CallbackTargets} for unit tests in other packages. */
public final class CallbackTargetsAccess {

    private CallbackTargetsAccess() {}

    public static CallbackTargets of(CallbackProperties properties) {
        return new CallbackTargets(properties);
    }
}
