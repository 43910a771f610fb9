-- Following jobs through an upstream's own queue (the tinker protocol).

-- The key that makes a re-send the same request upstream: the sampling session and seq_id it was
-- sent with. Written before the first POST of a request and kept across crashes and 410s; cleared
-- only when the upstream answered the request with a definite error and a retry must be new.
ALTER TABLE job ADD COLUMN upstream_session text;
ALTER TABLE job ADD COLUMN upstream_seq_id bigint;
-- Consecutive failed polls (429, 5xx, timeouts): the next poll waits min(2^n, 30) s.
ALTER TABLE job ADD COLUMN poll_errors integer NOT NULL DEFAULT 0;

-- seq_ids are drawn from one sequence: unique in every sampling session, and increasing.
CREATE SEQUENCE upstream_seq_id;

-- Due polls, soonest first: only submitted rows, so it stays as small as the upstream's backlog.
CREATE INDEX job_poll_idx ON job (next_poll_at) WHERE state = 'submitted';

-- One Tinker session and sampling session per upstream and base model, made once and reused after
-- a restart (sessions are the upstream's state; making one per job would flood it).
CREATE TABLE tinker_session (
    upstream            text        NOT NULL,
    base_model          text        NOT NULL,
    session_id          text        NOT NULL,
    sampling_session_id text        NOT NULL,
    created_at          timestamptz NOT NULL,
    PRIMARY KEY (upstream, base_model)
);
