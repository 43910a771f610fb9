package dev.sluice.cli;

import tools.jackson.databind.JsonNode;

/** Follows a batch to its end with a bar of done/total, its rate and ETA. */
final class BatchWatch {

    private BatchWatch() {}

    /** Looks every {@code intervalSeconds} until the batch is finished; its last status. */
    static JsonNode follow(SluiceCli cli, long batchId, double intervalSeconds) throws InterruptedException {
        ProgressBar bar = new ProgressBar(cli.err, cli.terminal, "batch " + batchId, "jobs");
        long firstDone = -1;
        long firstAt = 0;
        while (true) {
            JsonNode s = cli.client().get("/api/v1/batches/" + batchId);
            long total = s.get("total").asLong();
            long done = done(s);
            long now = System.nanoTime();
            if (firstDone < 0) {
                firstDone = done;
                firstAt = now;
            }
            double seconds = (now - firstAt) / 1e9;
            Double rate = seconds >= 1 && done > firstDone ? (done - firstDone) / seconds : null;
            if (s.get("finished").asBoolean()) {
                bar.finish(done, total, rate);
                JsonNode c = s.get("counts");
                cli.err.println("finished: " + c.path("succeeded").asLong() + " succeeded, "
                        + c.path("failed").asLong() + " failed, "
                        + c.path("cancelled").asLong() + " cancelled");
                return s;
            }
            bar.update(done, total, rate);
            Thread.sleep((long) (intervalSeconds * 1000));
        }
    }

    static long done(JsonNode status) {
        JsonNode c = status.get("counts");
        return c.path("succeeded").asLong()
                + c.path("failed").asLong()
                + c.path("cancelled").asLong();
    }

    /** 0 when every job succeeded, 3 when some failed or were cancelled. */
    static int exitCode(JsonNode status) {
        JsonNode c = status.get("counts");
        return c.path("failed").asLong() + c.path("cancelled").asLong() == 0 ? 0 : 3;
    }
}
