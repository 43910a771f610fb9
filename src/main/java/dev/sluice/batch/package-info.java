/**
 * Batches: many jobs submitted as one NDJSON or JSON-array body, validated whole before any row is
 * written, then stored with one COPY in one transaction; and batch progress derived from the jobs.
 */
package dev.sluice.batch;
