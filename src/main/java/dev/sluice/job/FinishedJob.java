package dev.sluice.job;

/** A finished job as a results line shows it; {@code resultJson} is JSON text. */
public record FinishedJob(long id, String customId, JobState state, String resultJson, String error) {}
