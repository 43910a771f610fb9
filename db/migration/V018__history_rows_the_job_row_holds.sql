-- A job's history is read from job_history: the rows of job_status_history, and the three that the
-- job row itself already holds, which are no longer written twice.
--   queued     at created_at, attempt 0     (the enqueue; was a row per job, written by the intake)
--   claimed    at claimed_at, attempt 1     (the first claim; claimed_at is set by it and never again)
--   succeeded  at finished_at, its attempts (the success; a succeeded job never changes state again)
-- Every other change (a later claim, a deferral, a send, a poll, a failure, a cancel, a retry, a
-- rescue) is still a row of job_status_history, written in the statement that makes it.
-- Each of the three is read out only when no row of job_status_history says the same (the same
-- state at the same moment): rows written before this migration, or by an instance of an older
-- version during an upgrade, are shown once. Each of those checks is one probe of
-- job_status_history_job_idx (job_id, id) per partition, pruned to the one partition of the
-- moment at run time.
-- A job's history is read one job at a time (the API's and the dashboard's timeline): WHERE
-- job_id = ... reaches each branch, as job_status_history_job_idx or job_pkey.
-- The derived rows have no id of their own: row_key is theirs, negative (the job's id times 4 plus
-- the row's place), and ord puts rows of one moment in the order they happen.
-- Measured (bench/RESULTS.md, 2026-12-01): each job that is enqueued, claimed once and succeeds
-- writes no history row instead of three.
CREATE VIEW job_history AS
SELECT h.id AS row_key, h.id, h.job_id, h.observed_at, 2 AS ord, h.source, h.state, h.attempt, h.detail,
       h.http_status, h.status, h.queue_state, h.queue_state_reason, h.queue_position, h.queue_depth,
       h.estimated_wait_s, h.progress, h.retry_after_s, h.headers, h.repeats, h.last_observed_at
FROM job_status_history h
UNION ALL
SELECT -(j.id * 4), NULL, j.id, j.created_at, 0, 'queue', 'queued', 0, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL
FROM job j
WHERE NOT EXISTS (SELECT 1 FROM job_status_history h
                  WHERE h.job_id = j.id AND h.observed_at = j.created_at AND h.source = 'queue'
                    AND h.state = 'queued' AND h.attempt = 0 AND h.detail IS NULL)
UNION ALL
SELECT -(j.id * 4 + 1), NULL, j.id, j.claimed_at, 1, 'queue', 'claimed', 1, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL
FROM job j
WHERE j.claimed_at IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM job_status_history h
                  WHERE h.job_id = j.id AND h.observed_at = j.claimed_at AND h.source = 'queue'
                    AND h.state = 'claimed' AND h.attempt = 1)
UNION ALL
SELECT -(j.id * 4 + 3), NULL, j.id, j.finished_at, 3, 'queue', 'succeeded', j.attempts, NULL,
       NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, 1, NULL
FROM job j
WHERE j.state = 'succeeded'
  AND NOT EXISTS (SELECT 1 FROM job_status_history h
                  WHERE h.job_id = j.id AND h.observed_at = j.finished_at AND h.source = 'queue'
                    AND h.state = 'succeeded');
