-- The operator's surface (issue 16): finding jobs and batches among millions, acting on a batch,
-- and each batch's progress over time for the dashboard and the CLI.

-- 1. Jobs newest first, per project, of the states a job rarely ends in: GET /api/v1/jobs reads one
--    range of this index per (project, state) asked (JobSearchesImpl). Only failed, cancelled and
--    submit_unknown jobs are in it: a job on the usual path (queued, claimed, submitted,
--    succeeded) never writes to it, so sending costs nothing more. The other states have theirs:
--    queued job_project_queued_idx, claimed and submitted job_lease_idx, and succeeded, most of
--    the table, is found reading the primary key backwards.
CREATE INDEX job_project_state_idx ON job (project_id, state, id)
    WHERE state IN ('failed', 'cancelled', 'submit_unknown');

-- 2. What a batch list shows without counting a batch's jobs: how many it was made with, its
--    counts per state as BatchTracker last took them (exact once finished_at is set: a finished
--    batch's jobs no longer change, until retry-failed reopens it), and when a cancel was asked.
ALTER TABLE batch
    ADD COLUMN job_count    bigint,
    ADD COLUMN counted_at   timestamptz,
    ADD COLUMN queued       bigint NOT NULL DEFAULT 0,
    ADD COLUMN running      bigint NOT NULL DEFAULT 0,
    ADD COLUMN succeeded    bigint NOT NULL DEFAULT 0,
    ADD COLUMN failed       bigint NOT NULL DEFAULT 0,
    ADD COLUMN cancelled    bigint NOT NULL DEFAULT 0,
    ADD COLUMN finished_at  timestamptz,
    ADD COLUMN cancelled_at timestamptz;

-- A project's batches newest first (GET /api/v1/batches).
CREATE INDEX batch_project_idx ON batch (project_id, id);
-- The batches BatchTracker still counts: only the unfinished ones, a handful at any time.
CREATE INDEX batch_open_idx ON batch (id) WHERE finished_at IS NULL;

-- 3. Each open batch's counts every snapshot interval: its progress over time, and its rate for
--    the ETA. Deleted with the batch.
CREATE TABLE batch_progress (
    batch_id  bigint      NOT NULL REFERENCES batch (id) ON DELETE CASCADE,
    taken_at  timestamptz NOT NULL,
    queued    bigint      NOT NULL,
    running   bigint      NOT NULL,
    succeeded bigint      NOT NULL,
    failed    bigint      NOT NULL,
    cancelled bigint      NOT NULL,
    PRIMARY KEY (batch_id, taken_at)
);
