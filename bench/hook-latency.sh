#!/usr/bin/env bash
# Publish set-up time with an on_publish hook on loopback (issue 15, item 9): p50/p99 of
# connect -> NetStream.Publish.Start for an app without a hook and one with it, alternating.
#
#   bench/hook-latency.sh [--count N]     (default 300; RTMP port 19391, back-end port 18765)
#
# Builds with mvn package (no install) when the jars are missing; starts and stops its own server
# (1 worker); prints a markdown table and the load average.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count=300
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift ;;
    -h|--help) sed -n '2,8p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hook-latency: unknown option '$1'" >&2; exit 64 ;;
  esac
  shift
done
if [ ! -f "$ROOT/bench/target/sluice-bench.jar" ] || [ ! -f "$ROOT/master/target/sluice-master.jar" ]; then
  (cd "$ROOT" && mvn -B -q -o package -DskipTests -pl master,bench -am)
fi
dir="$(mktemp -d /tmp/sluice-hook.XXXXXX)"
conf="$dir/sluice.yaml"
cat > "$conf" <<EOF2
workers: 1
rtmp:
  port: 19391
http:
  enabled: false
apps:
  live: {}
  hooked:
    on_publish: http://127.0.0.1:18765/
paths:
  run_dir: $dir/run
  log_dir: $dir/logs
EOF2
export SLUICE_BUILD=never
cleanup() { "$ROOT/bin/stop" -c "$conf" >/dev/null 2>&1 || true; rm -rf "$dir"; }
trap cleanup EXIT
"$ROOT/bin/start" -d -c "$conf" >/dev/null
for _ in $(seq 1 100); do
  "$ROOT/bin/ctl" -c "$conf" workers 2>/dev/null | grep -q running && break
  sleep 0.2
done
java -cp "$ROOT/bench/target/sluice-bench.jar:$ROOT/bench/target/lib/*" io.sluice.bench.HookLatency \
  --port 19391 --backend-port 18765 --count "$count"
echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
