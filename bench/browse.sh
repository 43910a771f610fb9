#!/usr/bin/env bash
# The operator's surface on a big database: GET /api/v1/jobs by each filter, GET /api/v1/batches,
# and every dashboard page, timed over HTTP against a running Sluice (median of 5, after one
# untimed). Usage: bench/browse.sh [JOBS]   (default 10,000,000; about 15 minutes at that size)
#
# Seeds JOBS jobs straight into a database of its own (sluice_bench_browse), as a week of work of
# 5 projects: 90% in batches of 10,000, 93% succeeded, 2% failed, 1% cancelled, 4% still queued,
# 3 priorities, 3 upstreams, 5 models plus one rare model (1 job in 100,000); with the batches'
# counts and progress and a week of project snapshots at 10 s, as Sluice's trackers write them.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-10000000}
DB=${DB:-sluice_bench_browse}
PORT=${PORT:-18080}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning"
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

if [ -z "${JAVA_HOME:-}" ]; then
  for d in /usr/lib/jvm/*; do
    [ -x "$d/bin/java" ] || continue
    v=$("$d/bin/java" -version 2>&1 | sed -nE '1s/.*version "([0-9]+).*/\1/p' || true)
    if [ "${v:-0}" -ge 21 ]; then JAVA_HOME=$d; fi
  done
fi
[ -f target/sluice.jar ] || ./mvnw -q -B -ntp -DskipTests package
KEY=sk-sluice-bench-browse-not-a-secret-000000

# SEEDED=1 (with KEEP=1 on the run before): measure again on the database already seeded.
[ "${SEEDED:-0}" = 1 ] || psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
sluice_pid=""
cleanup() {
  [ -n "$sluice_pid" ] && kill "$sluice_pid" 2>/dev/null && wait "$sluice_pid" 2>/dev/null || true
  [ "${KEEP:-0}" = 1 ] || psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# Sluice makes the schema (Flyway) and serves; it claims nothing (dispatch off), so what is seeded stays.
SLUICE_ADMIN_KEY=$KEY "$JAVA_HOME/bin/java" -jar target/sluice.jar --server.port=$PORT \
  --spring.datasource.url=jdbc:postgresql://$PGHOST:$PGPORT/$DB --sluice.dispatch.enabled=false \
  > "${TMPDIR:-/tmp}/sluice-browse.log" 2>&1 &
sluice_pid=$!
for _ in $(seq 1 120); do curl -sf -o /dev/null localhost:$PORT/actuator/health && break; sleep 1; done

s=$(date +%s)
[ "${SEEDED:-0}" = 1 ] || q >/dev/null <<SQL
INSERT INTO project (id, name, created_at) SELECT g, 'team-' || g, now() FROM generate_series(2, 5) g;
INSERT INTO batch (id, created_at, project_id, job_count)
SELECT b, now() - interval '7 days' + make_interval(secs => (b - 1) * 10000 * 604800.0 / $JOBS), 1 + b % 5, 0
FROM generate_series(1, ($JOBS + 9999) / 10000) b;
INSERT INTO job (batch_id, custom_id, upstream, endpoint, payload, token_count, priority, state, attempts,
                 max_attempts, run_after, created_at, claimed_at, submitted_at, finished_at, project_id, model,
                 error, fair_tag)
SELECT CASE WHEN g % 10 = 0 THEN NULL ELSE (g - 1) / 10000 + 1 END,
       CASE WHEN g % 10 = 0 THEN NULL ELSE 'c' || g END,
       'up' || (g / 7 % 3), '/v1/chat/completions', '{}', 100, g % 3, st,
       CASE WHEN st = 'queued' THEN 0 ELSE 1 END, 3, c, c,
       CASE WHEN st IN ('succeeded', 'failed') THEN c + interval '2 seconds' END,
       CASE WHEN st IN ('succeeded', 'failed') THEN c + interval '3 seconds' END,
       CASE WHEN st = 'queued' THEN NULL ELSE c + interval '9 seconds' END,
       1 + ((g - 1) / 10000 + 1) % 5,
       CASE WHEN g % 100000 = 7 THEN 'rare' ELSE 'model-' || (g / 100 % 5) END,
       CASE WHEN st = 'failed' THEN 'upstream answered 500 three times' END, g
FROM (SELECT g, now() - interval '7 days' + make_interval(secs => g * 604800.0 / $JOBS) AS c,
             CASE WHEN g % 100 < 93 THEN 'succeeded' WHEN g % 100 < 95 THEN 'failed'
                  WHEN g % 100 < 96 THEN 'cancelled' ELSE 'queued' END AS st
      FROM generate_series(1, $JOBS) g) s;
-- The batches as BatchTracker leaves them: counted, finished when nothing is left to run.
UPDATE batch b SET job_count = c.n, queued = c.queued, succeeded = c.ok, failed = c.bad, cancelled = c.off,
       counted_at = now(), finished_at = CASE WHEN c.queued = 0 THEN now() END
FROM (SELECT batch_id, count(*) AS n, count(*) FILTER (WHERE state = 'queued') AS queued,
             count(*) FILTER (WHERE state = 'succeeded') AS ok, count(*) FILTER (WHERE state = 'failed') AS bad,
             count(*) FILTER (WHERE state = 'cancelled') AS off
      FROM job WHERE batch_id IS NOT NULL GROUP BY batch_id) c WHERE b.id = c.batch_id;
INSERT INTO batch_progress (batch_id, taken_at, queued, running, succeeded, failed, cancelled)
SELECT b.id, b.created_at + make_interval(secs => k * 10), greatest(b.job_count - k * 200, 0), 0,
       least(k * 200, b.succeeded), 0, 0
FROM batch b, generate_series(0, 59) k;
-- A week of snapshots every 10 s, 5 projects x 3 priorities, and their five-minute buckets.
INSERT INTO project_snapshot (taken_at, counted_to, project_id, priority, queued, running, succeeded, failed,
                              cancelled, queue_wait_p50_s, queue_wait_p99_s, upstream_wait_p50_s, upstream_wait_p99_s)
SELECT t, t - interval '2 seconds', p, pr, (1000 + 500 * sin(extract(epoch FROM t) / 3600))::bigint * (3 - pr),
       10, 20, 1, 0, 0.5 + pr * 3 + random(), 5 + pr * 20 + random() * 10, 1 + random(), 10 + random() * 5
FROM generate_series(now() - interval '7 days', now(), interval '10 seconds') t,
     generate_series(1, 5) p, generate_series(0, 2) pr;
INSERT INTO project_snapshot_5m
SELECT bucket, p, priority, max(queued), max(running), sum(n), sum(failed), sum(q50 * n), sum(n), max(q99),
       sum(u50 * n), sum(n), max(u99)
FROM (SELECT date_bin('5 minutes', taken_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, project_id AS p,
             priority, queued, running, succeeded + failed + cancelled AS n, failed, queue_wait_p50_s AS q50,
             queue_wait_p99_s AS q99, upstream_wait_p50_s AS u50, upstream_wait_p99_s AS u99
      FROM project_snapshot) s
GROUP BY bucket, p, priority;
INSERT INTO project_snapshot_5m
SELECT bucket, 0, priority, max(queued), max(running), sum(n), sum(failed), sum(qw), sum(n), max(q99),
       sum(uw), sum(n), max(u99)
FROM (SELECT date_bin('5 minutes', taken_at, TIMESTAMPTZ '2000-01-01 00:00:00+00') AS bucket, taken_at, priority,
             sum(queued) AS queued, sum(running) AS running, sum(succeeded + failed + cancelled) AS n,
             sum(failed) AS failed, sum(queue_wait_p50_s * (succeeded + failed + cancelled)) AS qw,
             max(queue_wait_p99_s) AS q99, sum(upstream_wait_p50_s * (succeeded + failed + cancelled)) AS uw,
             max(upstream_wait_p99_s) AS u99
      FROM project_snapshot GROUP BY 1, 2, 3) s
GROUP BY bucket, priority;
VACUUM ANALYZE;
CHECKPOINT;
SQL
echo "browse_jobs $(q -c 'SELECT count(*) FROM job') jobs"
echo "browse_seed_s $(( $(date +%s) - s )) s"
echo "browse_database $(q -c "SELECT pg_database_size('$DB') / 1048576") MB"

# A signed-in browser session (the dashboard's pages), and the API with the key.
jar=$(mktemp); page=$(mktemp)
curl -s -c "$jar" -b "$jar" localhost:$PORT/login -o "$page"
token=$(grep -o 'name="_csrf" value="[^"]*"' "$page" | head -1 | sed 's/.*value="//;s/"$//')
curl -s -c "$jar" -b "$jar" -o /dev/null localhost:$PORT/login --data-urlencode "key=$KEY" --data-urlencode "_csrf=$token"

median_ms() {  # name, then curl arguments
  local name=$1 i t=() code; shift
  code=$(curl -s -o /dev/null -w '%{http_code}' "$@")
  for i in 1 2 3 4 5; do t+=($(curl -s -o /dev/null -w '%{time_total}' "$@" | awk '{printf "%d", $1 * 1000}')); done
  echo "$name $(printf '%s\n' "${t[@]}" | sort -n | sed -n 3p) ms (HTTP $code)"
}
api() { median_ms "$1" -H "Authorization: Bearer $KEY" "localhost:$PORT$2"; }
ui() { median_ms "$1" -b "$jar" "localhost:$PORT$2"; }

mid=$(( JOBS / 2 )); midbatch=$(( JOBS / 20000 ))
from=$(q -c "SELECT to_char((now() - interval '3 days') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
to=$(q -c "SELECT to_char((now() - interval '3 days' + interval '1 hour') AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
api jobs_list_newest "/api/v1/jobs?limit=100"
api jobs_list_page_deep "/api/v1/jobs?limit=100&before=$mid"
api jobs_state_failed "/api/v1/jobs?state=failed&limit=100"
api jobs_state_queued "/api/v1/jobs?state=queued&limit=100"
api jobs_priority_high "/api/v1/jobs?priority=high&limit=100"
api jobs_upstream "/api/v1/jobs?upstream=up2&limit=100"
api jobs_model "/api/v1/jobs?model=model-3&limit=100"
api jobs_model_rare "/api/v1/jobs?model=rare&limit=100"
api jobs_batch "/api/v1/jobs?batch_id=$midbatch&limit=100"
api jobs_batch_failed "/api/v1/jobs?batch_id=$midbatch&state=failed&limit=100"
api jobs_custom_id "/api/v1/jobs?custom_id=c$(( mid + 1 ))&limit=100"
api jobs_created_hour "/api/v1/jobs?created_after=$from&created_before=$to&limit=100"
api jobs_project "/api/v1/jobs?project=team-3&state=failed&limit=100"
api batches_list "/api/v1/batches?limit=20"
api batches_running "/api/v1/batches?state=running&limit=20"
api batch_status "/api/v1/batches/$midbatch"
ui page_overview_1h "/"
ui page_overview_24h "/?range=24h"
ui page_overview_7d "/?range=7d"
ui page_batches "/ui/batches"
ui page_batch "/ui/batches/$midbatch"
ui page_jobs "/ui/jobs"
ui page_jobs_failed "/ui/jobs?state=failed"
ui page_job "/ui/jobs/$mid"
ui page_upstreams "/ui/upstreams"
rm -f "$jar" "$page"
