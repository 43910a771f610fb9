package dev.sluice.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code sluice resume UPSTREAM [--model M]} (admin). */
@Command(
        name = "resume",
        mixinStandardHelpOptions = true,
        description = "Resume a paused upstream, or one of its models (admin key).")
final class ResumeCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "UPSTREAM")
    String upstream;

    @Option(names = "--model", description = "resume this model only")
    String model;

    @Override
    public Integer call() {
        JsonNode a = cli.client()
                .post(
                        "/api/v1/upstreams/"
                                + URLEncoder.encode(upstream, StandardCharsets.UTF_8)
                                        .replace("+", "%20") + "/resume",
                        model == null ? null : SluiceClient.JSON.writeValueAsString(Map.of("model", model)));
        if (output.json()) {
            cli.out.println(a);
        } else {
            cli.out.println((a.path("was_paused").asBoolean() ? "resumed " : "was not paused: ")
                    + upstream
                    + (model == null ? "" : " model " + model));
        }
        return 0;
    }
}
