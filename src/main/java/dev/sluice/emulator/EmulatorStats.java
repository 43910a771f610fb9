package dev.sluice.emulator;

import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the emulator accepted, and the highest rates it saw: the number of accepted {@code asample}
 * calls in any 1-second and any 60-second window, and the tokens they carried in any 60-second
 * window (sliding windows, exact). Guarded by the engine's lock.
 */
final class EmulatorStats {

    private static final long SECOND = 1_000_000_000L;
    private static final long MINUTE = 60 * SECOND;

    long submissions;
    long distinctRequests;
    long resubmissions;
    long duplicateSubmissions;
    long completed;
    long rejectedBackpressure;
    long rejectedRateLimit;
    private long maxPerSecond;
    private long maxTokensPerMinute;
    private long maxPerMinute;
    private final ArrayDeque<Long> lastSecond = new ArrayDeque<>();
    private final ArrayDeque<long[]> lastMinute = new ArrayDeque<>();
    private long tokensInMinute;

    void accepted(long nanos, long tokens) {
        submissions++;
        lastSecond.addLast(nanos);
        while (nanos - lastSecond.peekFirst() >= SECOND) {
            lastSecond.removeFirst();
        }
        maxPerSecond = Math.max(maxPerSecond, lastSecond.size());
        lastMinute.addLast(new long[] {nanos, tokens});
        tokensInMinute += tokens;
        while (nanos - lastMinute.peekFirst()[0] >= MINUTE) {
            tokensInMinute -= lastMinute.removeFirst()[1];
        }
        maxTokensPerMinute = Math.max(maxTokensPerMinute, tokensInMinute);
        maxPerMinute = Math.max(maxPerMinute, lastMinute.size());
    }

    Map<String, Object> view(int inFlight) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("submissions", submissions);
        m.put("distinct_requests", distinctRequests);
        m.put("resubmissions", resubmissions);
        m.put("duplicate_submissions", duplicateSubmissions);
        m.put("completed", completed);
        m.put("rejected_backpressure", rejectedBackpressure);
        m.put("rejected_rate_limit", rejectedRateLimit);
        m.put("max_submissions_per_second", maxPerSecond);
        m.put("max_submissions_per_minute", maxPerMinute);
        m.put("max_tokens_per_minute", maxTokensPerMinute);
        m.put("in_flight", inFlight);
        return m;
    }
}
