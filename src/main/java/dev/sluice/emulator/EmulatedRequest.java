package dev.sluice.emulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One request the emulated sampling server took: where it is, and what it was told. */
final class EmulatedRequest {

    enum Stage {
        QUEUED,
        RUNNING,
        DONE,
        LOST,
        ERRORED
    }

    final String id;
    final String idempotencyKey;
    final int maxTokens;
    final int numSamples;
    final long decodeNanos;
    final long submittedNanos;
    long ticket;
    Stage stage = Stage.QUEUED;
    long startedNanos;
    long lastPollNanos;
    long retrievedNanos;
    final List<Map<String, Object>> sent = new ArrayList<>();

    EmulatedRequest(String id, String idempotencyKey, int maxTokens, int numSamples, long decodeNanos, long now) {
        this.id = id;
        this.idempotencyKey = idempotencyKey;
        this.maxTokens = maxTokens;
        this.numSamples = numSamples;
        this.decodeNanos = decodeNanos;
        this.submittedNanos = now;
    }
}
