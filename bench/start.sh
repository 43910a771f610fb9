#!/usr/bin/env bash
# Start-up and idle memory, side by side in one run: `bin/sluice-server` (Spring AOT, the JVM's
# ahead-of-time cache, a small serial heap) against a plain `java -jar target/sluice.jar`, started
# alternately on a database that already has the schema (as a restart finds it). See bench/README.md.
#
# Usage: bench/start.sh [RUNS]     (5 of each by default; about 2 minutes)
# Env:   PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) JAVA_HOME (a JDK >= 21)
# Prints "name value unit" lines (medians: start to a healthy /actuator/health, resident memory
# 10 s after that) and appends a dated line to bench/RESULTS.md.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}
if [ -z "${JAVA_HOME:-}" ] || [ ! -x "$JAVA_HOME/bin/java" ]; then
  JAVA_HOME=$(ls -d /usr/lib/jvm/*25* /usr/lib/jvm/*21* 2>/dev/null | head -1)
fi
export JAVA_HOME
DB=sluice_bench_start
export SLUICE_ADMIN_KEY=sk-sluice-bench-admin-key-not-a-secret
# The launcher's cache of its own (unpacked jar, start-up cache), made afresh for this jar.
export XDG_CACHE_HOME; XDG_CACHE_HOME=$(mktemp -d)
work=$(mktemp -d); pid=
trap '[ -n "$pid" ] && kill "$pid" 2>/dev/null; rm -rf "$work" "$XDG_CACHE_HOME"; psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1' EXIT
out() { echo "$1 $2 $3" | tee -a "$work/figures"; }

[ -f target/sluice.jar ] || ./mvnw -B -ntp -q -DskipTests package >&2
psql -XAtq -d postgres -c "DROP DATABASE IF EXISTS $DB" -c "CREATE DATABASE $DB" >/dev/null
args=(--server.port=18099 --logging.level.root=WARN
      --spring.datasource.url="jdbc:postgresql://$PGHOST:$PGPORT/$DB" --spring.datasource.username="$PGUSER")
plain() { exec "$JAVA_HOME/bin/java" -XX:+ExitOnOutOfMemoryError -jar target/sluice.jar "${args[@]}"; }
server() { exec bin/sluice-server "${args[@]}"; }

# once WAY: start, time to healthy, resident memory 10 s later, stop. Prints "seconds megabytes".
once() {
  local t0 t1 rss
  t0=$(date +%s%N)
  "$1" >"$work/log" 2>&1 &
  pid=$!
  until curl -sf localhost:18099/actuator/health >/dev/null 2>&1; do
    kill -0 "$pid" 2>/dev/null || { echo "$1 exited; its log:" >&2; cat "$work/log" >&2; exit 1; }
    sleep 0.02
  done
  t1=$(date +%s%N)
  sleep 10
  # The JVM itself: the launcher exec'd it, so $pid is the java process.
  rss=$(awk '/VmRSS/ {printf "%d", $2 / 1024}' "/proc/$pid/status")
  kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
  awk -v a="$t0" -v b="$t1" -v r="$rss" 'BEGIN {printf "%.2f %d\n", (b - a) / 1e9, r}'
}

echo "# untimed: the schema, and the launcher's unpacked jar and start-up cache" >&2
once plain >/dev/null
once server >/dev/null
for i in $(seq 1 "$RUNS"); do
  for way in plain server; do
    read -r s rss < <(once "$way")
    echo "run $i $way: start $s s, idle rss $rss MB" >&2
    echo "$s $rss" >>"$work/$way"
  done
done
median() { sort -n | awk '{a[NR] = $1} END {print (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2)}'; }
out start_server_s "$(cut -d' ' -f1 "$work/server" | median)" s
out idle_rss_server "$(cut -d' ' -f2 "$work/server" | median)" MB
out start_plain_s "$(cut -d' ' -f1 "$work/plain" | median)" s
out idle_rss_plain "$(cut -d' ' -f2 "$work/plain" | median)" MB
# A table of its own: appended after another script's table, a bare row would join that table.
printf '\n| start-up run | medians |\n|---|---|\n' >>bench/RESULTS.md
echo "| $(date -u '+%Y-%m-%d %H:%M') start, $RUNS of each, $("$JAVA_HOME/bin/java" -version 2>&1 | head -1 | cut -d'"' -f2), commit $(git rev-parse --short HEAD) | $(awk '{printf "%s%s %s %s", sep, $1, $2, $3; sep="; "}' "$work/figures") |" >>bench/RESULTS.md
