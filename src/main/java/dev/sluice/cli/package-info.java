/**
 * The command line ({@code bin/sluice}): a client of Sluice's HTTP API, configured by
 * {@code SLUICE_URL} and {@code SLUICE_API_KEY}. It depends on no other Sluice package and starts
 * no Spring context, so a command answers in about the time the JVM takes to start.
 */
package dev.sluice.cli;
