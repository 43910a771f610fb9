package dev.sluice.cli;

import tools.jackson.databind.JsonNode;

/** Follows a batch to its end with a bar of done/total, its rate and ETA. */
final class BatchWatch {

    private BatchWatch() {}

    /**
     * Looks every {@code intervalSeconds} (or, for a batch of more than 200,000 jobs, every
     * second per 200,000) until the batch is finished; its last status. The rate is over the last
     * ten seconds of looks, so a pause or a burst shows soon.
     */
    static JsonNode follow(SluiceCli cli, long batchId, double intervalSeconds) throws InterruptedException {
        ProgressBar bar = new ProgressBar(cli.err, cli.terminal, "batch " + batchId, "jobs");
        java.util.ArrayDeque<long[]> looks = new java.util.ArrayDeque<>();
        while (true) {
            JsonNode s = cli.client().get("/api/v1/batches/" + batchId);
            long total = s.get("total").asLong();
            long done = done(s);
            long now = System.nanoTime();
            looks.addLast(new long[] {now, done});
            while (looks.size() > 2 && now - looks.peekFirst()[0] > 10_000_000_000L) {
                looks.removeFirst();
            }
            long[] first = looks.peekFirst();
            double seconds = (now - first[0]) / 1e9;
            Double rate = seconds >= 1 && done > first[1] ? (done - first[1]) / seconds : null;
            if (s.get("finished").asBoolean()) {
                bar.finish(done, total, rate);
                JsonNode c = s.get("counts");
                cli.err.println("finished: " + c.path("succeeded").asLong() + " succeeded, "
                        + c.path("failed").asLong() + " failed, "
                        + c.path("cancelled").asLong() + " cancelled");
                return s;
            }
            bar.update(done, total, rate);
            // Each look counts the batch's jobs: a big batch is looked at less often (10 s per 2,000,000).
            Thread.sleep((long) (Math.max(intervalSeconds, total / 200_000.0) * 1000));
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
