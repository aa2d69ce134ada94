#!/usr/bin/env bash
# Access-control hooks on loopback (issue 15, item 9):
#  1. publish set-up time with an on_publish hook: p50/p99 of connect -> NetStream.Publish.Start
#     for an app without a hook and one with it, alternating (io.sluice.bench.HookLatency);
#  2. a crowd joining through on_play: 10 players watch a 2 Mbit/s stream; 1000 more join at
#     200/s, each asking the back-end first; the watching players' largest gap between media
#     messages in a quiet window and in the joining window (io.sluice.bench.HookJoin), against
#     Sluice and then nginx-rtmp (on_play to the same back-end) in the same run; each with the
#     JDK's HTTP server as the back-end and with nginx's `return 200` (the server's own cost).
#
#   bench/hook-latency.sh [--count N] [--joiners N] [--no-nginx]
#     (defaults 300 and 1000; RTMP ports 19391 and 19392, back-end ports 18765, 18766, 18767)
#
# Builds with mvn package (no install) when the jars are missing; starts and stops its own servers
# (1 worker each); prints markdown tables and the load average.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
count=300
joiners=1000
nginx=1
while [ $# -gt 0 ]; do
  case "$1" in
    --count) count="$2"; shift ;;
    --joiners) joiners="$2"; shift ;;
    --no-nginx) nginx=0 ;;
    -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hook-latency: unknown option '$1'" >&2; exit 64 ;;
  esac
  shift
done
. "$ROOT/bench/scripts/jars.sh"
bench_jars
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
  crowd:
    on_play: http://127.0.0.1:18766/
  crowd2:
    on_play: http://127.0.0.1:18767/
paths:
  run_dir: $dir/run
  log_dir: $dir/logs
EOF2
export SLUICE_BUILD=never
cleanup() {
  "$ROOT/bin/stop" -c "$conf" >/dev/null 2>&1 || true
  for pidfile in "$dir/nginx/nginx.pid" "$dir/backend/nginx.pid"; do
    [ -f "$pidfile" ] && kill "$(cat "$pidfile")" 2>/dev/null || true
  done
  rm -rf "$dir"
}
trap cleanup EXIT
"$ROOT/bin/start" -d -c "$conf" >/dev/null
for _ in $(seq 1 100); do
  "$ROOT/bin/ctl" -c "$conf" workers 2>/dev/null | grep -q running && break
  sleep 0.2
done
CP="$ROOT/bench/target/sluice-bench.jar:$ROOT/bench/target/lib/*"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
java -cp "$CP" io.sluice.bench.HookLatency --port 19391 --backend-port 18765 --count "$count"
echo

# The crowd: the same 2000k stream as run.sh and hostile.sh.
. "$ROOT/bench/scripts/media.sh"
flv="$(bench_media 2000)"
# The fast back-end: nginx answering 200 to everything.
mkdir -p "$dir/backend"
cat > "$dir/backend/nginx.conf" <<EOF4
worker_processes 1;
pid $dir/backend/nginx.pid;
error_log $dir/backend/error.log warn;
events { worker_connections 4096; }
http { access_log off; server { listen 127.0.0.1:18767; location / { return 200; } } }
EOF4
nginx -e "$dir/backend/error.log" -p "$dir/backend" -c "$dir/backend/nginx.conf"
# crowd PORT LABEL: the join without a hook (app live), with the JDK back-end (app crowd), then
# with nginx's (app crowd2).
crowd() {
  java -cp "$CP" io.sluice.bench.HookJoin --port "$1" --app live --external-backend --flv "$flv" \
    --joiners "$joiners" --label "$2, no hook" || echo "| $2 | (failed: exit $?) |"
  java -cp "$CP" io.sluice.bench.HookJoin --port "$1" --backend-port 18766 --app crowd --flv "$flv" \
    --joiners "$joiners" --label "$2, JDK back-end" || echo "| $2 | (failed: exit $?) |"
  java -cp "$CP" io.sluice.bench.HookJoin --port "$1" --app crowd2 --external-backend --flv "$flv" \
    --joiners "$joiners" --label "$2, nginx back-end" || echo "| $2 | (failed: exit $?) |"
}
echo "| server | workload | quiet window | joining window | joiners | live players dropped | back-end calls |"
echo "|---|---|---|---|---|---|---|"
crowd 19391 sluice-1w
"$ROOT/bin/stop" -c "$conf" >/dev/null 2>&1 || true
if [ "$nginx" = 1 ]; then
  # nginx-rtmp as run.sh runs it (one worker, chunk_size 4096) with on_play to the same back-end.
  mkdir -p "$dir/nginx"
  cat > "$dir/nginx/nginx.conf" <<EOF3
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $dir/nginx/nginx.pid;
error_log $dir/nginx/error.log warn;
events { worker_connections 20000; }
rtmp {
  server {
    listen 127.0.0.1:19392;
    chunk_size 4096;
    application live { live on; }
    application crowd { live on; on_play http://127.0.0.1:18766/; }
    application crowd2 { live on; on_play http://127.0.0.1:18767/; }
  }
}
EOF3
  nginx -e "$dir/nginx/error.log" -p "$dir/nginx" -c "$dir/nginx/nginx.conf"
  for _ in $(seq 1 50); do [ -s "$dir/nginx/nginx.pid" ] && break; sleep 0.1; done
  crowd 19392 nginx-rtmp
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
