-- Live Sluice instances. Each upserts its row every few seconds; an instance whose heartbeat is
-- older than sluice.nodes.dead-after is not counted. Each live instance sends at most
-- (configured limit / live instances), so the upstream sees the configured total however many run.
CREATE TABLE node (
    id           text PRIMARY KEY,
    host         text        NOT NULL,
    pid          bigint      NOT NULL,
    started_at   timestamptz NOT NULL,
    heartbeat_at timestamptz NOT NULL
);
