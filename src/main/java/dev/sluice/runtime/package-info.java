/**
 * What every feature's background work stands on. A component that works in the background is a
 * {@link dev.sluice.runtime.Background}: it exposes {@code runOnce()}, which does one pass and
 * returns a {@link dev.sluice.runtime.Pass} (what it did, how long to wait), and runs it on a
 * {@link dev.sluice.runtime.Loop} (one thread, one error policy, woken early through a
 * {@link dev.sluice.runtime.Wakeup}). {@link dev.sluice.runtime.Loops} starts them all with the
 * application by {@link dev.sluice.runtime.Stage} and is the one shutdown path; {@link
 * dev.sluice.runtime.LoopHealth} reports a dead loop. Also: this instance's name ({@link
 * dev.sluice.runtime.NodeIdentity}), backoff, and how an instance ends when it runs out of memory
 * ({@link dev.sluice.runtime.FatalErrors}). It depends on no feature.
 */
package dev.sluice.runtime;
