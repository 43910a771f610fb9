-- Durable completion callbacks: an outbox row per job that finishes with a callback_url, written
-- by a trigger in the same transaction as the change to a final state, whatever path made it
-- (outcome, cancel, rescue). The sender delivers from here, so a restart loses none.
CREATE TABLE callback_delivery (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    job_id           bigint      NOT NULL REFERENCES job (id) ON DELETE CASCADE,
    url              text        NOT NULL,
    state            text        NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
    attempts         integer     NOT NULL DEFAULT 0,
    next_attempt_at  timestamptz NOT NULL,
    lease_owner      text,
    lease_expires_at timestamptz,
    created_at       timestamptz NOT NULL,
    delivered_at     timestamptz,
    last_error       text
);

-- Due deliveries, soonest first; only pending rows, so it stays small.
CREATE INDEX callback_delivery_due_idx ON callback_delivery (next_attempt_at) WHERE state = 'pending';
CREATE INDEX callback_delivery_job_idx ON callback_delivery (job_id);

-- One row per HTTP attempt, for GET /api/v1/jobs/{id}/callbacks.
CREATE TABLE callback_attempt (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    delivery_id  bigint      NOT NULL REFERENCES callback_delivery (id) ON DELETE CASCADE,
    attempted_at timestamptz NOT NULL,
    http_status  integer,
    error        text,
    duration_ms  integer     NOT NULL
);

CREATE INDEX callback_attempt_delivery_idx ON callback_attempt (delivery_id, id);

CREATE FUNCTION job_enqueue_callback() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO callback_delivery (job_id, url, state, next_attempt_at, created_at)
    VALUES (NEW.id, NEW.callback_url, 'pending', NEW.finished_at, NEW.finished_at);
    RETURN NULL;
END $$;

-- Fires only on the change into a final state of a job with a callback URL; the WHEN clause is
-- evaluated without calling the function, so other updates of the hot table pay next to nothing.
CREATE TRIGGER job_callback_on_finish
    AFTER UPDATE OF state ON job
    FOR EACH ROW
    WHEN (NEW.callback_url IS NOT NULL
          AND NEW.state IN ('succeeded', 'failed', 'cancelled')
          AND OLD.state IS DISTINCT FROM NEW.state)
    EXECUTE FUNCTION job_enqueue_callback();
