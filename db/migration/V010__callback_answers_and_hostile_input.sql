-- The start of a callback receiver's answer (at most 1 KB, sluice.callbacks.answer-prefix), kept
-- with each attempt for the operator. The API never shows it: an answer may come from a host the
-- client should not read (the SSRF guard refuses those, but the operator may allow private
-- networks).
ALTER TABLE callback_attempt ADD COLUMN answer text;

-- SHA-256 of the request that made a batch (its format, query parameters and body): a repeat of
-- its Idempotency-Key with other content is refused (409) instead of answered with this batch.
-- Null for batches stored before.
ALTER TABLE batch ADD COLUMN request_sha256 bytea;
