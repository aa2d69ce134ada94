#!/usr/bin/env bash
# Operational figures of a running Sluice (issues 3 and 5), on this machine, loopback:
#   - channel round trip master -> worker -> master (bin/ctl ping), p50/p99
#   - resident memory of the master and of idle workers (VmRSS, and PSS: shared pages split)
#   - time from kill -9 of a worker to its replacement's worker.running (5 times)
#   - time from SIGHUP to in-place settings applied, and to a new generation serving
#
#   bench/ops-figures.sh [--workers N]      (default 2; port 19390; prints a markdown table)
#
# Needs the server built (mvn -B -DskipTests package). Starts and stops its own server.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
workers=2
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift ;;
    -h|--help) sed -n '2,11p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "ops-figures: unknown option '$1'" >&2; exit 64 ;;
  esac
  shift
done
dir="$(mktemp -d /tmp/sluice-ops.XXXXXX)"
conf="$dir/sluice.yaml"
write_conf() {
  cat > "$conf" <<EOF
workers: $1
rtmp:
  port: 19390
log:
  level: $2
paths:
  run_dir: $dir/run
  log_dir: $dir/logs
EOF
}
export SLUICE_BUILD=never
ctl() { "$ROOT/bin/ctl" -c "$conf" "$@"; }
log="$dir/logs/sluice.log"
cleanup() { "$ROOT/bin/stop" -c "$conf" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT

write_conf "$workers" info
"$ROOT/bin/start" -d -c "$conf" >/dev/null
master="$(cat "$dir/run/sluice.pid")"
# Let the class-data archive training finish (first start of a build) and the JVMs settle.
for _ in $(seq 1 60); do pgrep -f -- "--warm-up" >/dev/null || break; sleep 0.5; done
sleep 5

pids() { ctl workers --json | python3 -c 'import json,sys; print(" ".join(str(w["pid"]) for w in json.load(sys.stdin)["workers"]))'; }
kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/$3"; }

echo "| figure | value |"
echo "|---|---|"
echo "| master memory (idle) | RSS $(( $(kib "$master" VmRSS status) / 1024 )) MiB, PSS $(( $(kib "$master" Pss smaps_rollup) / 1024 )) MiB |"
for p in $(pids); do
  echo "| worker pid $p memory (idle, default jvm_options) | RSS $(( $(kib "$p" VmRSS status) / 1024 )) MiB, PSS $(( $(kib "$p" Pss smaps_rollup) / 1024 )) MiB |"
done
ctl ping -n 2000 >/dev/null # warm-up
ping_json="$(ctl ping -n 10000 --json)"
python3 - "$ping_json" <<'EOF'
import json, sys
for w in json.loads(sys.argv[1]):
    print(f"| channel round trip, worker {w['id']} (10000 pings) | p50 {w['p50Micros']:.0f} µs, p99 {w['p99Micros']:.0f} µs, max {w['maxMicros']:.0f} µs |")
EOF

# kill -9 of a worker -> its replacement reports running (the master's own figure, from spawn,
# plus the time from the kill to that log line as seen from here).
times=()
# Victims alternate over the workers and are 3 s apart, so no slot reaches the crash-loop
# guard (worker.respawn_max_failures: 5 failures within 30 s stop respawning a slot).
for i in 1 2 3 4 5; do
  n="$(pids | wc -w)"
  victim="$(pids | tr ' ' '\n' | sed -n "$(( (i - 1) % n + 1 ))p")"
  before="$(grep -c "running after" "$log" || true)"
  t0="$(date +%s%N)"
  kill -9 "$victim"
  for _ in $(seq 1 400); do
    [ "$(grep -c "running after" "$log" || true)" -gt "$before" ] && break
    sleep 0.05
  done
  times+=($(( ($(date +%s%N) - t0) / 1000000 )))
  sleep 3
done
sorted="$(printf '%s\n' "${times[@]}" | sort -n | tr '\n' ' ')"
echo "| kill -9 of a worker to its replacement's worker.running (5 runs, sorted) | ${sorted% } ms (median $(printf '%s\n' "${times[@]}" | sort -n | sed -n 3p) ms) |"
spawned="$(grep "running after" "$log" | tail -5 | grep -o 'after [0-9]*' | grep -o '[0-9]*' | sort -n | tr '\n' ' ')"
echo "| ... of which the replacement's own start, spawn to worker.running (master's log) | ${spawned% } ms |"

# SIGHUP, in place (log level), then a new generation (worker count + 1, then back).
write_conf "$workers" debug
kill -HUP "$master"
for _ in $(seq 1 1000); do grep -q "reload (SIGHUP): applied in place" "$log" && break; sleep 0.01; done
echo "| SIGHUP to in-place settings applied (master's figure) | $(grep -o 'applied in place to [0-9]* worker(s) in [0-9]* ms' "$log" | tail -1 | grep -o '[0-9]* ms') |"
for n in $(( workers + 1 )) "$workers"; do
  write_conf "$n" info
  before="$(grep -c "reload (SIGHUP): generation" "$log" || true)"
  kill -HUP "$master"
  for _ in $(seq 1 3000); do
    [ "$(grep -c "reload (SIGHUP): generation" "$log" || true)" -gt "$before" ] && break
    sleep 0.01
  done
  echo "| SIGHUP to a new generation of $n worker(s) serving | $(grep "reload (SIGHUP): generation" "$log" | tail -1 | grep -o 'running in [0-9]* ms' | grep -o '[0-9]* ms') |"
  sleep 3
done
