-- The start of a callback receiver's answer (at most 1 KB, sluice.callbacks.answer-prefix), kept
-- with each attempt for the operator. The API never shows it: an answer may come from a host the
-- client should not read (the SSRF guard refuses those, but the operator may allow private
-- networks).
ALTER TABLE callback_attempt ADD COLUMN answer text;

-- SHA-256 of the request that made a batch (its format, query parameters and body): a repeat of
-- its Idempotency-Key with other content is refused (409) instead of answered with this batch.
-- Null for batches stored before.
ALTER TABLE batch ADD COLUMN request_sha256 bytea;

-- "Not now" answers that use no attempt (an upstream's 429 or backpressure, a token budget that
-- cannot cover a job in time): deferrals counts them since the job last reached the upstream, and
-- sets the backoff before its next try, so a job refused again and again waits longer each time
-- instead of being claimed back at once. Constant defaults: no table rewrite.
ALTER TABLE job ADD COLUMN deferrals integer NOT NULL DEFAULT 0;

-- A run of the same deferral is one history row: repeats counts its tries and last_observed_at
-- is the last. (A re-claim after a deferral adds no 'claimed' row; the deferral row counts it.)
ALTER TABLE job_status_history
    ADD COLUMN repeats integer NOT NULL DEFAULT 1,
    ADD COLUMN last_observed_at timestamptz;
