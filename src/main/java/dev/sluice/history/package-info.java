/**
 * The status history: one append-only row per change of a job's state and per upstream queue
 * snapshot. Rows are written by the job's own SQL, in the same statement as the change; this
 * package reads them.
 */
package dev.sluice.history;
