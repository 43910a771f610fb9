-- What the dashboard's overview draws (issue 16), taken with each queue snapshot by the instance
-- that takes it: per project and priority, the jobs queued and at work at that moment, and of the
-- jobs that finished in the window before it, how many and how long they waited in Sluice's queue
-- (created -> claimed) and in the upstream's (submitted -> started), at the 50th and 99th
-- percentile. Charts over an hour, a day or a week read these rows, never the job table. A
-- project and priority with nothing queued, running or finished in a window writes no row.
CREATE TABLE project_snapshot (
    taken_at            timestamptz      NOT NULL,
    -- The window of finished jobs: (previous counted_to, counted_to].
    counted_to          timestamptz      NOT NULL,
    project_id          bigint           NOT NULL,
    priority            smallint         NOT NULL,
    queued              bigint           NOT NULL,
    running             bigint           NOT NULL,
    succeeded           integer          NOT NULL,
    failed              integer          NOT NULL,
    cancelled           integer          NOT NULL,
    queue_wait_p50_s    double precision,
    queue_wait_p99_s    double precision,
    upstream_wait_p50_s double precision,
    upstream_wait_p99_s double precision
);
-- One project's series (a project key's overview), and the whole cluster's by time (an admin's).
CREATE INDEX project_snapshot_project_idx ON project_snapshot (project_id, taken_at);
CREATE INDEX project_snapshot_taken_idx ON project_snapshot (taken_at);
