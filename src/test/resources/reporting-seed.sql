-- A known set of jobs for the reporting tests (ReportingTest, ReportingDocsTest). Day D is
-- midnight UTC two days ago; every wait is chosen so each figure can be worked out by hand.

-- 10 high-priority mint jobs, created at D 10:01 .. 10:10: job i waits i s in our queue, 10*i s
-- in the upstream's (which forecast 50 s, at the moment of the send), and runs 5 s.
INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, attempts, max_attempts, run_after,
                 upstream_request_id, created_at, claimed_at, submitted_at, started_at, finished_at, polls,
                 submit_queue_position, submit_estimated_wait_s, submit_estimate_at)
SELECT 'mint', '/api/v1/asample', '{}', 1, 0, 'succeeded', 1, 3, c, 'req-high-' || i,
       c, c + make_interval(secs => i), c + make_interval(secs => i), c + make_interval(secs => 11 * i),
       c + make_interval(secs => 11 * i + 5), i, 20 + i, 50, c + make_interval(secs => i)
FROM generate_series(1, 10) i,
     LATERAL (SELECT date_trunc('day', now()) - interval '2 days' + interval '10 hours' + make_interval(mins => i) AS c) d;

-- 10 low-priority mint jobs, created at D 10:31 .. 10:40: job i waits 100*i s in our queue, 20 s
-- upstream (no forecast given), and runs 5 s.
INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, attempts, max_attempts, run_after,
                 upstream_request_id, created_at, claimed_at, submitted_at, started_at, finished_at, polls)
SELECT 'mint', '/api/v1/asample', '{}', 1, 2, 'succeeded', 1, 3, c, 'req-low-' || i,
       c, c + make_interval(secs => 100 * i), c + make_interval(secs => 100 * i),
       c + make_interval(secs => 100 * i + 20), c + make_interval(secs => 100 * i + 25), 3
FROM generate_series(1, 10) i,
     LATERAL (SELECT date_trunc('day', now()) - interval '2 days' + interval '10 hours 30 minutes'
                     + make_interval(mins => i) AS c) d;

-- 5 normal-priority groq jobs (answered in the same call), created at D+1 09:01 .. 09:05: each
-- waits 2 s in our queue and its call takes 1 s.
INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, attempts, max_attempts, run_after,
                 created_at, claimed_at, submitted_at, finished_at)
SELECT 'groq', '/openai/v1/chat/completions', '{}', 1, 1, 'succeeded', 1, 3, c,
       c, c + interval '2 seconds', c + interval '2 seconds', c + interval '3 seconds'
FROM generate_series(1, 5) i,
     LATERAL (SELECT date_trunc('day', now()) - interval '1 day' + interval '9 hours' + make_interval(mins => i) AS c) d;

-- 2 normal-priority mint jobs that failed after 3 attempts, created at D 11:01 and 11:02; the
-- upstream took each request but never showed it running.
INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, attempts, max_attempts, run_after,
                 upstream_request_id, created_at, claimed_at, submitted_at, finished_at, error)
SELECT 'mint', '/api/v1/asample', '{}', 1, 1, 'failed', 3, 3, c, 'req-failed-' || i,
       c, c + interval '3 seconds', c + interval '3 seconds', c + interval '63 seconds', 'HTTP 500: injected'
FROM generate_series(1, 2) i,
     LATERAL (SELECT date_trunc('day', now()) - interval '2 days' + interval '11 hours' + make_interval(mins => i) AS c) d;

-- 1 mint job cancelled while queued, created at D 11:30.
INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after,
                 created_at, finished_at)
SELECT 'mint', '/api/v1/asample', '{}', 1, 1, 'cancelled', 3, c, c, c + interval '30 seconds'
FROM (SELECT date_trunc('day', now()) - interval '2 days' + interval '11 hours 30 minutes' AS c) d;

-- 3 mint jobs queued now: high for 10 minutes, normal for 20, low for 30.
INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after, created_at)
SELECT 'mint', '/api/v1/asample', '{}', 1, p, 'queued', 3, now(), now() - make_interval(mins => 10 * (p + 1))
FROM generate_series(0, 2) p;

-- Three snapshots of mint's queue at D 10:00:00, :10 and :20.
INSERT INTO queue_snapshot (taken_at, upstream, taken_by, queued_high, queued_normal, queued_low, claimed, submitted,
                            submit_unknown, oldest_queued_high_s, oldest_queued_normal_s, oldest_queued_low_s,
                            in_flight, requests_per_minute, permits_available, live_nodes)
SELECT date_trunc('day', now()) - interval '2 days' + interval '10 hours' + make_interval(secs => 10 * k),
       'mint', 'seed', q, 2, 1, 4, 6, 0, 30 + k, 60, 90, 10, 600, 5, 2
FROM (VALUES (0, 5), (1, 7), (2, 6)) AS s(k, q);
