/**
 * An emulator of the upstream wire protocols (Tinker/mint futures API), run with the
 * {@code emulator} profile and no database: sessions, {@code asample} with backpressure, and
 * {@code retrieve_future} answering 408 with queue snapshots computed as mint computes them. Tests
 * run it in-process on a random port; the README's run command and docker-compose use it as the
 * default upstream, so Sluice runs end to end without credentials.
 */
package dev.sluice.emulator;
