/**
 * Moving jobs: the {@link dev.sluice.dispatch.JobClaimer} takes rate-limit permits and claims the
 * highest-priority jobs with SKIP LOCKED, the {@link dev.sluice.dispatch.JobDispatcher} sends them
 * upstream with no transaction open and writes each outcome fenced by lease, and the
 * {@link dev.sluice.dispatch.LeaseRescuer} returns the jobs of leases that expired.
 */
package dev.sluice.dispatch;
