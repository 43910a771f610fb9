package dev.sluice.job;

/**
 * Who may write about a claimed job: the lease owner, for the attempt it claimed. A write whose
 * fence no longer matches the row (the lease was rescued, the job cancelled or re-claimed)
 * changes nothing.
 */
public record Fence(long jobId, String leaseOwner, int attempt) {}
