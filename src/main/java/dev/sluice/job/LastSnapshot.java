package dev.sluice.job;

import java.time.Instant;

/** The newest queue snapshot an upstream gave for a job; {@code progressJson} is JSON text. */
public record LastSnapshot(
        Instant observedAt,
        Integer httpStatus,
        String status,
        String queueState,
        String queueStateReason,
        Integer queuePosition,
        Integer queueDepth,
        Double estimatedWaitS,
        String progressJson,
        Double retryAfterS) {}
