#!/usr/bin/env bash
# How fast the reports answer on a big table: 1,000,000 finished jobs and 10,000,000 history rows
# (issue 6). Builds the schema from db/migration in a database of its own, seeds it, and times
# wait_time_stats for one day, median of 5 runs, in two shapes: the jobs spread over 7 days (a day
# holds about 143,000), and all of them in one day (the worst case).
#
# Usage: bench/reporting.sh [JOBS]          (default 1000000; history rows are 10 per job)
# Env:   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) DB (sluice_bench_reporting) KEEP=1 keeps the DB
# Prints "name value unit" lines.
set -euo pipefail
cd "$(dirname "$0")/.."
JOBS=${1:-1000000}
DB=${DB:-sluice_bench_reporting}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning"
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$DB" "$@"; }

psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
[ "${KEEP:-0}" = 1 ] || trap 'psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT
for f in $(ls db/migration/V*.sql | sort -V); do q -f "$f" >/dev/null; done

# seed DAYS: JOBS finished jobs created evenly over DAYS days ending yesterday, 10 history rows each.
seed() {
  local days=$1
  q >/dev/null <<SQL
TRUNCATE job, job_status_history, batch RESTART IDENTITY CASCADE;
SELECT sluice_ensure_partitions('job_status_history', (current_date - $days)::date, current_date);
INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, attempts, max_attempts, run_after,
                 upstream_request_id, created_at, claimed_at, submitted_at, started_at, finished_at, polls,
                 submit_queue_position, submit_estimated_wait_s, submit_estimate_at)
SELECT CASE WHEN g % 5 = 0 THEN 'groq' ELSE 'mint' END, '/api/v1/asample', '{}', 100, g % 3, 'succeeded', 1, 3, c,
       'req-' || g, c, c + w1, c + w1, c + w1 + w2, c + w1 + w2 + r, 4, 10, 30, c + w1
FROM (SELECT g, (current_date - $days)::timestamptz + g * make_interval(secs => $days * 86400.0 / $JOBS) AS c,
             make_interval(secs => random() * 60 * (1 + g % 3)) AS w1,
             make_interval(secs => random() * 120) AS w2,
             make_interval(secs => 1 + random() * 20) AS r
      FROM generate_series(1, $JOBS) g) s;
INSERT INTO job_status_history (job_id, observed_at, source, state, attempt)
SELECT j.id, j.created_at + make_interval(secs => k), CASE WHEN k BETWEEN 3 AND 8 THEN 'upstream' ELSE 'queue' END,
       CASE k WHEN 0 THEN 'queued' WHEN 1 THEN 'claimed' WHEN 9 THEN 'succeeded' ELSE 'submitted' END, 1
FROM job j, generate_series(0, 9) k;
VACUUM ANALYZE job;
ANALYZE job_status_history;
CHECKPOINT;
SQL
}

# median_ms SQL: the median of 5 timed runs (after one warm-up), in milliseconds.
median_ms() {
  local sql=$1 i s e t=()
  q -c "$sql" >/dev/null
  for i in 1 2 3 4 5; do
    s=$(date +%s%N); q -c "$sql" >/dev/null; e=$(date +%s%N)
    t+=($(( (e - s) / 1000000 )))
  done
  printf '%s\n' "${t[@]}" | sort -n | sed -n 3p
}

day="(current_date - 1)::timestamptz"
tuned="SET work_mem = '64MB'; SET jit = off;"   # a larger sort memory and no JIT: measured to gain little
seed 7
echo "reporting_jobs $JOBS jobs"
echo "reporting_history_rows $(q -c 'SELECT count(*) FROM job_status_history') rows"
echo "reporting_day_jobs_spread $(q -c "SELECT count(*) FROM job WHERE created_at >= $day AND created_at < $day + interval '1 day'") jobs"
echo "wait_time_stats_day_by_hour_spread $(median_ms "SELECT * FROM wait_time_stats($day, $day + interval '1 day', 'hour')") ms"
echo "wait_time_stats_day_by_day_spread $(median_ms "SELECT * FROM wait_time_stats($day, $day + interval '1 day', 'day', 'priority')") ms"
echo "wait_time_stats_week_by_day_spread $(median_ms "SELECT * FROM wait_time_stats($day - interval '6 days', $day + interval '1 day', 'day', 'priority')") ms"
echo "wait_time_stats_day_by_hour_spread_tuned $(median_ms "$tuned SELECT * FROM wait_time_stats($day, $day + interval '1 day', 'hour')") ms"
echo "wait_time_stats_week_by_day_spread_tuned $(median_ms "$tuned SELECT * FROM wait_time_stats($day - interval '6 days', $day + interval '1 day', 'day', 'priority')") ms"
echo "job_history_lookup $(median_ms "SELECT * FROM job_status_history WHERE job_id = $(( JOBS / 2 )) ORDER BY id") ms"
echo "database_size_spread $(q -c "SELECT pg_database_size('$DB') / 1048576") MB"
seed 1
echo "reporting_day_jobs_one_day $(q -c "SELECT count(*) FROM job WHERE created_at >= $day AND created_at < $day + interval '1 day'") jobs"
echo "wait_time_stats_day_by_hour_one_day $(median_ms "SELECT * FROM wait_time_stats($day, $day + interval '1 day', 'hour')") ms"
echo "wait_time_stats_day_by_day_one_day $(median_ms "SELECT * FROM wait_time_stats($day, $day + interval '1 day', 'day', 'priority')") ms"
echo "wait_time_stats_day_by_hour_one_day_tuned $(median_ms "$tuned SELECT * FROM wait_time_stats($day, $day + interval '1 day', 'hour')") ms"
echo "wait_time_stats_day_by_day_one_day_tuned $(median_ms "$tuned SELECT * FROM wait_time_stats($day, $day + interval '1 day', 'day', 'priority')") ms"
