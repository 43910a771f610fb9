package dev.sluice.cli;

import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/**
 * {@code sluice top}: the queue by upstream and priority, with what is running and each
 * upstream's limits, redrawn every interval on a terminal (Ctrl-C ends it); once elsewhere.
 */
@Command(
        name = "top",
        mixinStandardHelpOptions = true,
        description = "Watch the queue by upstream and priority (the key's project; an admin key: everyone's).")
final class TopCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Option(names = "--interval", defaultValue = "2", description = "seconds between redraws (default 2)")
    double interval;

    @Option(names = "--once", description = "draw once and exit (the default when not on a terminal)")
    boolean once;

    @Override
    public Integer call() throws InterruptedException {
        boolean live = cli.terminal && !once && !output.json();
        do {
            JsonNode q = cli.client().get("/api/v1/queue?by_upstream=true");
            if (output.json()) {
                cli.out.println(q);
            } else {
                if (live) {
                    cli.out.print("\u001b[H\u001b[2J");
                }
                draw(q);
            }
            if (live) {
                Thread.sleep((long) (interval * 1000));
            }
        } while (live);
        return 0;
    }

    private void draw(JsonNode q) {
        String who = q.path("project").isNull() || q.path("project").isMissingNode()
                ? "every project"
                : q.get("project").asString();
        cli.out.println("sluice top — " + who + " — "
                + LocalTime.now(cli.clock.withZone(java.time.ZoneId.systemDefault()))
                        .truncatedTo(ChronoUnit.SECONDS));
        cli.out.printf(
                "%-20s %10s %10s %10s %9s %12s %13s%n",
                "UPSTREAM", "HIGH", "NORMAL", "LOW", "RUNNING", "REQ/MIN", "MAX IN FLIGHT");
        q.get("rate_limits").properties().forEach(e -> {
            JsonNode u = e.getValue();
            JsonNode queued = u.path("queued");
            long rpm = u.path("requests_per_minute").asLong();
            long inFlight = u.path("max_in_flight").asLong();
            cli.out.printf(
                    "%-20s %10d %10d %10d %9d %12s %13s%n",
                    e.getKey(),
                    queued.path("high").asLong(),
                    queued.path("normal").asLong(),
                    queued.path("low").asLong(),
                    u.path("running").asLong(),
                    rpm == 0 ? "-" : Long.toString(rpm),
                    inFlight == 0 ? "-" : Long.toString(inFlight));
        });
        JsonNode lengths = q.path("queue_lengths");
        cli.out.printf(
                "%-20s %10d %10d %10d %9d%n",
                "total",
                lengths.path("high").asLong(),
                lengths.path("normal").asLong(),
                lengths.path("low").asLong(),
                q.path("running").asLong());
    }
}
