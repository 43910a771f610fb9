package dev.sluice.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code sluice pause UPSTREAM [--model M]}: nothing more is sent to it until resumed (admin). */
@Command(
        name = "pause",
        mixinStandardHelpOptions = true,
        description = "Pause an upstream, or one of its models (admin key).")
final class PauseCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "UPSTREAM")
    String upstream;

    @Option(names = "--model", description = "pause this model only")
    String model;

    @Option(names = "--reason", description = "why, for whoever looks")
    String reason;

    @Option(names = "--until", description = "resume by itself then (RFC 3339, such as 2026-12-01T12:00:00Z)")
    String until;

    @Override
    public Integer call() {
        Map<String, String> body = new LinkedHashMap<>();
        body.put("model", model);
        body.put("reason", reason);
        body.put("until", until);
        body.values().removeIf(v -> v == null);
        JsonNode a = cli.client()
                .post(
                        "/api/v1/upstreams/"
                                + URLEncoder.encode(upstream, StandardCharsets.UTF_8)
                                        .replace("+", "%20") + "/pause",
                        SluiceClient.JSON.writeValueAsString(body));
        cli.out.println(output.json() ? a.toString() : "paused " + upstream + (model == null ? "" : " model " + model));
        return 0;
    }
}
