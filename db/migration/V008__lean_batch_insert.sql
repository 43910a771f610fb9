-- A batch's lines are written by one COPY, and its history rows by one INSERT, in the request that
-- creates the batch: every index on job is paid for 100,000 times per batch of 100,000. Measured
-- on 2026-11-23 (bench/README.md), the COPY of 100,000 lines spent about a quarter of its time on
-- job_batch_custom_id_idx and a tenth on NULL entries in the idempotency key's index.

-- custom_id is unique within its batch: BatchEnqueuer rejects a repeat with both line numbers
-- before anything is written, and no line is added to a batch later. No query looks a job up by
-- custom_id (results are paged through job_batch_idx), so the index only re-checked that.
DROP INDEX job_batch_custom_id_idx;

-- Only single jobs carry an idempotency key: index those, not a NULL entry for each batch line.
-- The insert's ON CONFLICT names the predicate, so it infers this index.
CREATE UNIQUE INDEX job_idempotency_key_idx ON job (idempotency_key) WHERE idempotency_key IS NOT NULL;
ALTER TABLE job DROP CONSTRAINT job_idempotency_key_key;
