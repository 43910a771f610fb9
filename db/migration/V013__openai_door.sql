-- The OpenAI door (issue 15): files uploaded for the Batch API, and the OpenAI side of a batch.
-- A door never owns job state: an OpenAI batch is an ordinary Sluice batch (its jobs are rows of
-- job) with the few fields the OpenAI batch object has and Sluice's batch has not.

-- 1. Uploaded files (purpose "batch"): their content in chunks of up to 1 MiB, so a 1 GB file is
--    a thousand rows, durable and readable from every instance, and reading one back holds one
--    chunk in memory. A file is stored only after every line was checked (nothing of a refused
--    upload is kept).
CREATE TABLE openai_file (
    -- On the wire: "file-<id>".
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint      NOT NULL REFERENCES project (id),
    api_key_id  bigint,
    purpose     text        NOT NULL,
    filename    text        NOT NULL,
    bytes       bigint      NOT NULL CHECK (bytes >= 0),
    line_count  integer     NOT NULL CHECK (line_count >= 0),
    created_at  timestamptz NOT NULL
);
CREATE INDEX openai_file_project_idx ON openai_file (project_id, id);

CREATE TABLE openai_file_chunk (
    file_id bigint  NOT NULL REFERENCES openai_file (id) ON DELETE CASCADE,
    seq     integer NOT NULL CHECK (seq >= 0),
    data    bytea   NOT NULL,
    PRIMARY KEY (file_id, seq)
);
-- JSONL compresses well, but compressing a gigabyte at upload costs more time than it saves.
ALTER TABLE openai_file_chunk ALTER COLUMN data SET STORAGE EXTERNAL;

-- 2. The OpenAI side of a batch. Its status is derived when asked, from the jobs' states and
--    these times (GET never writes): cancelling_at by POST .../cancel, expired_at by the
--    DoorUpkeep once expires_at has passed with jobs still unsent.
CREATE TABLE openai_batch (
    batch_id          bigint      PRIMARY KEY REFERENCES batch (id) ON DELETE CASCADE,
    -- No foreign key: the file may be deleted once the batch is made, as on OpenAI.
    input_file_id     bigint      NOT NULL,
    endpoint          text        NOT NULL,
    completion_window text        NOT NULL,
    metadata          jsonb,
    expires_at        timestamptz NOT NULL,
    cancelling_at     timestamptz,
    expired_at        timestamptz,
    -- Set by the DoorUpkeep once the window has passed: with expired_at when it cancelled jobs
    -- still unsent, alone when there were none (the batch was done or its last jobs in flight).
    window_closed     boolean     NOT NULL DEFAULT false,
    -- Set by the DoorUpkeep once a cancelled batch has no unsent job left: the cancel call
    -- cancels the first 10,000 (the head of the queue) and answers; the upkeep does the rest.
    cancel_finished   boolean     NOT NULL DEFAULT false
);
-- The DoorUpkeep's other question: which cancelled batches may still have unsent jobs.
CREATE INDEX openai_batch_cancelling_idx ON openai_batch (cancelling_at)
    WHERE cancelling_at IS NOT NULL AND NOT cancel_finished;
-- The DoorUpkeep's question: which batches have passed their window unlooked-at (a few rows:
-- the batches whose window is still open).
CREATE INDEX openai_batch_open_idx ON openai_batch (expires_at)
    WHERE NOT window_closed AND cancelling_at IS NULL;
-- A retried create (the SDK's retry after a lost answer) finds the batch the first try made.
CREATE INDEX openai_batch_input_idx ON openai_batch (input_file_id);

-- 3. Requests through the chat door (POST /v1/chat/completions and the like). The SDKs send no
--    idempotency key of their own, so the door makes one per request (the job's idempotency_key)
--    and keeps it here under a hash of the API key's id and the request, before the job is made:
--    the SDK's retry of a request whose answer was held too long or lost finds the key, and with
--    it the job the first try made (or makes that job, if the first try died before it could).
--    Kept for an hour (DoorUpkeep deletes older rows).
CREATE TABLE door_request (
    api_key_id      bigint      NOT NULL,
    request_sha256  bytea       NOT NULL,
    idempotency_key text        NOT NULL,
    created_at      timestamptz NOT NULL
);
CREATE INDEX door_request_lookup_idx ON door_request (api_key_id, request_sha256, created_at DESC);
CREATE INDEX door_request_created_idx ON door_request (created_at);
