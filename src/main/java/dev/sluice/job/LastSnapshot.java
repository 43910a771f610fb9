package dev.sluice.job;

import java.time.Instant;

/** The newest queue answer an upstream gave for a job: when, with what status, and where it waited. */
public record LastSnapshot(Instant observedAt, Integer httpStatus, QueueFields queue) {}
