package dev.sluice.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/** {@code sluice results BATCH -o out.jsonl}: the batch's finished jobs, one JSON line each. */
@Command(
        name = "results",
        mixinStandardHelpOptions = true,
        description = "Write a batch's finished jobs as JSON Lines: id, custom_id, state, result or error.")
final class ResultsCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "BATCH", description = "the batch id")
    long batchId;

    @Option(
            names = {"-o", "--out"},
            paramLabel = "FILE",
            description = "write here (default: standard output)")
    Path out;

    @Override
    public Integer call() throws IOException {
        if (out == null) {
            cli.client().download("/api/v1/batches/" + batchId + "/results", cli.out);
            cli.out.flush();
            return 0;
        }
        Path partial = out.resolveSibling(out.getFileName() + ".partial");
        long bytes;
        try (OutputStream file = new BufferedOutputStream(Files.newOutputStream(partial), 1 << 16)) {
            bytes = cli.client().download("/api/v1/batches/" + batchId + "/results", file);
        } catch (RuntimeException e) {
            Files.deleteIfExists(partial);
            throw e;
        }
        Files.move(partial, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        if (output.json()) {
            cli.out.println("{\"batch_id\":" + batchId + ",\"file\":"
                    + SluiceClient.JSON.writeValueAsString(out.toString()) + ",\"bytes\":" + bytes + "}");
        } else {
            cli.out.println("wrote " + ProgressBar.bytes(bytes) + " to " + out);
        }
        return 0;
    }
}
