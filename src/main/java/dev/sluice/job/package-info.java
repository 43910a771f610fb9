/**
 * The job: its state machine, its priority, and all SQL that reads or writes the {@code job} table
 * (with the status-history row that every state change appends in the same statement).
 * Other features go through {@link dev.sluice.job.JobRepository} and {@link dev.sluice.job.JobService}.
 */
package dev.sluice.job;
