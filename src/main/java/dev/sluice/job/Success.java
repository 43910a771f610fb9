package dev.sluice.job;

import java.time.Instant;

/** A job the upstream answered with its result, to be written fenced: see {@link JobOutcomes#markSucceededAll}. */
public record Success(Fence fence, String resultJson, Instant submittedAt, Instant now) {}
