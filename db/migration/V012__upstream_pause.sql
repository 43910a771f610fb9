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
