package dev.sluice;

/** Lets tests in other packages reach {@link SluiceApplication}'s package-private checks. */
public final class SluiceApplicationAccess {

    private SluiceApplicationAccess() {}

    public static boolean emulatorRequested(String... args) {
        return SluiceApplication.emulatorRequested(args);
    }
}
