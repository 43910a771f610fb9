-- Reporting on wait times, and tables that stay healthy at hundreds of millions of history rows.
-- See docs/reporting.md.

-- 1. What the timeline needs on the job row itself, so that statistics over a day of jobs read
--    one table and no history: how many polls the job took, and the upstream's own forecast (its
--    queue position and estimated wait in the first snapshot after the request was sent, and
--    when that snapshot came).
ALTER TABLE job ADD COLUMN polls integer NOT NULL DEFAULT 0;
ALTER TABLE job ADD COLUMN submit_queue_position integer;
ALTER TABLE job ADD COLUMN submit_estimated_wait_s double precision;
ALTER TABLE job ADD COLUMN submit_estimate_at timestamptz;

-- Reports select jobs by the hour they were enqueued; retention finds old finished jobs. Both
-- columns grow with the table's physical order (rows are appended, and updated in place), so
-- BRIN indexes serve them at almost no cost to writes: a few pages for millions of rows.
CREATE INDEX job_created_brin ON job USING brin (created_at) WITH (pages_per_range = 32);
CREATE INDEX job_finished_brin ON job USING brin (finished_at) WITH (pages_per_range = 32);
-- The few jobs waiting for an operator, for the queue snapshot's count.
CREATE INDEX job_submit_unknown_idx ON job (upstream) WHERE state = 'submit_unknown';

-- 2. The hot table. A job row is updated 3 to 6 times in its life (claim, submit, polls, finish)
--    and deleted by retention, so dead tuples pile up at the rate of the queue's throughput.
--    - fillfactor 80: room on each page for the updated row version, so most updates are HOT
--      (no index entries written; the claim index is partial and only 'queued' rows are in it).
--    - vacuum after 2% of rows plus 1,000 are dead (the default 20% lets a 10M-row table carry
--      2M dead rows before a vacuum starts); analyze after 1% plus 1,000 changed, so the planner
--      sees the queued/finished mix as it moves.
--    - cost limit 2,000 and no delay: a vacuum of this table finishes in seconds instead of
--      sleeping between pages at the default throttle, which on a busy queue never catches up.
--    - insert-driven vacuum (PostgreSQL 13+) after 2% inserted keeps the visibility map fresh for
--      index-only counts of the claim index.
ALTER TABLE job SET (
    fillfactor = 80,
    autovacuum_vacuum_scale_factor = 0.02,
    autovacuum_vacuum_threshold = 1000,
    autovacuum_analyze_scale_factor = 0.01,
    autovacuum_analyze_threshold = 1000,
    autovacuum_vacuum_cost_limit = 2000,
    autovacuum_vacuum_cost_delay = 0,
    autovacuum_vacuum_insert_scale_factor = 0.02,
    autovacuum_vacuum_insert_threshold = 1000);

-- 3. Time-partitioned tables. Partitions are one day each, named <table>_pYYYYMMDD, created ahead
--    by Sluice (sluice_ensure_partitions) and dropped by its retention (sluice_drop_partitions). A
--    DEFAULT partition catches a row no daily partition covers (a clock far off), so a missing
--    partition never stops the queue. History has no foreign key to job: history is dropped by
--    partition and finished jobs by retention, each on its own schedule, without one waiting on
--    the other.
CREATE FUNCTION sluice_partition_name(parent regclass, day date) RETURNS text
    LANGUAGE sql IMMUTABLE AS $$
    SELECT parent::text || '_p' || to_char(day, 'YYYYMMDD')
$$;

-- Creates the daily partitions of parent from first_day to last_day (inclusive) that do not
-- exist. Each is made as a plain table with a CHECK matching its range, then attached: ATTACH
-- takes only a SHARE UPDATE EXCLUSIVE lock on the parent (CREATE ... PARTITION OF takes ACCESS
-- EXCLUSIVE), so inserts and reports go on meanwhile, and the CHECK spares the validation scan.
-- Returns how many it created.
CREATE FUNCTION sluice_ensure_partitions(parent regclass, first_day date, last_day date) RETURNS integer
    LANGUAGE plpgsql AS $$
DECLARE
    day date;
    part text;
    created integer := 0;
    key text;
BEGIN
    SELECT a.attname INTO key
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent;
    FOR day IN SELECT generate_series(first_day, last_day, interval '1 day')::date LOOP
        part := sluice_partition_name(parent, day);
        CONTINUE WHEN to_regclass(part) IS NOT NULL;
        EXECUTE format('CREATE TABLE %I (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS)', part, parent);
        EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (%I >= %L AND %I < %L)',
                       part, part || '_range', key, day::timestamptz, key, (day + 1)::timestamptz);
        EXECUTE format('ALTER TABLE %s ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)',
                       parent, part, day::timestamptz, (day + 1)::timestamptz);
        EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_range');
        created := created + 1;
    END LOOP;
    RETURN created;
END $$;

-- Drops the daily partitions of parent that end on or before cutoff, and deletes what the
-- DEFAULT partition holds from before it. Returns the names of the dropped partitions.
CREATE FUNCTION sluice_drop_partitions(parent regclass, cutoff timestamptz) RETURNS SETOF text
    LANGUAGE plpgsql AS $$
DECLARE
    part record;
    key text;
BEGIN
    SELECT a.attname INTO key
    FROM pg_partitioned_table p JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
    WHERE p.partrelid = parent;
    FOR part IN
        SELECT c.oid::regclass::text AS name
        FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = parent
          AND NOT pg_get_expr(c.relpartbound, c.oid) = 'DEFAULT'
          AND c.relname ~ '_p[0-9]{8}$'
          AND to_date(right(c.relname, 8), 'YYYYMMDD') + 1 <= cutoff
        ORDER BY c.relname
    LOOP
        EXECUTE format('DROP TABLE %s', part.name);
        RETURN NEXT part.name;
    END LOOP;
    EXECUTE format('DELETE FROM %s WHERE %I < %L', parent::text || '_default', key, cutoff);
END $$;

ALTER TABLE job_status_history RENAME TO job_status_history_unpartitioned;
ALTER INDEX job_status_history_job_idx RENAME TO job_status_history_unpartitioned_job_idx;

CREATE TABLE job_status_history (
    id                 bigserial,
    job_id             bigint      NOT NULL,
    observed_at        timestamptz NOT NULL,
    -- 'queue': a change of our own state; 'upstream': a snapshot the upstream gave us.
    source             text        NOT NULL CHECK (source IN ('queue', 'upstream')),
    state              text        NOT NULL,
    attempt            integer     NOT NULL,
    detail             text,
    http_status        integer,
    -- The upstream's queue fields, stored as they came (unknown strings are kept, never rejected).
    status             text,
    queue_state        text,
    queue_state_reason text,
    queue_position     integer,
    queue_depth        integer,
    estimated_wait_s   double precision,
    progress           jsonb,
    retry_after_s      double precision,
    headers            jsonb
) PARTITION BY RANGE (observed_at);

CREATE INDEX job_status_history_job_idx ON job_status_history (job_id, id);
CREATE TABLE job_status_history_default PARTITION OF job_status_history DEFAULT;

-- Partitions for the history already kept, and the week ahead; then the rows move over.
SELECT sluice_ensure_partitions('job_status_history',
                                coalesce((SELECT min(observed_at) FROM job_status_history_unpartitioned),
                                         now())::date,
                                (now() + interval '7 days')::date);
INSERT INTO job_status_history
SELECT * FROM job_status_history_unpartitioned;
SELECT setval(pg_get_serial_sequence('job_status_history', 'id'),
              greatest((SELECT max(id) FROM job_status_history_unpartitioned), 1));
DROP TABLE job_status_history_unpartitioned;

-- 4. Queue depth over time: one row per upstream per snapshot (sluice.reporting.snapshot-interval),
--    taken by one instance at a time.
CREATE TABLE queue_snapshot (
    taken_at               timestamptz NOT NULL,
    upstream               text        NOT NULL,
    taken_by               text        NOT NULL,
    queued_high            integer     NOT NULL,
    queued_normal          integer     NOT NULL,
    queued_low             integer     NOT NULL,
    claimed                integer     NOT NULL,
    submitted              integer     NOT NULL,
    submit_unknown         integer     NOT NULL,
    -- Seconds the oldest queued job of each priority has waited (null: none queued).
    oldest_queued_high_s   double precision,
    oldest_queued_normal_s double precision,
    oldest_queued_low_s    double precision,
    -- Jobs being sent or followed upstream (claimed + submitted), cluster-wide.
    in_flight              integer     NOT NULL,
    -- The configured limit for the whole cluster, and the request permits the taking instance's
    -- limiter had free at that moment (its share of the limit).
    requests_per_minute    bigint,
    permits_available      integer,
    live_nodes             integer     NOT NULL
) PARTITION BY RANGE (taken_at);

CREATE INDEX queue_snapshot_taken_idx ON queue_snapshot (taken_at, upstream);
CREATE TABLE queue_snapshot_default PARTITION OF queue_snapshot DEFAULT;
SELECT sluice_ensure_partitions('queue_snapshot', now()::date, (now() + interval '7 days')::date);

-- 5. One row per job, with where it waited. Seconds are derived from the job row's own times:
--    queue_wait_s     created to first claimed (our queue);
--    upstream_queue_wait_s  submitted (last time the request was sent) to started (the first
--                     snapshot that showed it running), the upstream's queue; for an upstream
--                     that answers in the same call (openai), the call counts as running;
--    run_s            started to finished;  total_s  created to finished.
CREATE VIEW job_timeline AS
SELECT j.id AS job_id,
       j.batch_id,
       j.upstream,
       CASE j.priority WHEN 0 THEN 'high' WHEN 1 THEN 'normal' ELSE 'low' END AS priority,
       j.state,
       j.created_at,
       j.claimed_at,
       j.submitted_at,
       t.started_at,
       j.finished_at,
       extract(epoch FROM j.claimed_at - j.created_at)::double precision AS queue_wait_s,
       greatest(extract(epoch FROM t.started_at - j.submitted_at), 0)::double precision AS upstream_queue_wait_s,
       greatest(extract(epoch FROM j.finished_at - t.started_at), 0)::double precision AS run_s,
       extract(epoch FROM j.finished_at - j.created_at)::double precision AS total_s,
       j.attempts,
       j.polls,
       j.submit_queue_position,
       j.submit_estimated_wait_s,
       -- How late the job started against the upstream's forecast (negative: earlier).
       extract(epoch FROM t.started_at - j.submit_estimate_at)::double precision - j.submit_estimated_wait_s
           AS eta_error_s
FROM job j
CROSS JOIN LATERAL (
    SELECT coalesce(j.started_at,
                    CASE WHEN j.upstream_request_id IS NULL AND j.submitted_at IS NOT NULL
                         THEN j.submitted_at END) AS started_at) t;

-- 6. Wait-time statistics of the jobs created in [from_ts, to_ts), per bucket ('hour' or 'day',
--    by created_at) and per group: 'priority_upstream' (default), 'priority', 'upstream' or
--    'batch'; columns not grouped by are null. Percentiles are continuous (interpolated). The
--    eta_* columns compare the upstream's estimated wait at submit with the wait that followed,
--    over the jobs that had both (eta_jobs): mean error (eta_error_s: positive means it started
--    later than forecast), mean absolute error, and the share of jobs that started late.
CREATE FUNCTION wait_time_stats(from_ts timestamptz, to_ts timestamptz, bucket text,
                                group_by text DEFAULT 'priority_upstream')
    RETURNS TABLE (bucket_start timestamptz, priority text, upstream text, batch_id bigint,
                   jobs bigint, finished bigint,
                   queue_wait_p50 double precision, queue_wait_p90 double precision,
                   queue_wait_p99 double precision, queue_wait_max double precision,
                   upstream_wait_p50 double precision, upstream_wait_p90 double precision,
                   upstream_wait_p99 double precision, upstream_wait_max double precision,
                   run_p50 double precision, run_p90 double precision,
                   run_p99 double precision, run_max double precision,
                   total_p50 double precision, total_p90 double precision,
                   total_p99 double precision, total_max double precision,
                   eta_jobs bigint, eta_mean_error_s double precision,
                   eta_mean_abs_error_s double precision, eta_late_share double precision)
    -- A plain STABLE SQL function with no SET clause: the planner inlines it into the calling
    -- query, so it plans with the real range (BRIN, parallel workers), and columns the caller does
    -- not select are not computed. The cost is the percentile sorts: bench/reporting.sh measures
    -- a day of about 143,000 jobs (a million over a week) in 0.6 to 0.9 s, and a day holding a
    -- million jobs in about 4 s.
    LANGUAGE sql STABLE AS $$
    SELECT date_trunc(bucket, t.created_at) AS bucket_start,
           CASE WHEN group_by IN ('priority', 'priority_upstream') THEN t.priority END,
           CASE WHEN group_by IN ('upstream', 'priority_upstream') THEN t.upstream END,
           CASE WHEN group_by = 'batch' THEN t.batch_id END,
           count(*),
           count(t.finished_at),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.queue_wait_s),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY t.queue_wait_s),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY t.queue_wait_s),
           max(t.queue_wait_s),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.upstream_queue_wait_s),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY t.upstream_queue_wait_s),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY t.upstream_queue_wait_s),
           max(t.upstream_queue_wait_s),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.run_s),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY t.run_s),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY t.run_s),
           max(t.run_s),
           percentile_cont(0.5) WITHIN GROUP (ORDER BY t.total_s),
           percentile_cont(0.9) WITHIN GROUP (ORDER BY t.total_s),
           percentile_cont(0.99) WITHIN GROUP (ORDER BY t.total_s),
           max(t.total_s),
           count(t.eta_error_s),
           avg(t.eta_error_s),
           avg(abs(t.eta_error_s)),
           avg(CASE WHEN t.eta_error_s > 0 THEN 1.0 ELSE 0.0 END) FILTER (WHERE t.eta_error_s IS NOT NULL)
    FROM job_timeline t
    WHERE t.created_at >= from_ts AND t.created_at < to_ts
      AND bucket IN ('hour', 'day')
      AND group_by IN ('priority_upstream', 'priority', 'upstream', 'batch')
    GROUP BY 1, 2, 3, 4
    ORDER BY 1, 2, 3, 4
$$;
