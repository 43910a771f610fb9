/**
 * Pauses an operator sets on an upstream or one of its models: stored in {@code upstream_pause},
 * announced with NOTIFY, read by every instance's claimers and senders, so new sends stop within a
 * second everywhere and stay stopped across restarts. The seed's {@code start()}/{@code stop()}.
 */
package dev.sluice.pause;
