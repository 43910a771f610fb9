#!/usr/bin/env bash
# Counts requests on the wire: captures every HTTP POST to PATH on the loopback interface while
# COMMAND runs, then prints the busiest 1-second window of their capture times and, around it,
# how many left in each 50 ms. The kernel's timestamps see what left the senders, before any
# receiver's scheduling: compare them with what the emulator counted and with Sluice's own send
# moments (job.submitted_at) to see where a burst was made. Needs root (a packet capture),
# tcpdump (Debian's package) and python3. See bench/README.md.
#
# Usage: bench/wire.sh PATH -- COMMAND...
#   e.g. bench/wire.sh /api/v1/asample -- ./mvnw -B -ntp verify -Dtest='ClusterFaultTest#killing*'
# Prints "wire_busiest_second <n> requests" and a histogram; nothing is written to RESULTS.md.
set -euo pipefail
[ $# -ge 3 ] && [ "$2" = "--" ] || { echo "usage: bench/wire.sh PATH -- COMMAND..." >&2; exit 2; }
path=$1; shift 2
command -v tcpdump >/dev/null || { echo "wire.sh needs tcpdump (apt-get install tcpdump)" >&2; exit 2; }
work=$(mktemp -d); cap=
trap '[ -n "$cap" ] && kill "$cap" 2>/dev/null; rm -rf "$work"' EXIT

# Packets whose TCP payload starts with "POST" (0x504f5354); the path is matched below.
tcpdump -i lo -s 256 -U -w "$work/posts.pcap" 'tcp and (tcp[((tcp[12:1] & 0xf0) >> 2):4] = 0x504f5354)' \
  2>"$work/tcpdump.log" &
cap=$!
sleep 1
status=0
"$@" || status=$?
sleep 1
kill "$cap"; wait "$cap" 2>/dev/null || true; cap=

tcpdump -r "$work/posts.pcap" -tt -nn -A 2>/dev/null \
  | awk -v p="POST $path " '/^[0-9]+\.[0-9]+ IP/ {t = $1; src = $3} index($0, p) {print t, src}' >"$work/times"
python3 - "$work/times" <<'EOF'
import bisect, sys
rows = [line.split() for line in open(sys.argv[1])]
times = sorted(float(r[0]) for r in rows)
if not times:
    print("wire_busiest_second 0 requests")
    sys.exit(0)
best, start = 0, 0
for i, t in enumerate(times):
    j = bisect.bisect_left(times, t + 1.0)
    if j - i > best:
        best, start = j - i, i
t0 = times[start]
print(f"wire_requests {len(times)} requests")
print(f"wire_busiest_second {best} requests")
print("# around the busiest second, requests leaving in each 50 ms (0 = its first):")
for k in range(-10, 25):
    a = t0 + k * 0.05
    n = bisect.bisect_left(times, a + 0.05) - bisect.bisect_left(times, a)
    print(f"{k * 50:6d} ms {n:3d} {'#' * n}")
EOF
exit $status
