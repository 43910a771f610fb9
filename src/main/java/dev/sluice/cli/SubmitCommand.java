package dev.sluice.cli;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code sluice submit FILE.jsonl}: uploads a batch with a progress bar; with --wait, follows it to the end. */
@Command(
        name = "submit",
        mixinStandardHelpOptions = true,
        description = {
            "Submit a batch: one job per line (JSON Lines), all or nothing. Prints the batch id.",
            "With --wait, shows done/total with rate and ETA until the batch ends."
        })
final class SubmitCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "FILE.jsonl", description = "the batch, one job per line")
    Path file;

    @Option(names = "--priority", description = "high, normal or low, for lines that name none (default low)")
    String priority;

    @Option(names = "--upstream", description = "the upstream for lines that name none")
    String upstream;

    @Option(names = "--idempotency-key", description = "submitting again with the same key answers the same batch")
    String idempotencyKey;

    @Option(names = "--wait", description = "follow the batch until it ends")
    boolean wait;

    @Option(names = "--interval", defaultValue = "1", description = "seconds between looks while waiting (default 1)")
    double interval;

    @Override
    public Integer call() throws InterruptedException {
        if (!Files.isRegularFile(file)) {
            throw new CliException("no such file: " + file, 2);
        }
        long size;
        try {
            size = Files.size(file);
        } catch (IOException e) {
            throw new CliException("cannot read " + file + ": " + e.getMessage(), 2);
        }
        List<String> query = new ArrayList<>();
        if (priority != null) {
            query.add("priority=" + URLEncoder.encode(priority, StandardCharsets.UTF_8));
        }
        if (upstream != null) {
            query.add("upstream=" + URLEncoder.encode(upstream, StandardCharsets.UTF_8));
        }
        String path = "/api/v1/batches" + (query.isEmpty() ? "" : "?" + String.join("&", query));
        ProgressBar upload = new ProgressBar(cli.err, cli.terminal, "upload", "bytes");
        long started = System.nanoTime();
        JsonNode created = cli.client().postStream(path, "application/x-ndjson", () -> {
            try {
                InputStream in = new BufferedInputStream(Files.newInputStream(file), 1 << 16);
                return new CountingInputStream(in, n -> upload.update(n, size, perSecond(n, started)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        upload.finish(size, size, perSecond(size, started));
        long batchId = created.get("batch_id").asLong();
        if (!wait) {
            if (output.json()) {
                cli.out.println(created);
            } else {
                cli.out.println(
                        "batch " + batchId + ": " + created.get("job_count").asLong() + " jobs");
            }
            return 0;
        }
        if (!output.json()) {
            cli.out.println("batch " + batchId + ": " + created.get("job_count").asLong() + " jobs");
        }
        JsonNode end = BatchWatch.follow(cli, batchId, interval);
        if (output.json()) {
            cli.out.println(end);
        }
        return BatchWatch.exitCode(end);
    }

    private static Double perSecond(long n, long startedNanos) {
        double seconds = (System.nanoTime() - startedNanos) / 1e9;
        return seconds < 0.2 ? null : n / seconds;
    }
}
