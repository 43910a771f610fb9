package dev.sluice.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code sluice jobs --state failed}: jobs newest first, by filters. */
@Command(name = "jobs", mixinStandardHelpOptions = true, description = "List jobs, newest first.")
final class JobsCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Option(names = "--state", description = "one or more states, comma-separated (queued, ..., failed)")
    String state;

    @Option(names = "--batch", description = "a batch's jobs only")
    Long batch;

    @Option(names = "--priority", description = "high, normal or low")
    String priority;

    @Option(names = "--upstream", description = "one upstream's jobs")
    String upstream;

    @Option(names = "--model", description = "one model's jobs")
    String model;

    @Option(names = "--limit", defaultValue = "20", description = "how many (default 20, at most 1000)")
    int limit;

    @Override
    public Integer call() {
        List<String> q = new ArrayList<>();
        add(q, "state", state);
        add(q, "batch_id", batch == null ? null : batch.toString());
        add(q, "priority", priority);
        add(q, "upstream", upstream);
        add(q, "model", model);
        add(q, "limit", Integer.toString(limit));
        JsonNode page = cli.client().get("/api/v1/jobs?" + String.join("&", q));
        if (output.json()) {
            cli.out.println(page);
            return 0;
        }
        cli.out.printf(
                "%-10s %-8s %-12s %-12s %-7s %-14s %s%n",
                "ID", "BATCH", "CUSTOM_ID", "UPSTREAM", "PRIO", "STATE", "ERROR");
        for (JsonNode j : page.get("jobs").values()) {
            cli.out.printf(
                    "%-10d %-8s %-12s %-12s %-7s %-14s %s%n",
                    j.get("id").asLong(),
                    j.path("batch_id").isNull() ? "" : j.path("batch_id").asString(),
                    j.path("custom_id").isNull() ? "" : j.path("custom_id").asString(),
                    j.get("upstream").asString(),
                    j.get("priority").asString(),
                    j.get("state").asString(),
                    j.path("error").isNull() ? "" : j.path("error").asString());
        }
        if (!page.path("next_before").isNull()) {
            cli.out.println("(more: the API's GET /api/v1/jobs?before="
                    + page.get("next_before").asLong() + ")");
        }
        return 0;
    }

    private static void add(List<String> q, String name, String value) {
        if (value != null) {
            q.add(name + "=" + URLEncoder.encode(value, StandardCharsets.UTF_8));
        }
    }
}
