package dev.sluice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code sluice status BATCH}: a batch's counts per state, its state, rate and ETA. */
@Command(
        name = "status",
        mixinStandardHelpOptions = true,
        description = "Show a batch: counts per state, rate, ETA; with --wait, follow it to its end.")
final class StatusCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "BATCH", description = "the batch id")
    long batchId;

    @Option(names = "--wait", description = "follow the batch with a live bar until it ends (exit 3 if jobs failed)")
    boolean wait;

    @Option(names = "--interval", defaultValue = "1", description = "seconds between looks while waiting (default 1)")
    double interval;

    @Override
    public Integer call() throws InterruptedException {
        if (wait) {
            JsonNode end = BatchWatch.follow(cli, batchId, interval);
            if (output.json()) {
                cli.out.println(end);
            }
            return BatchWatch.exitCode(end);
        }
        JsonNode s = cli.client().get("/api/v1/batches/" + batchId);
        if (output.json()) {
            cli.out.println(s);
            return 0;
        }
        long total = s.get("total").asLong();
        cli.out.println("batch " + batchId + "  " + s.path("state").asString() + "  " + BatchWatch.done(s) + "/" + total
                + " done");
        s.get("counts")
                .properties()
                .forEach(e ->
                        cli.out.printf("  %-15s %d%n", e.getKey(), e.getValue().asLong()));
        if (s.hasNonNull("eta_s")) {
            cli.out.printf(
                    "  %.1f jobs/s, ETA %s%n",
                    s.get("jobs_per_second").asDouble(),
                    ProgressBar.duration(s.get("eta_s").asDouble()));
        }
        return 0;
    }
}
