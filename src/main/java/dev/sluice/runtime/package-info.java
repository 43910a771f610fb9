/**
 * What every feature's background work stands on: the loop skeletons ({@link
 * dev.sluice.runtime.Loop}, {@link dev.sluice.runtime.LoopLifecycle}, {@link
 * dev.sluice.runtime.Periodic}, {@link dev.sluice.runtime.Worker}), their health ({@link
 * dev.sluice.runtime.LoopHealth}), this instance's name ({@link dev.sluice.runtime.NodeIdentity}),
 * backoff, and how an instance ends when it runs out of memory ({@link
 * dev.sluice.runtime.FatalErrors}). It depends on no feature.
 */
package dev.sluice.runtime;
