#!/usr/bin/env bash
# How drain and claim latency change as the queue grows (10,000, 1,000,000, 10,000,000 queued),
# and how the database grows per million finished jobs with their history. Sluice as a real
# process, the noop upstream, one instance. Longer than run.sh (about 15 minutes, most of it
# loading 10 million rows). See bench/README.md.
#
# Usage: bench/growth.sh [SIZES...]     (default: 10000 1000000 10000000)
# Env:   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) JAVA_HOME (a JDK >= 21)
# Prints "name value unit" lines and appends a dated table to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
SIZES=("$@"); [ ${#SIZES[@]} -gt 0 ] || SIZES=(10000 1000000 10000000)
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning"
DB=sluice_bench_growth
MEASURE=200000   # jobs drained per size (all of them when fewer are queued)
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*21* 2>/dev/null | head -1)
fi
JAVA="$JAVA_HOME/bin/java"
# The instance's admin key, from the environment; metrics need it.
export SLUICE_ADMIN_KEY=sk-sluice-bench-admin-key-not-a-secret
work=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill $pid 2>/dev/null; rm -rf "$work"; psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT
q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
out() { echo "$1 $2 $3" | tee -a "$work/figures"; }

[ -f target/sluice.jar ] || ./mvnw -B -ntp -q -DskipTests package >&2
psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null

start() {
  "$JAVA" -Xmx512m -XX:+ExitOnOutOfMemoryError -jar target/sluice.jar --server.port=18180 --logging.level.root=WARN \
    --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --spring.datasource.username="$PGUSER" \
    --sluice.reporting.snapshot-interval=1h "$@" >"$work/sluice.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 120); do curl -sf localhost:18180/actuator/health >/dev/null 2>&1 && return 0; sleep 0.5; done
  cat "$work/sluice.log" >&2; exit 1
}
stop() { kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; pid=; }
quantile() {
  curl -s -H "Authorization: Bearer $SLUICE_ADMIN_KEY" localhost:18180/actuator/prometheus \
    | awk -v m="$1" -v qq="$2" '$1 ~ "^"m"\\{" && $1 ~ "quantile=\""qq"\"" {printf "%.2f", $2 * 1000; exit}'
}

# The schema, from a first start with dispatch off.
start --sluice.dispatch.enabled=false; stop
for n in "${SIZES[@]}"; do
  echo "# $n queued" >&2
  q -c "TRUNCATE job, job_status_history, batch RESTART IDENTITY CASCADE"
  q -c "INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after, created_at,
                        fair_tag)
        SELECT 'noop', '/v1/bench', '{\"prompt\":\"hello\"}', 10, g % 3, 'queued', 3, now(), now(), g::bigint * 1000000
        FROM generate_series(1, $n) g" >/dev/null
  q -c "VACUUM ANALYZE job" >/dev/null
  m=$(( n < MEASURE ? n : MEASURE ))
  start
  while [ "$(q -c "SELECT count(*) FROM job WHERE state = 'succeeded'")" -lt "$m" ]; do sleep 0.5; done
  out "claim_latency_${n}_p50" "$(quantile sluice_claim_seconds 0.5)" ms
  out "claim_latency_${n}_p99" "$(quantile sluice_claim_seconds 0.99)" ms
  stop
  out "drain_${n}" "$(q -c "SELECT round(count(*) / extract(epoch FROM max(finished_at) - min(claimed_at)))
                            FROM job WHERE state = 'succeeded'")" jobs/s
done

echo "# database growth per million finished jobs" >&2
q -c "TRUNCATE job, job_status_history, batch RESTART IDENTITY CASCADE"
q -c "VACUUM FULL job" >/dev/null
before=$(q -c "SELECT pg_database_size(current_database())")
q -c "INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after, created_at)
      SELECT 'noop', '/v1/bench', '{\"prompt\":\"hello\"}', 10, g % 3, 'queued', 3, now(), now()
      FROM generate_series(1, 1000000) g" >/dev/null
start
while [ "$(q -c "SELECT count(*) FROM job WHERE state = 'succeeded'")" -lt 1000000 ]; do sleep 1; done
stop
q -c "VACUUM job" >/dev/null
after=$(q -c "SELECT pg_database_size(current_database())")
out db_growth_per_million_finished "$(( (after - before) / 1048576 ))" MB
out job_table_per_million_finished "$(( $(q -c "SELECT pg_total_relation_size('job')") / 1048576 ))" MB
out history_per_million_finished "$(( $(q -c "SELECT sum(pg_total_relation_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'job_status_history'::regclass") / 1048576 ))" MB
# Where it goes: the job table's heap (with its TOAST) and each index, the history's heap and index
# (all partitions), and the job heap's dead and free space.
q -c "CREATE EXTENSION IF NOT EXISTS pgstattuple" >/dev/null 2>&1 || true
q -c "SELECT 'job_heap_per_million', pg_table_size('job') / 1048576
      UNION ALL SELECT indexrelid::regclass || '_per_million', pg_relation_size(indexrelid) / 1048576 FROM pg_index WHERE indrelid = 'job'::regclass
      UNION ALL SELECT 'history_heap_per_million', sum(pg_table_size(c.oid))::bigint / 1048576 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'job_status_history'::regclass
      UNION ALL SELECT 'history_index_per_million', sum(pg_indexes_size(c.oid))::bigint / 1048576 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = 'job_status_history'::regclass
      UNION ALL SELECT 'history_rows_per_job', round((SELECT count(*) FROM job_status_history) / 1000000.0, 2)" \
  | while IFS='|' read -r k v; do out "$k" "$v" "$([ "$k" = history_rows_per_job ] && echo rows || echo MB)"; done
q -c "SELECT round(avg_leaf_density) FROM pgstatindex('job_pkey')" 2>/dev/null | while read -r v; do out job_pkey_leaf_density "$v" percent; done
q -c "SELECT dead_tuple_percent, free_percent, tuple_len / tuple_count FROM pgstattuple('job')" 2>/dev/null \
  | tr '|' ' ' | { read -r dead free len; out job_heap_dead "$dead" percent; out job_heap_free "$free" percent; out job_row_bytes "$len" bytes; }

{
  echo
  echo "## Growth: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src db pom.xml || echo " with uncommitted changes")"
  echo
  echo "Drain: the first $MEASURE jobs (all, when fewer are queued), one instance. Claim latency: the claim statement over that drain."
  echo
  echo "| figure | value | unit |"
  echo "|---|---|---|"
  awk '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$work/figures"
} >>bench/RESULTS.md
