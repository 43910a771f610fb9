package dev.sluice.emulator;

import dev.sluice.emulator.EmulatedRequest.Stage;
import jakarta.annotation.PreDestroy;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.springframework.context.annotation.Profile;
import org.springframework.stereotype.Component;

/**
 * The emulated sampling server: a FIFO queue in front of {@code workers} decoders, each request
 * taking num_samples * max_tokens / tokens-per-second. EmulatedRequest ids are deterministic per
 * (sampling_session_id, seq_id), so a re-send of the same request is answered with the same id
 * and does no new work. All state is in memory, guarded by this object's lock.
 */
@Profile("emulator")
@Component
class SamplingEngine {

    /** What a poll found. */
    sealed interface Poll {
        record Unknown() implements Poll {}

        record Lost() implements Poll {}

        record Gone() implements Poll {}

        record Pending(QueueSnapshot snapshot) implements Poll {}

        record Done(Map<String, Object> result) implements Poll {}
    }

    private final EmulatorProperties properties;
    private final Map<String, EmulatedRequest> byId = new HashMap<>();
    private final Map<String, String> latestByKey = new HashMap<>();
    private final Map<String, Boolean> completionKeys = new HashMap<>();
    private final ArrayDeque<EmulatedRequest> queue = new ArrayDeque<>();
    private final ScheduledExecutorService decoders = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("emulator-decoder").daemon().factory());
    private EmulatorStats stats = new EmulatorStats();
    private int running;
    private long nextTicket;
    private Double emaExecS;

    SamplingEngine(EmulatorProperties properties) {
        this.properties = properties;
    }

    static String requestId(String samplingSessionId, long seqId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((samplingSessionId + "\u0000" + seqId).getBytes(StandardCharsets.UTF_8));
            return "req-" + HexFormat.of().formatHex(digest, 0, 12);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    synchronized int inFlight() {
        return queue.size() + running;
    }

    synchronized void rejectedByBackpressure() {
        stats.rejectedBackpressure++;
    }

    synchronized void rejectedByRateLimit() {
        stats.rejectedRateLimit++;
    }

    /** Accepts a sample request; a re-send of a known (session, seq_id) gets the same request. */
    synchronized EmulatedRequest submit(
            String samplingSessionId, long seqId, String idempotencyKey, int maxTokens, int numSamples, long tokens) {
        long now = System.nanoTime();
        stats.accepted(now, tokens);
        String id = requestId(samplingSessionId, seqId);
        EmulatedRequest known = byId.get(id);
        if (known != null) {
            stats.resubmissions++;
            if (known.stage == Stage.LOST) {
                known.stage = Stage.QUEUED;
                enqueue(known);
            }
            return known;
        }
        long decodeNanos = (long) ((double) maxTokens * numSamples / properties.tokensPerSecond() * 1e9);
        EmulatedRequest r = new EmulatedRequest(id, idempotencyKey, maxTokens, numSamples, decodeNanos, now);
        if (idempotencyKey != null) {
            String earlier = latestByKey.put(idempotencyKey, id);
            Stage earlierStage = earlier == null ? null : byId.get(earlier).stage;
            // The same work started twice: an earlier request under this key is still alive.
            if (earlierStage != null && earlierStage != Stage.LOST && earlierStage != Stage.ERRORED) {
                stats.duplicateSubmissions++;
            }
        }
        stats.distinctRequests++;
        byId.put(id, r);
        if (ThreadLocalRandom.current().nextDouble() < properties.faults().lostRate()) {
            r.stage = Stage.LOST;
        } else {
            enqueue(r);
        }
        return r;
    }

    private void enqueue(EmulatedRequest r) {
        r.ticket = nextTicket++;
        queue.addLast(r);
        startWork();
    }

    private void startWork() {
        while (running < properties.workers() && !queue.isEmpty()) {
            EmulatedRequest r = queue.pollFirst();
            r.stage = Stage.RUNNING;
            r.startedNanos = System.nanoTime();
            running++;
            if (emaExecS == null) {
                emaExecS = r.decodeNanos / 1e9;
            }
            decoders.schedule(() -> finish(r), r.decodeNanos, TimeUnit.NANOSECONDS);
        }
    }

    private synchronized void finish(EmulatedRequest r) {
        if (r.stage != Stage.RUNNING) {
            return;
        }
        r.stage = Stage.DONE;
        running--;
        double exec = (System.nanoTime() - r.startedNanos) / 1e9;
        emaExecS = 0.8 * emaExecS + 0.2 * exec;
        stats.completed++;
        startWork();
    }

    /**
     * Counts an accepted chat completion. These APIs have no idempotency, so a key seen before
     * means the same work was done again.
     */
    synchronized void acceptedCompletion(String idempotencyKey, long tokens) {
        stats.accepted(System.nanoTime(), tokens);
        if (idempotencyKey != null && completionKeys.put(idempotencyKey, Boolean.TRUE) != null) {
            stats.duplicateSubmissions++;
        } else {
            stats.distinctRequests++;
        }
        stats.completed++;
    }

    synchronized Poll poll(String id) {
        long now = System.nanoTime();
        EmulatedRequest r = byId.get(id);
        if (r == null) {
            return new Poll.Unknown();
        }
        // As mint: one real check per interval; a throttled poll is answered 408 at once and does
        // not restart the interval (else a client that re-polls at once would never get through).
        boolean tooSoon = r.lastPollNanos != 0
                && now - r.lastPollNanos < properties.minPollInterval().toNanos();
        if (!tooSoon) {
            r.lastPollNanos = now;
        }
        return switch (r.stage) {
            case LOST -> new Poll.Lost();
            case ERRORED -> new Poll.Unknown();
            case DONE -> {
                if (r.retrievedNanos != 0
                        && now - r.retrievedNanos > properties.resultGrace().toNanos()) {
                    yield new Poll.Gone();
                }
                if (tooSoon && r.retrievedNanos == 0) {
                    yield pending(r, now);
                }
                if (r.retrievedNanos == 0) {
                    r.retrievedNanos = now;
                }
                yield new Poll.Done(SampleResult.of(r));
            }
            case QUEUED, RUNNING -> pending(r, now);
        };
    }

    private Poll pending(EmulatedRequest r, long now) {
        QueueSnapshot s = snapshot(r, now);
        Map<String, Object> record = new LinkedHashMap<>();
        record.put("body", s.body());
        record.put("headers", s.headers());
        if (r.sent.size() < 1000) {
            r.sent.add(record);
        }
        return new Poll.Pending(s);
    }

    private QueueSnapshot snapshot(EmulatedRequest r, long now) {
        double queuedFor = ((r.stage == Stage.QUEUED ? now : r.startedNanos) - r.submittedNanos) / 1e9;
        if (r.stage == Stage.QUEUED || r.stage == Stage.DONE && r.startedNanos == 0) {
            int position = (int) (r.ticket - queue.peekFirst().ticket);
            int depth = queue.size();
            double eta = (position + 1) * (emaExecS == null ? r.decodeNanos / 1e9 : emaExecS) / properties.workers();
            return new QueueSnapshot(
                    r.id,
                    "queued",
                    "active",
                    "queue_backlog",
                    position,
                    depth,
                    round(eta),
                    null,
                    QueueSnapshot.retryAfter(eta, depth),
                    round(queuedFor),
                    null,
                    null);
        }
        double runningFor = ((r.stage == Stage.DONE ? r.startedNanos + r.decodeNanos : now) - r.startedNanos) / 1e9;
        double fraction = r.decodeNanos == 0 ? 1 : Math.min(1, runningFor * 1e9 / r.decodeNanos);
        long total = (long) r.maxTokens * r.numSamples;
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("tokens_generated", (long) (fraction * total));
        progress.put("max_tokens", total);
        double remaining = Math.max(0, (r.decodeNanos / 1e9) - runningFor);
        String status = fraction < 0.1 ? "prefill" : "decode";
        return new QueueSnapshot(
                r.id,
                status,
                "active",
                null,
                null,
                queue.size(),
                round(remaining),
                progress,
                QueueSnapshot.retryAfter(remaining, null),
                round(queuedFor),
                round(runningFor),
                0.0);
    }

    private static double round(double seconds) {
        return Math.round(seconds * 1000) / 1000.0;
    }

    /** Marks a request as ended the way a forced answer said (error body or 410). */
    synchronized void markEnded(String id, Stage stage) {
        EmulatedRequest r = byId.get(id);
        if (r == null) {
            return;
        }
        if (r.stage == Stage.RUNNING) {
            running--;
        }
        queue.remove(r);
        r.stage = stage;
        startWork();
    }

    synchronized Map<String, Object> describe(String id) {
        EmulatedRequest r = byId.get(id);
        if (r == null) {
            return null;
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("request_id", r.id);
        m.put("stage", r.stage.name().toLowerCase());
        m.put("idempotency_key", r.idempotencyKey);
        m.put("sent", List.copyOf(r.sent));
        return m;
    }

    synchronized Map<String, Object> stats() {
        return stats.view(inFlight());
    }

    /** Forgets everything: for tests that share one emulator. */
    synchronized void reset() {
        byId.values().forEach(r -> r.stage = Stage.ERRORED); // decodes still scheduled then end quietly
        byId.clear();
        latestByKey.clear();
        completionKeys.clear();
        queue.clear();
        running = 0;
        emaExecS = null;
        stats = new EmulatorStats();
    }

    @PreDestroy
    void stop() {
        decoders.shutdownNow();
    }
}
