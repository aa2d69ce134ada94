#!/usr/bin/env bash
# What the operator's API costs on a loaded server (issue 16, item 8): Sluice with 4 workers, one
# 600 kbit/s stream and 1000 RTMP players (the kernel spreads them over the workers; three workers
# relay from the owner). While they play, io.sluice.bench.ApiLoad times GET /metrics,
# /api/v1/streams, /api/v1/summary and /api/v1/clients (p50/p99/max, one request at a time), then
# measures the workers' and the master's CPU in windows without requests and windows with a
# scrape of /metrics every second, alternating.
#
#   bench/api-load.sh [--players N] [--workers N] [--requests N] [--windows N] [--kbps 600|2000|100]
#     (defaults 1000, 4, 200, 3, 600; RTMP port 19394, HTTP 19395, API 19985). --kbps 100 keeps
#     the same 1000 sessions while leaving the machine's cores less busy with media.
#
# Builds with mvn package (no install) when the jars are missing; starts and stops its own server;
# prints markdown tables and the load average.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
players=1000
workers=4
requests=200
windows=3
kbps=600
while [ $# -gt 0 ]; do
  case "$1" in
    --players) players="$2"; shift ;;
    --workers) workers="$2"; shift ;;
    --requests) requests="$2"; shift ;;
    --windows) windows="$2"; shift ;;
    --kbps) kbps="$2"; shift ;;
    -h|--help) sed -n '2,15p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "api-load: unknown option '$1'" >&2; exit 64 ;;
  esac
  shift
done
. "$ROOT/bench/scripts/jars.sh"
bench_jars
. "$ROOT/bench/scripts/media.sh"
flv="$(bench_media "$kbps")"
dir="$(mktemp -d /tmp/sluice-api.XXXXXX)"
conf="$dir/sluice.yaml"
# The bench's worker JVM options (run.sh): small heaps, as on a shared 2-core machine.
cat > "$conf" <<EOF2
workers: $workers
rtmp:
  port: 19394
http:
  port: 19395
api:
  listen: "127.0.0.1:19985"
worker:
  jvm_options: ["-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=256m", "-Xss512k"]
paths:
  run_dir: $dir/run
  log_dir: $dir/logs
EOF2
export SLUICE_BUILD=never
gen_pid=""
cleanup() {
  [ -n "$gen_pid" ] && kill "$gen_pid" 2>/dev/null || true
  "$ROOT/bin/stop" -c "$conf" >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT
"$ROOT/bin/start" -d -c "$conf" >/dev/null
for _ in $(seq 1 150); do
  [ "$("$ROOT/bin/ctl" -c "$conf" workers 2>/dev/null | grep -c running)" -ge "$workers" ] && break
  sleep 0.2
done
CP="$ROOT/bench/target/sluice-bench.jar:$ROOT/bench/target/lib/*"
# The players: one long measuring window, so they stay while ApiLoad works.
java -Xms256m -Xmx1g -cp "$CP" io.sluice.bench.LoadGenerator --url "rtmp://127.0.0.1:19394/live/api" \
  --flv "$flv" --players "$players" --ramp 200 --warmup 0 --window 600 --settle 1 --label sluice \
  >"$dir/generator.log" 2>&1 &
gen_pid=$!
for _ in $(seq 1 300); do
  n="$(curl -s 127.0.0.1:19985/api/v1/summary | sed -n 's/.*"players":\([0-9]*\).*/\1/p')"
  [ "${n:-0}" -ge "$players" ] && break
  sleep 0.2
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
java -cp "$CP" io.sluice.bench.ApiLoad --api http://127.0.0.1:19985 --requests "$requests" --windows "$windows"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
