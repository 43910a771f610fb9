package dev.sluice.cli;

import picocli.CommandLine.Option;

/** {@code --output text|json}, which every command takes. */
final class OutputOption {

    enum Format {
        text,
        json
    }

    @Option(
            names = {"-O", "--output"},
            defaultValue = "text",
            description = "text (for people, the default) or json (Sluice's answer as it came)")
    Format format = Format.text;

    boolean json() {
        return format == Format.json;
    }
}
