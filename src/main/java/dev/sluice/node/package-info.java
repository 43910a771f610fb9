/**
 * The cluster: every instance registers in {@code node} and heartbeats, and holds its share of
 * each upstream's limits (configured total / live instances), so the upstream sees the configured
 * total however many instances run.
 */
package dev.sluice.node;
