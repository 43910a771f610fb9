#!/usr/bin/env bash
# graphile-worker's drain rate on the local PostgreSQL, so bench/run.sh's drain_1 can be read next to it
# (same machine, same PostgreSQL, same run). graphile-worker is installed by npm into a cache outside
# the repo; nothing of it is committed here.
#
# Usage: bench/graphile.sh DB N
#   On database DB (which must exist): drops and re-makes graphile-worker's schema (graphile_worker,
#   made by the worker's own migrations), queues N no-op jobs in one statement, drains them with
#   graphile-worker configured as its own perfTest is, and prints one line on stdout:
#     graphile_drain <jobs_per_s> jobs/s
#   where the rate is N / (first job started .. every job deleted from graphile_worker._private_jobs).
#   Progress goes to stderr.
# Env:  PGHOST (127.0.0.1) PGPORT (5432) PGUSER (postgres) [PGPASSWORD]
#       GRAPHILE_TIMEOUT (600) seconds for the whole drain, XDG_CACHE_HOME (~/.cache) for the install.
#
# The settings are graphile-worker's own perfTest's, at tag v0.17.3 of github.com/graphile/worker:
#   perfTest/graphile.config.js  concurrentJobs 24 (CONCURRENT_JOBS), maxPoolSize 25 (CONCURRENT_JOBS + 1),
#                                localQueue { size: 500, refetchDelay: { durationMs: 10 } },
#                                completeJobBatchDelay 0, failJobBatchDelay 0,
#                                gracefulShutdownAbortTimeout 2500
#   perfTest/run.js              PARALLELISM 4: four worker processes, each `cli.js --once` (run once:
#                                exit when no job is left), and NO_LOG_SUCCESS=1
#   perfTest/init.js             the jobs queued with graphile_worker.add_jobs(array of job_spec),
#                                payload {id: i}; its task perfTest/tasks/log_if_999.js logs only for
#                                id 999 (ours logs nothing)
#   pollInterval                 perfTest sets none: 0.17's default, 2000 ms (src/config.ts); with jobs
#                                queued up front it plays no part (the local queue refetches).
# Here: the four processes are forked by one Node coordinator and started together once all four
# have loaded; the schema is made and the jobs queued before, and VACUUM ANALYZEd as run.sh does for
# Sluice's own table. The clock starts at the first task call in any process and stops at the
# first poll of the jobs table that finds it empty (polled from when the processes have run N tasks
# between them: the end is the completions committed, not the last task function run).
set -euo pipefail

VERSION=0.17.3
usage() { echo "usage: $0 DB N   (N: jobs to queue and drain, a positive integer)" >&2; exit 2; }
[ $# -eq 2 ] || usage
DB=$1 N=$2
[[ "$N" =~ ^[1-9][0-9]*$ ]] || usage
TIMEOUT=${GRAPHILE_TIMEOUT:-600}
[[ "$TIMEOUT" =~ ^[1-9][0-9]*$ ]] || { echo "GRAPHILE_TIMEOUT must be whole seconds, not $TIMEOUT" >&2; exit 2; }
export PGHOST=${PGHOST:-127.0.0.1} PGPORT=${PGPORT:-5432} PGUSER=${PGUSER:-postgres}

command -v node >/dev/null || { echo "graphile.sh needs node (Node.js >= 18) on the PATH; none found" >&2; exit 1; }
command -v npm >/dev/null || { echo "graphile.sh needs npm on the PATH to install graphile-worker; none found" >&2; exit 1; }
node_major=$(node -p 'process.versions.node.split(".")[0]')
[ "$node_major" -ge 18 ] || { echo "graphile.sh needs Node.js >= 18, this is $(node --version)" >&2; exit 1; }

# Install graphile-worker@$VERSION once, into the cache (into a scratch directory first, so that an
# interrupted install never passes for a finished one).
GW_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/sluice-bench/graphile-worker-$VERSION"
installed() {
  [ -f "$GW_DIR/node_modules/graphile-worker/package.json" ] &&
    [ "$(node -p "require('$GW_DIR/node_modules/graphile-worker/package.json').version")" = "$VERSION" ]
}
if ! installed; then
  echo "# installing graphile-worker@$VERSION into $GW_DIR" >&2
  mkdir -p "$(dirname "$GW_DIR")"
  tmp_install=$(mktemp -d "$GW_DIR.partial.XXXXXX")
  # A package.json of its own, so that npm installs here and not into some project above.
  echo '{"name": "sluice-bench-graphile-worker", "private": true}' >"$tmp_install/package.json"
  if ! (cd "$tmp_install" && npm install --no-audit --no-fund --loglevel=error "graphile-worker@$VERSION" >&2); then
    rm -rf "$tmp_install"
    echo "npm could not install graphile-worker@$VERSION" >&2; exit 1
  fi
  rm -rf "$GW_DIR"
  mv "$tmp_install" "$GW_DIR"
  installed || { echo "graphile-worker@$VERSION is not in $GW_DIR after npm install" >&2; exit 1; }
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cat >"$work/drain.cjs" <<'JS'
"use strict";
const path = require("path");
const { fork } = require("child_process");
const nm = path.join(process.env.GW_DIR, "node_modules");
const { runMigrations, runOnce, Logger } = require(path.join(nm, "graphile-worker"));
const { Client } = require(path.join(nm, "pg"));

const N = Number(process.env.GW_N);
const DB = process.env.GW_DB;
const TIMEOUT_MS = Number(process.env.GW_TIMEOUT) * 1000;
const PARALLELISM = 4; // perfTest/run.js
const TASK = "noop";

// perfTest/graphile.config.js (v0.17.3), as it is; pollInterval is 0.17's default (perfTest sets none).
const CONCURRENT_JOBS = 24;
const preset = {
  worker: {
    concurrentJobs: CONCURRENT_JOBS,
    maxPoolSize: CONCURRENT_JOBS + 1,
    localQueue: { size: 500, refetchDelay: { durationMs: 10 } },
    completeJobBatchDelay: 0,
    failJobBatchDelay: 0,
    gracefulShutdownAbortTimeout: 2500,
    pollInterval: 2000,
  },
};

const host = process.env.PGHOST, port = process.env.PGPORT, user = process.env.PGUSER;
const connectionString = host.startsWith("/")
  ? `postgres://${encodeURIComponent(user)}@/${encodeURIComponent(DB)}?host=${encodeURIComponent(host)}&port=${port}`
  : `postgres://${encodeURIComponent(user)}@${host}:${port}/${encodeURIComponent(DB)}`;

// Wall-clock milliseconds (sub-ms), comparable between the processes.
const now = () => performance.timeOrigin + performance.now();
const err = (msg) => process.stderr.write(msg + "\n");
// graphile-worker's log to stderr (stdout carries the result line only), without its debug.
const logger = new Logger((scope) => (level, message) => {
  if (level !== "debug") err(`[graphile-worker${scope.workerId ? " " + scope.workerId : ""}] ${level}: ${message}`);
});

async function worker() {
  let count = 0;
  const taskList = {
    // perfTest/tasks/log_if_999.js, without its log line.
    [TASK]: () => {
      if (count++ === 0) process.send({ first: now() });
    },
  };
  // If the coordinator goes (killed, timed out), go too.
  const orphaned = () => process.exit(1);
  process.on("disconnect", orphaned);
  const report = setInterval(() => process.send({ count }), 10);
  await new Promise((resolve) => {
    process.on("message", (m) => m.go && resolve());
    process.send({ ready: true });
  });
  try {
    await runOnce({ connectionString, logger, preset, taskList });
  } finally {
    clearInterval(report);
  }
  process.off("disconnect", orphaned);
  process.send({ count, done: now() }, () => process.disconnect());
}

async function coordinator() {
  const deadline = Date.now() + TIMEOUT_MS;
  const client = new Client({ connectionString });
  await client.connect();
  const q = async (text, values) => (await client.query(text, values)).rows;
  const children = [];
  const kill = () => children.forEach((c) => c.exitCode === null && c.kill("SIGKILL"));
  try {
    await q("set client_min_messages = warning");
    await q("drop schema if exists graphile_worker cascade");
    await runMigrations({ connectionString, logger, preset });
    let t = now();
    // perfTest/init.js's add_jobs with an array of job_spec, built in SQL rather than sent as JSON.
    const [{ queued }] = await q(
      `select count(*)::int as queued from graphile_worker.add_jobs(array(
         select json_populate_record(null::graphile_worker.job_spec,
                  json_build_object('identifier', $2::text, 'payload', json_build_object('id', i)))
         from generate_series(1, $1::int) i))`,
      [N, TASK],
    );
    if (queued !== N) throw new Error(`queued ${queued} jobs, not ${N}`);
    await q("vacuum analyze graphile_worker._private_jobs");
    await q("vacuum analyze graphile_worker._private_tasks");
    await q("vacuum analyze graphile_worker._private_job_queues");
    err(`# queued ${N} jobs in ${((now() - t) / 1000).toFixed(1)} s`);

    const counts = new Array(PARALLELISM).fill(0);
    const done = new Array(PARALLELISM).fill(null);
    let first = Infinity, ready = 0, exited = 0;
    let onReady, onCounted;
    const allReady = new Promise((r) => (onReady = r));
    const allCounted = new Promise((r) => (onCounted = r));
    const exits = [];
    for (let i = 0; i < PARALLELISM; i++) {
      // The worker's stdout goes to our stderr.
      const c = fork(__filename, ["worker"], { stdio: ["ignore", 2, 2, "ipc"] });
      children.push(c);
      c.on("message", (m) => {
        if (m.ready && ++ready === PARALLELISM) onReady();
        if (m.first !== undefined) first = Math.min(first, m.first);
        if (m.count !== undefined) counts[i] = m.count;
        if (m.done !== undefined) done[i] = m.done;
        if (counts.reduce((a, b) => a + b, 0) >= N) onCounted();
      });
      exits.push(new Promise((resolve) => c.on("exit", (code, signal) => {
        exited++;
        if (code !== 0) err(`# worker process ${i} exited with ${signal || code}`);
        if (exited === PARALLELISM) onCounted(); // nothing more will come
        resolve(code === 0);
      })));
    }
    const timeout = (what) => new Promise((_, reject) => {
      const ms = deadline - Date.now();
      setTimeout(() => reject(new Error(`timed out (GRAPHILE_TIMEOUT) ${what}`)), Math.max(ms, 0)).unref();
    });
    await Promise.race([allReady, timeout("starting the worker processes")]);
    err(`# ${PARALLELISM} worker processes ready; draining`);
    children.forEach((c) => c.send({ go: true }));
    await Promise.race([allCounted, timeout(`waiting for ${N} task calls`)]);

    // N tasks have run: poll until the jobs table is empty (the completions committed). The end is
    // when the poll that first finds it empty was sent (its snapshot is taken just after).
    let end, left;
    for (;;) {
      t = now();
      [{ left }] = await q("select count(*)::int as left from graphile_worker._private_jobs");
      if (left === 0) { end = t; break; }
      if (Date.now() > deadline) throw new Error(`timed out (GRAPHILE_TIMEOUT) with ${left} jobs left`);
      if (exited === PARALLELISM) throw new Error(`all worker processes exited with ${left} jobs left`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const ok = await Promise.race([Promise.all(exits), timeout("waiting for the worker processes to exit")]);
    if (!ok.every(Boolean)) throw new Error("a worker process failed");
    const ran = counts.reduce((a, b) => a + b, 0);
    if (ran !== N) err(`# note: ${ran} task calls for ${N} jobs`);
    const secs = (end - first) / 1000;
    const lastDone = Math.max(...done.filter((d) => d !== null));
    err(`# drained ${N} in ${secs.toFixed(3)} s; task calls per process ${counts.join(" ")}; ` +
        `last process finished ${((lastDone - end) / 1000).toFixed(3)} s after the table was empty`);
    console.log(`graphile_drain ${Math.round(N / secs)} jobs/s`);
  } catch (e) {
    kill();
    throw e;
  } finally {
    await client.end();
  }
}

(process.argv[2] === "worker" ? worker() : coordinator()).catch((e) => {
  err(`graphile.sh: ${e && e.stack ? e.stack : e}`);
  process.exit(1);
});
JS

echo "# graphile-worker $VERSION on $PGHOST:$PGPORT/$DB, $N jobs" >&2
# perfTest/run.js sets NO_LOG_SUCCESS=1 (no log line per job).
# The Node side keeps its own deadline; timeout(1) is the backstop, a little later.
cd "$work"
NO_LOG_SUCCESS=1 GW_DIR="$GW_DIR" GW_DB="$DB" GW_N="$N" GW_TIMEOUT="$TIMEOUT" \
  timeout --kill-after=10 $((TIMEOUT + 30)) node "$work/drain.cjs" coordinator
