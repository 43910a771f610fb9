-- The overview's charts over a day or a week read five-minute buckets, not every snapshot: a week
-- is 2,016 buckets per project and priority instead of 60,480 snapshots. ProjectSnapshots adds
-- each snapshot into its bucket as it takes it, per project and for every project together
-- (project_id 0: the sums across projects at each moment, so the deepest queue of a bucket is the
-- deepest the whole queue was, not a sum of each project's deepest).
CREATE TABLE project_snapshot_5m (
    bucket                 timestamptz      NOT NULL,
    project_id             bigint           NOT NULL,
    priority               smallint         NOT NULL,
    queued_max             bigint           NOT NULL,
    running_max            bigint           NOT NULL,
    finished               bigint           NOT NULL,
    failed                 bigint           NOT NULL,
    -- Sum of p50 x jobs over the snapshots, and of their jobs: their ratio is the bucket's p50.
    queue_wait_weighted    double precision NOT NULL,
    queue_wait_jobs        bigint           NOT NULL,
    queue_wait_p99_max     double precision,
    upstream_wait_weighted double precision NOT NULL,
    upstream_wait_jobs     bigint           NOT NULL,
    upstream_wait_p99_max  double precision,
    PRIMARY KEY (project_id, bucket, priority)
);
-- Retention deletes by time.
CREATE INDEX project_snapshot_5m_bucket_idx ON project_snapshot_5m (bucket);
