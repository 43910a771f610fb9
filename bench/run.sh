#!/usr/bin/env bash
# Sluice's benchmark: Sluice as a real process (the packaged jar) against the local PostgreSQL,
# measured against that PostgreSQL's raw ceiling in the same run. See bench/README.md.
#
# Usage: bench/run.sh [--quick]       --quick: smaller sizes, for trying the harness (about 3 min)
#        bench/run.sh --only rate_accuracy   that figure alone (about 1 min), a line in RESULTS.md
#        bench/run.sh --only openai_batch    the OpenAI door's 100,000-line batch alone (about 3 min)
#        bench/run.sh --only drain           drain_1 and graphile_drain alone, alternating 3 rounds (about 4 min)
#        bench/run.sh --only enqueue         enqueue_batch alone: the 100,000-line batch, median of 3 (about 2 min)
# Env:   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) JAVA_HOME (a JDK >= 21)
#        ROUNDS (3) drain rounds; BENCH_START=plain starts Sluice with `java -jar` instead of bin/sluice-server
#        node and npm (graphile-worker, installed by bench/graphile.sh into ~/.cache)
# Prints "name value unit" lines, and appends a dated Markdown table to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
QUICK=0; [ "${1:-}" = "--quick" ] && QUICK=1
ONLY=; [ "${1:-}" = "--only" ] && ONLY=${2:?--only takes a figure: rate_accuracy, openai_batch, drain or enqueue}
case "$ONLY" in ""|rate_accuracy|openai_batch|drain|enqueue) ;; *) echo "--only knows rate_accuracy, openai_batch, drain and enqueue, not $ONLY" >&2; exit 2;; esac
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
export PGOPTIONS="-c client_min_messages=warning"
DB=sluice_bench
BATCH=100000; DRAIN=100000; BIG=1000000; SINGLE=20000; ROUNDS=${ROUNDS:-3}
[ $QUICK = 1 ] && { BATCH=20000; DRAIN=20000; BIG=200000; SINGLE=4000; ROUNDS=1; }

if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*21* 2>/dev/null | head -1)
fi
export JAVA_HOME; JAVA="$JAVA_HOME/bin/java"
# Every instance's admin key, from the environment (as in production); Load.java sends it.
export SLUICE_ADMIN_KEY=sk-sluice-bench-admin-key-not-a-secret
work=$(mktemp -d)
pids=()
cleanup() {
  for p in "${pids[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

q() { psql -XAtq -v ON_ERROR_STOP=1 -d "$DB" "$@"; }
out() { echo "$1 $2 $3" | tee -a "$work/figures"; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f", (b > 0 ? a / b : 0)}'; }
fig() { awk -v k="$1" '$1 == k {print $2}' "$work/figures"; }
median() { sort -n "$1" | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }   # of a file's numbers (the lower middle)

echo "# building the jar" >&2
./mvnw -B -ntp -q -DskipTests package >&2
psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null

# Sluice as production runs it: bin/sluice-server (its start-up cache made once, by the first start
# of this run, in a cache of the run's own). BENCH_START=plain runs `java -jar` instead.
export XDG_CACHE_HOME="$work/cache"
launch() {
  if [ "${BENCH_START:-server}" = plain ]; then
    exec "$JAVA" -XX:+ExitOnOutOfMemoryError -jar target/sluice.jar "$@"
  fi
  exec bin/sluice-server "$@"
}
# start NAME PORT [settings...]: a Sluice process on PORT (a heap of at most 512 MB); waits until it answers.
start() {
  local name=$1 port=$2; shift 2
  JDK_JAVA_OPTIONS=-Xmx512m launch --server.port="$port" --spring.main.banner-mode=off \
    --logging.level.root=WARN --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" \
    --spring.datasource.username="$PGUSER" --sluice.reporting.snapshot-interval=1h "$@" \
    >"$work/$name.log" 2>&1 &
  pids+=($!)
  eval "${name}_pid=$!"
  for _ in $(seq 1 240); do
    curl -sf "localhost:$port/actuator/health" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "$name did not start; its log:" >&2; cat "$work/$name.log" >&2; exit 1
}
stop() { local p; p=$(eval echo "\$${1}_pid"); kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; }
load() { "$JAVA" "$ROOT/bench/Load.java" "$@"; }
fresh() { q -c "TRUNCATE job, job_status_history, batch, queue_snapshot RESTART IDENTITY CASCADE"; }
# queue N: N queued noop jobs, in one statement.
queue() {
  q -c "INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after, created_at,
                        fair_tag)
        SELECT 'noop', '/v1/bench', '{\"prompt\":\"hello\"}', 10, g % 3, 'queued', 3, now(), now(), g::bigint * 1000000
        FROM generate_series(1, $1) g" >/dev/null
  q -c "VACUUM ANALYZE job" >/dev/null
}
succeeded() { q -c "SELECT count(*) FROM job WHERE state = 'succeeded'"; }
# Whether any job is still to finish: two reads of the partial indexes of queued and of leased jobs,
# cheap at any size. (Counting the succeeded read the whole table at each poll: in a drain of
# 100,000 jobs, pg_stat_statements gave 2.3 s of PostgreSQL's time to 18 counts, against 7.8 s to
# the drain's own statements, on the same 2 cores. graphile.sh polls nothing until its workers have
# run every job.)
unfinished() {
  q -c "SELECT EXISTS (SELECT 1 FROM job WHERE state = 'queued')
               OR EXISTS (SELECT 1 FROM job WHERE state IN ('claimed', 'submitted'))"
}
await_succeeded() {
  local n=$1 deadline=$((SECONDS + ${2:-600}))
  while [ "$(unfinished)" = t ] || [ "$(succeeded)" -lt "$n" ]; do
    [ $SECONDS -lt "$deadline" ] || { echo "timed out waiting for $n succeeded" >&2; return 1; }
    sleep 0.5
  done
}
# drain rate of the last run, from the jobs' own times.
drain_rate() {
  q -c "SELECT round(count(*) / extract(epoch FROM max(finished_at) - min(claimed_at))) FROM job WHERE state = 'succeeded'"
}
# dispatch_latency NAME: p50 and p99 of enqueue to sent over the jobs of the last run.
dispatch_latency() {
  q -c "SELECT round((percentile_cont(0.5) WITHIN GROUP (ORDER BY s))::numeric, 2),
               round((percentile_cont(0.99) WITHIN GROUP (ORDER BY s))::numeric, 2)
        FROM (SELECT extract(epoch FROM submitted_at - created_at) * 1000 AS s FROM job) t" \
    | tr '|' ' ' | { read -r p50 p99; out "dispatch_latency_$1_p50" "$p50" ms; out "dispatch_latency_$1_p99" "$p99" ms; }
}
quantile() { # quantile PORT METRIC QUANTILE -> milliseconds
  curl -s -H "Authorization: Bearer $SLUICE_ADMIN_KEY" "localhost:$1/actuator/prometheus" \
    | awk -v m="$2" -v qq="$3" '$1 ~ "^"m"\\{" && $1 ~ "quantile=\""qq"\"" {printf "%.2f", $2 * 1000; exit}'
}

body='{"upstream":"noop","endpoint":"/v1/bench","payload":{"prompt":"hello"},"token_count":10}'

# rate_accuracy: achieved / configured at a limit of 200/s with a backlog of 6,000.
rate_accuracy() {
  echo "# rate accuracy at 200/s" >&2
  # Started first (it makes the schema when run alone); the backlog is queued behind its back.
  start paced 18083 --sluice.upstreams.noop.requests-per-minute=12000
  fresh; queue 6000
  await_succeeded 6000 120
  # Sends per second over whole seconds of steady state: the 20 s from 5 s after the first send.
  # (count - 1) / span would read a limiter that is exact as over-using: a run of N periods holds
  # N + 1 bursts of permits, one at each end.
  achieved=$(q -c "SELECT count(*) / 20.0 FROM job, (SELECT min(submitted_at) AS t0 FROM job) f
                   WHERE submitted_at >= t0 + interval '5 s' AND submitted_at < t0 + interval '25 s'")
  out rate_accuracy "$(awk -v a="$achieved" 'BEGIN {printf "%.3f", a / 200}')" achieved/configured
  stop paced
}

# openai_batch: a 100,000-line OpenAI batch file through the door, against the emulator's OpenAI
# side (its budgets opened up, 20 ms a completion): upload (multipart, checked whole, stored), create
# (the batch's jobs made), drain (create to completed, from the batch object), output download.
openai_batch() {
  local lines=$BATCH
  echo "# openai batch of $lines lines" >&2
  "$JAVA" -jar target/sluice.jar --spring.profiles.active=emulator --server.port=18091 --logging.level.root=WARN \
    --sluice.emulator.openai.requests-per-minute=100000000 --sluice.emulator.openai.tokens-per-minute=1000000000 \
    --sluice.emulator.openai.requests-per-day=1000000000 >"$work/openai-emulator.log" 2>&1 &
  pids+=($!); local emulator=$!
  for _ in $(seq 1 60); do curl -sf localhost:18091/emulator/stats >/dev/null && break; sleep 0.5; done
  start door 18087 --sluice.upstreams.emu.protocol=openai --sluice.upstreams.emu.base-url=http://127.0.0.1:18091 \
    --sluice.upstreams.emu.max-in-flight=256 --sluice.doors.openai.default-upstream=emu
  fresh
  for i in $(seq 1 "$lines"); do
    printf '{"custom_id":"r%d","method":"POST","url":"/v1/chat/completions","body":{"model":"llama-3.1-8b-instant","max_tokens":16,"messages":[{"role":"user","content":"Question %d"}]}}\n' "$i" "$i"
  done >"$work/openai.jsonl"
  local auth="Authorization: Bearer $SLUICE_ADMIN_KEY" t0 t1 file batch status
  t0=$(date +%s.%N)
  file=$(curl -sf -H "$auth" localhost:18087/v1/files -F purpose=batch -F "file=@$work/openai.jsonl" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  t1=$(date +%s.%N)
  out openai_file_upload "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')" s
  out openai_file_size "$(du -m "$work/openai.jsonl" | cut -f1)" MB
  t0=$(date +%s.%N)
  batch=$(curl -sf -H "$auth" localhost:18087/v1/batches -H 'Content-Type: application/json' \
    -d "{\"input_file_id\":\"$file\",\"endpoint\":\"/v1/chat/completions\",\"completion_window\":\"24h\"}")
  t1=$(date +%s.%N)
  out openai_batch_create "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')" s
  local id; id=$(echo "$batch" | sed -E 's/.*"id":"(batch_[0-9]+)".*/\1/')
  t0=$(date +%s.%N)
  local deadline=$((SECONDS + 1200))
  while :; do
    status=$(curl -sf -H "$auth" "localhost:18087/v1/batches/$id" | sed -E 's/.*"status":"([a-z_]+)".*/\1/')
    [ "$status" = completed ] && break
    [ "$status" = in_progress ] || { echo "batch $id is $status" >&2; exit 1; }
    [ $SECONDS -lt $deadline ] || {
      echo "batch $id not done in 20 min; its jobs: $(q -c "SELECT string_agg(state || ' ' || n, ', ') FROM (SELECT state, count(*) n FROM job GROUP BY state) s")" >&2
      exit 1
    }
    sleep 1
  done
  t1=$(date +%s.%N)
  out openai_batch_drain "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')" s
  out openai_batch_drain_rate "$(q -c "SELECT round(count(*) / extract(epoch FROM max(finished_at) - min(created_at))) FROM job WHERE state = 'succeeded'")" jobs/s
  t0=$(date +%s.%N)
  local got; got=$(curl -sf -H "$auth" "localhost:18087/v1/files/file-out-${id#batch_}/content" | wc -l)
  t1=$(date +%s.%N)
  [ "$got" = "$lines" ] || { echo "output file has $got lines, not $lines" >&2; exit 1; }
  out openai_output_download "$(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.1f", b - a}')" s
  stop door; kill "$emulator" 2>/dev/null || true; wait "$emulator" 2>/dev/null || true
}

# drain: Sluice and graphile-worker side by side, alternating, ROUNDS rounds on the same PostgreSQL
# and database. Sluice: $DRAIN noop jobs queued behind an instance's back (the schema made by the
# instance first), first claim to last finish, every state change in the history. graphile-worker:
# bench/graphile.sh (its perfTest's settings), first job started to the jobs table empty.
# drain_1 and graphile_drain are the medians; drain_vs_graphile their ratio, and each round's.
drain() {
  start one 18081
  stop one
  local i s g
  for i in $(seq 1 "$ROUNDS"); do
    echo "# drain round $i: Sluice, $DRAIN jobs, 1 instance" >&2
    fresh; queue "$DRAIN"
    start one 18081
    await_succeeded "$DRAIN" 600
    s=$(drain_rate)
    stop one
    echo "# drain round $i: graphile-worker, $DRAIN jobs" >&2
    g=$(bash bench/graphile.sh "$DB" "$DRAIN" | awk '{print $2}')
    q -c "DROP SCHEMA IF EXISTS graphile_worker CASCADE" >/dev/null
    out "drain_vs_graphile_round_$i" "$(ratio "$s" "$g")" "ratio($s/$g)"
    echo "$s" >>"$work/drain_sluice"; echo "$g" >>"$work/drain_graphile"
  done
  out drain_1 "$(median "$work/drain_sluice")" jobs/s
  out graphile_drain "$(median "$work/drain_graphile")" jobs/s
  out drain_vs_graphile "$(ratio "$(fig drain_1)" "$(fig graphile_drain)")" ratio
}

# enqueue: enqueue_batch alone, as the full run measures it (dispatch off, median of 3).
enqueue() {
  echo "# enqueue (dispatch off)" >&2
  start api 18080 --sluice.dispatch.enabled=false
  enqueue_batch
  stop api
}

enqueue_batch() {
  for i in $(seq 1 "$BATCH"); do
    printf '{"custom_id":"c%d","endpoint":"/v1/bench","payload":{"prompt":"hello %d"},"token_count":10,"priority":"normal"}\n' "$i" "$i"
  done >"$work/batch.ndjson"
  local rates=() i
  for i in 1 2 3; do
    fresh
    rates+=("$(load batch enqueue_batch http://localhost:18080 "$work/batch.ndjson" | awk '{print $2}')")
  done
  out enqueue_batch "$(printf '%s\n' "${rates[@]}" | sort -n | sed -n 2p)" jobs/s
}

if [ -n "$ONLY" ]; then
  "$ONLY"
  echo "| $(date -u +%Y-%m-%d) $ONLY alone | $(awk '{printf "%s%s %s %s", sep, $1, $2, $3; sep="; "}' "$work/figures") |" >>bench/RESULTS.md
  exit 0
fi

echo "# the raw ceiling of this PostgreSQL" >&2
CEILING=bench/pg-ceiling.sh
bash "$CEILING" sluice_ceiling $([ $QUICK = 1 ] && echo 5 || echo 10) | tr '\t' ' ' >"$work/ceiling"
while read -r k v; do out "pg_$k" "$v" "per_s"; done <"$work/ceiling"
ceil() { awk -v k="$1" '$1 == k {print $2}' "$work/ceiling"; }

echo "# enqueue (dispatch off)" >&2
q -c "SELECT 1" >/dev/null
start api 18080 --sluice.dispatch.enabled=false
enqueue_batch
fresh
out enqueue_single "$(load single enqueue_single http://localhost:18080 "$SINGLE" 8 "$body" $((SINGLE / 2)) | awk '{print $2}')" jobs/s
out http_ceiling "$(load rate http_ceiling http://localhost:18080/actuator/info "$SINGLE" 8 | awk '{print $2}')" requests/s

echo "# position lookup at $BIG queued" >&2
fresh; queue "$BIG"
mid=$(q -c "SELECT id FROM job ORDER BY id OFFSET $((BIG / 2)) LIMIT 1")
load get position_lookup http://localhost:18080 "/api/v1/jobs/$mid" 1000 X-Sluice-Backpressure 1 | while read -r k v u; do out "$k" "$v" "$u"; done
stop api

echo "# claim latency at $BIG queued" >&2
start one 18081
sleep 15
out claim_latency_big_p50 "$(quantile 18081 sluice_claim_seconds 0.5)" ms
out claim_latency_big_p99 "$(quantile 18081 sluice_claim_seconds 0.99)" ms
stop one

echo "# claim latency at 10000 queued" >&2
fresh; queue 10000
start one 18081
await_succeeded 10000 300
out claim_latency_10k_p50 "$(quantile 18081 sluice_claim_seconds 0.5)" ms
out claim_latency_10k_p99 "$(quantile 18081 sluice_claim_seconds 0.99)" ms

echo "# dispatch latency, idle queue" >&2
fresh
load trickle http://localhost:18081 200 50 "$body"
await_succeeded 200 60
dispatch_latency idle

echo "# dispatch latency, idle queue, enqueued on another instance (woken by LISTEN/NOTIFY)" >&2
fresh
start front 18086 --sluice.dispatch.enabled=false
load trickle http://localhost:18086 200 50 "$body"
await_succeeded 200 60
dispatch_latency remote
stop front

stop one
drain

echo "# drain $DRAIN with 2 instances" >&2
fresh
start one 18081
start two 18082
queue "$DRAIN"
await_succeeded "$DRAIN" 600
out drain_2 "$(drain_rate)" jobs/s
stop one; stop two

rate_accuracy
openai_batch

echo "# rss while draining $BIG" >&2
fresh; queue "$BIG"
start big 18084
await_succeeded "$BIG" 1800
out rss "$(awk '/VmHWM/ {printf "%d", $2 / 1024}' "/proc/$big_pid/status")" MB
stop big

echo "# poll throughput (emulator answering 408)" >&2
"$JAVA" -jar target/sluice.jar --spring.profiles.active=emulator --server.port=18090 --logging.level.root=WARN \
  --sluice.emulator.workers=1 --sluice.emulator.tokens-per-second=1 --sluice.emulator.max-in-flight=100000 \
  >"$work/emulator.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 60); do curl -sf localhost:18090/emulator/stats >/dev/null && break; sleep 0.5; done
fresh
q -c "INSERT INTO job (upstream, endpoint, payload, token_count, priority, state, max_attempts, run_after, created_at)
      SELECT 'mint', '/api/v1/asample',
             '{\"base_model\":\"m\",\"prompt\":{\"chunks\":[{\"tokens\":[1,2,3],\"type\":\"encoded_text\"}]},\"sampling_params\":{\"max_tokens\":100000}}',
             10, 1, 'queued', 3, now(), now() FROM generate_series(1, 5000) g" >/dev/null
# Every poll answered 408 "still pending, ask again in 1 s", as mint does: the poller's own
# throughput, not the emulator's pacing hints (its own Retry-After grows to 30 s with the queue).
curl -sf localhost:18090/emulator/forced -H 'Content-Type: application/json' -d '{"path":"retrieve_future",
  "status":408,"count":2000000,"headers":{"Retry-After":"1","X-Queue-Position":"0","X-Queue-Depth":"5000",
  "X-Queue-Status":"queued"},"body":{"type":"try_again","status":"queued","queue_state":"active",
  "queue_position":0,"queue_depth":5000,"retry_after_s":1}}' >/dev/null
start poller 18085 --sluice.default-upstream=mint --sluice.upstreams.mint.protocol=tinker \
  --sluice.upstreams.mint.base-url=http://localhost:18090 --sluice.polling.max-concurrent=512
sleep 20
t0=$(q -c "SELECT count(*) FROM job_status_history WHERE source = 'upstream'")
sleep 20
t1=$(q -c "SELECT count(*) FROM job_status_history WHERE source = 'upstream'")
out poll_throughput "$(( (t1 - t0) / 20 ))" snapshots/s
stop poller

# Ratios, measured in this run.
out drain_vs_claim100 "$(ratio "$(fig drain_1)" "$(ceil claim100_jobs_per_s)")" ratio
out drain_2_vs_claim100 "$(ratio "$(fig drain_2)" "$(ceil claim100_jobs_per_s)")" ratio
out enqueue_batch_vs_bulk_insert "$(ratio "$(fig enqueue_batch)" "$(ceil bulk_insert_rows_per_s)")" ratio
out enqueue_single_vs_insert1 "$(ratio "$(fig enqueue_single)" "$(ceil insert1_rows_per_s)")" ratio
out claim_latency_p99_big_vs_10k "$(ratio "$(fig claim_latency_big_p99)" "$(fig claim_latency_10k_p99)")" ratio

{
  echo
  echo "## $(date -u '+%Y-%m-%d %H:%M UTC')$([ $QUICK = 1 ] && echo ' (quick)'), $(nproc) cores, $(psql -XAtq -d postgres -c 'SHOW server_version' | cut -d' ' -f1), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src db pom.xml || echo " with uncommitted changes")"
  echo
  echo "| figure | value | unit |"
  echo "|---|---|---|"
  awk '{printf "| %s | %s | %s |\n", $1, $2, $3}' "$work/figures"
} >>bench/RESULTS.md
psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null
echo "# appended to bench/RESULTS.md" >&2
