-- job_tokens_used (V012) runs once for every job that succeeds, inside the statement that writes the
-- success. Its sub-selects (over Tinker's sequences) kept the planner from inlining it, so each row
-- called it as a function of its own, with an executor started and stopped each time: a fifth of
-- PostgreSQL's work per job in a drain of no-op jobs (bench/PROFILES.md, "Issue 17, third session").
-- Now the outer function is a plain expression, which the planner inlines into the UPDATE; the
-- sub-selects moved to job_tokens_in_sequences, called only for an answer that has sequences.
-- The value is the same for every answer.
CREATE FUNCTION job_tokens_in_sequences(result jsonb, payload jsonb) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT least(
    (SELECT coalesce(sum(jsonb_array_length(s -> 'tokens')), 0) FROM jsonb_array_elements(result -> 'sequences') s
     WHERE jsonb_typeof(s -> 'tokens') = 'array')
  + (SELECT coalesce(sum(jsonb_array_length(c -> 'tokens')), 0)
     FROM jsonb_array_elements(CASE WHEN jsonb_typeof(payload -> 'prompt' -> 'chunks') = 'array'
                                    THEN payload -> 'prompt' -> 'chunks' ELSE '[]' END) c
     WHERE jsonb_typeof(c -> 'tokens') = 'array'),
    2147483647)::integer
$$;

CREATE OR REPLACE FUNCTION job_tokens_used(result jsonb, payload jsonb) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
SELECT CASE
    WHEN jsonb_typeof(result -> 'usage' -> 'total_tokens') = 'number'
        THEN least(greatest((result -> 'usage' ->> 'total_tokens')::numeric, 0), 2147483647)::integer
    WHEN jsonb_typeof(result -> 'sequences') = 'array'
        THEN job_tokens_in_sequences(result, payload)
END
$$;
