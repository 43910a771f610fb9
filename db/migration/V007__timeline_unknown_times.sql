-- job_timeline as in V006, except that a wait whose end or start is unknown is null, not 0:
-- greatest() skips a null argument, so greatest(null, 0) was 0, and a job the upstream never
-- showed running counted as having waited 0 s upstream (and run 0 s), pulling the percentiles down.
CREATE OR REPLACE VIEW job_timeline AS
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
       -- greatest() skips nulls, so a missing time is kept null explicitly: no start, no wait.
       CASE WHEN t.started_at IS NOT NULL AND j.submitted_at IS NOT NULL
            THEN greatest(extract(epoch FROM t.started_at - j.submitted_at), 0)::double precision
       END AS upstream_queue_wait_s,
       CASE WHEN t.started_at IS NOT NULL AND j.finished_at IS NOT NULL
            THEN greatest(extract(epoch FROM j.finished_at - t.started_at), 0)::double precision
       END AS run_s,
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
