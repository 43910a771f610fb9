-- Pauses an operator set (POST /api/v1/upstreams/{name}/pause): new sends to the upstream, or to
-- one model of it, stop on every instance until resumed or until paused_until. Enqueue goes on,
-- and jobs already upstream are polled to the end. A row per pause; resuming deletes it. Every
-- change sends NOTIFY sluice_pause, so the other instances re-read this table at once.
CREATE TABLE upstream_pause (
    upstream     text        NOT NULL,
    -- '' pauses the whole upstream; otherwise the model (as the job's payload names it).
    model        text        NOT NULL DEFAULT '',
    reason       text,
    -- NULL: until resumed.
    paused_until timestamptz,
    paused_at    timestamptz NOT NULL,
    -- Who: the key's id and name, as the audit log has them.
    paused_by    text        NOT NULL,
    PRIMARY KEY (upstream, model)
);

-- The model a job asks for, read from its payload at enqueue (model for openai, base_model for
-- tinker; NULL when it names none): per-model limits, pauses and reports go by it.
ALTER TABLE job ADD COLUMN model text;
-- Whether token_count was estimated by Sluice (the client sent none), and the tokens the
-- upstream's answer says the job used (usage.total_tokens; prompt plus generated for tinker).
ALTER TABLE job ADD COLUMN token_estimated boolean NOT NULL DEFAULT false;
ALTER TABLE job ADD COLUMN tokens_used integer CHECK (tokens_used >= 0);

-- What was sent to an upstream (or one model of it) in a rolling window: the requests and tokens
-- per day and per minute that limits and GET /api/v1/upstreams count, from the jobs themselves,
-- so a restart or a new instance never starts a fresh day. Rows never sent are not in it.
CREATE INDEX job_sent_idx ON job (upstream, model, submitted_at) WHERE submitted_at IS NOT NULL;

-- The tokens an upstream's answer says a job used: usage.total_tokens (OpenAI-compatible), or
-- the prompt's token ids plus every sequence's generated tokens (tinker). NULL when the answer
-- says nothing of it. Bounded to an integer whatever the answer claims.
CREATE FUNCTION job_tokens_used(result jsonb, payload jsonb) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN jsonb_typeof(result -> 'usage' -> 'total_tokens') = 'number'
        THEN least(greatest((result -> 'usage' ->> 'total_tokens')::numeric, 0), 2147483647)::integer
    WHEN jsonb_typeof(result -> 'sequences') = 'array'
        THEN least(
            (SELECT coalesce(sum(jsonb_array_length(s -> 'tokens')), 0) FROM jsonb_array_elements(result -> 'sequences') s
             WHERE jsonb_typeof(s -> 'tokens') = 'array')
          + (SELECT coalesce(sum(jsonb_array_length(c -> 'tokens')), 0)
             FROM jsonb_array_elements(CASE WHEN jsonb_typeof(payload -> 'prompt' -> 'chunks') = 'array'
                                            THEN payload -> 'prompt' -> 'chunks' ELSE '[]' END) c
             WHERE jsonb_typeof(c -> 'tokens') = 'array'),
            2147483647)::integer
END
$$;

-- Reports by model: job_timeline gains the model (a new last column), wait_time_stats a model
-- column and group_by 'model' (rows per upstream and model).
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
       extract(epoch FROM t.started_at - j.submit_estimate_at)::double precision - j.submit_estimated_wait_s
           AS eta_error_s,
       j.project_id,
       j.model
FROM job j
CROSS JOIN LATERAL (
    SELECT coalesce(j.started_at,
                    CASE WHEN j.upstream_request_id IS NULL AND j.submitted_at IS NOT NULL
                         THEN j.submitted_at END) AS started_at) t;

DROP FUNCTION wait_time_stats(timestamptz, timestamptz, text, text, bigint);
-- As in V011, plus group_by 'model' (by upstream and model, the new model column).
CREATE FUNCTION wait_time_stats(from_ts timestamptz, to_ts timestamptz, bucket text,
                                group_by text DEFAULT 'priority_upstream', only_project bigint DEFAULT NULL)
    RETURNS TABLE (bucket_start timestamptz, priority text, upstream text, batch_id bigint, model text,
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
    LANGUAGE sql STABLE AS $$
    SELECT date_trunc(bucket, t.created_at) AS bucket_start,
           CASE WHEN group_by IN ('priority', 'priority_upstream') THEN t.priority END,
           CASE WHEN group_by IN ('upstream', 'priority_upstream', 'model') THEN t.upstream END,
           CASE WHEN group_by = 'batch' THEN t.batch_id END,
           CASE WHEN group_by = 'model' THEN t.model END,
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
      AND (only_project IS NULL OR t.project_id = only_project)
      AND bucket IN ('hour', 'day')
      AND group_by IN ('priority_upstream', 'priority', 'upstream', 'batch', 'model')
    GROUP BY 1, 2, 3, 4, 5
    ORDER BY 1, 2, 3, 4, 5
$$;
