/**
 * What every feature's background and request work stands on: here, how an instance ends when it
 * runs out of memory ({@link dev.sluice.runtime.FatalErrors}) instead of living on half dead.
 */
package dev.sluice.runtime;
