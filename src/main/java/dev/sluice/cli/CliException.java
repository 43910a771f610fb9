package dev.sluice.cli;

/** A command that cannot go on: its message is printed and the CLI exits with {@code exitCode}. */
final class CliException extends RuntimeException {

    private final int exitCode;

    CliException(String message, int exitCode) {
        super(message);
        this.exitCode = exitCode;
    }

    int exitCode() {
        return exitCode;
    }
}
