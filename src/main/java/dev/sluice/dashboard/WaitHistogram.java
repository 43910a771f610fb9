package dev.sluice.dashboard;

import dev.sluice.job.JobReads;
import java.util.ArrayList;
import java.util.List;

/**
 * How long jobs waited, in Sluice's queue and in the upstream's, counted into buckets that grow
 * by about five each (a wait of 2 s and one of 2 min both read well), each with its share of the
 * largest bucket for drawing as a bar.
 */
record WaitHistogram(int jobs, List<Bucket> buckets) {

    record Bucket(String label, long queue, long upstream, int queuePercent, int upstreamPercent) {}

    private static final double[] UPPER = {1, 5, 30, 120, 600, 3600, Double.MAX_VALUE};
    private static final String[] LABELS = {"< 1 s", "1–5 s", "5–30 s", "30 s–2 min", "2–10 min", "10–60 min", "> 1 h"};

    static WaitHistogram of(List<JobReads.Waits> waits) {
        long[] queue = new long[UPPER.length];
        long[] upstream = new long[UPPER.length];
        for (JobReads.Waits w : waits) {
            if (w.queueWaitS() != null) {
                queue[bucket(w.queueWaitS())]++;
            }
            if (w.upstreamWaitS() != null) {
                upstream[bucket(w.upstreamWaitS())]++;
            }
        }
        long max = 1;
        for (int i = 0; i < UPPER.length; i++) {
            max = Math.max(max, Math.max(queue[i], upstream[i]));
        }
        List<Bucket> buckets = new ArrayList<>();
        for (int i = 0; i < UPPER.length; i++) {
            buckets.add(new Bucket(
                    LABELS[i], queue[i], upstream[i], (int) (100 * queue[i] / max), (int) (100 * upstream[i] / max)));
        }
        return new WaitHistogram(waits.size(), buckets);
    }

    private static int bucket(double seconds) {
        int i = 0;
        while (seconds >= UPPER[i]) {
            i++;
        }
        return i;
    }
}
