-- A job whose request may have reached an upstream without idempotency (the openai protocol) when
-- its worker died: re-sending it could have it served twice, so it waits in submit_unknown for an
-- operator to retry or cancel it, instead of being re-sent silently.
ALTER TABLE job DROP CONSTRAINT job_state_check;
ALTER TABLE job ADD CONSTRAINT job_state_check CHECK (state IN
    ('queued', 'claimed', 'submitted', 'submit_unknown', 'succeeded', 'failed', 'cancelled'));

-- Set just before a request without idempotency is sent, for the attempt that sends it; cleared
-- when the job goes back to the queue.
ALTER TABLE job ADD COLUMN send_started_at timestamptz;
