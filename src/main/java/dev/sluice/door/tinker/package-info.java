/**
 * The Tinker futures API at {@code /tinker}: a Tinker client with {@code TINKER_BASE_URL} pointed
 * here samples through Sluice. Sessions are Sluice's own bookkeeping of nothing (their ids carry
 * the base model); {@code asample} stores a durable job at once; {@code retrieve_future} waits
 * briefly and answers 408 with where the job waits, then the upstream's result as it came.
 */
package dev.sluice.door.tinker;
