package dev.sluice.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import tools.jackson.databind.JsonNode;

/** {@code sluice cancel BATCH}: cancels every job of the batch not yet sent. */
@Command(
        name = "cancel",
        mixinStandardHelpOptions = true,
        description = "Cancel a batch: every job not yet sent; jobs already sent finish as they will.")
final class CancelCommand implements Callable<Integer> {

    @ParentCommand
    SluiceCli cli;

    @Mixin
    OutputOption output;

    @Parameters(index = "0", paramLabel = "BATCH", description = "the batch id")
    long batchId;

    @Override
    public Integer call() {
        JsonNode a = cli.client().post("/api/v1/batches/" + batchId + "/cancel", null);
        cli.out.println(
                output.json()
                        ? a.toString()
                        : "batch " + batchId + ": cancelled " + a.get("jobs").asLong() + " jobs");
        return 0;
    }
}
