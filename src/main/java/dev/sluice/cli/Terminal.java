package dev.sluice.cli;

import java.io.Console;

/** Whether the CLI talks to a person at a terminal: progress bars and a live {@code top} then. */
final class Terminal {

    private Terminal() {}

    static boolean isInteractive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            // Java 22 and later give a Console even when not on a terminal, and say which.
            return (Boolean) Console.class.getMethod("isTerminal").invoke(console);
        } catch (ReflectiveOperationException onJava21) {
            return true;
        }
    }
}
