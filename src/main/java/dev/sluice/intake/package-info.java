/**
 * Intake: one job request (a single job, or a batch line) read into a {@code NewJob}, every rule it
 * breaks collected at once. It knows the upstreams (paths, token limits) and where callbacks may go,
 * so that nothing a rule refuses reaches the {@code job} package below it.
 */
package dev.sluice.intake;
