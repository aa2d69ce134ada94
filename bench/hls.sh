#!/usr/bin/env bash
# HLS against nginx-rtmp (issue 14, item 7), both 1 worker, loopback, in one run, alternating:
#   1. latency: for each video frame, the moment it is fetchable (the playlist lists a segment or
#      part holding it) minus the moment the publisher sent it, p50/p99/max (io.sluice.bench.HlsBench
#      latency; the playlist polled every 20 ms by both);
#   2. serving: N HLS clients polling the media playlist every second and fetching each new
#      segment on keep-alive connections; requests and bytes per CPU-second of the server;
#   3. the CPU cost of segmenting one 2 Mbit/s stream: the server's CPU with the publisher alone,
#      HLS on against HLS off;
#   4. hls.js's own latency in Chromium (browser-tests/play-hls.mjs, all pages at once, 30 s of
#      play, 640x360 so that 2 cores decode three pages): Sluice LL-HLS with lowLatencyMode and maxLiveSyncPlaybackRate 1.5, Sluice's
#      playlist played as standard HLS, nginx-rtmp's standard HLS; each stream published by
#      ffmpeg from a live 1 s GOP source.
# nginx-rtmp: `hls on; hls_fragment 2s; hls_playlist_length 12s;` served by nginx's own HTTP server.
# Sluice: the shipped HLS defaults (segment 2s, window 6) plus any --sluice-hls YAML lines.
#
#   bench/hls.sh [--reps N] [--clients N] [--seconds S] [--sluice-hls 'low_latency: false']
#                [--only latency,serve,segment,browser]
#     (defaults 2, 1000, 20, all four; ports 19400-19409; results in bench/target/hls-*/)
#
# Builds with mvn package (no install) when the jars are missing; starts and stops its servers.
set -euo pipefail
BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
reps=2
clients=1000
seconds=20
sluice_hls=""
only="latency,serve,segment,browser"
while [ $# -gt 0 ]; do
  case "$1" in
    --reps) reps="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --sluice-hls) sluice_hls="$2"; shift ;;
    --only) only="$2"; shift ;;
    -h|--help) sed -n '2,21p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hls.sh: unknown option '$1'" >&2; exit 64 ;;
  esac
  shift
done
. "$BENCH/scripts/jars.sh"
bench_jars
. "$BENCH/scripts/media.sh"
flv="$(bench_media 2000)"
OUT="$BENCH/target/hls-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
CP="$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*"
export SLUICE_BUILD=never
pids_to_kill=()
cleanup() {
  for p in "${pids_to_kill[@]}"; do kill "$p" 2>/dev/null || true; done
  for c in "$OUT"/sluice-*/sluice.yaml; do [ -f "$c" ] && "$ROOT/bin/stop" -c "$c" >/dev/null 2>&1 || true; done
  [ -f "$OUT/nginx/nginx.pid" ] && kill "$(cat "$OUT/nginx/nginx.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# start_sluice NAME RTMP_PORT HTTP_PORT HLS_ENABLED
start_sluice() {
  local d="$OUT/sluice-$1"
  mkdir -p "$d"
  {
    printf 'workers: 1\nrtmp:\n  port: %s\nhttp:\n  port: %s\napi:\n  listen: ""\nhls:\n  enabled: %s\n' "$2" "$3" "$4"
    [ -n "$sluice_hls" ] && printf '%s\n' "$sluice_hls" | sed 's/^/  /'
    printf 'worker:\n  jvm_options: ["-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=256m", "-Xss512k"]\n'
    printf 'paths:\n  run_dir: %s/run\n  log_dir: %s/logs\n' "$d" "$d"
  } > "$d/sluice.yaml"
  "$ROOT/bin/start" -d -c "$d/sluice.yaml" >/dev/null
  for _ in $(seq 1 150); do
    "$ROOT/bin/ctl" -c "$d/sluice.yaml" workers 2>/dev/null | grep -q running && break
    sleep 0.2
  done
}
start_sluice hls 19400 19401 true
start_sluice nohls 19404 19405 false
# The masters' pids (the first "pid" of `bin/ctl status --json`); their workers are their children.
master_pid() { "$ROOT/bin/ctl" -c "$OUT/sluice-$1/sluice.yaml" status --json | sed -n 's/^[^0-9]*"pid":\([0-9]*\).*/\1/p' | head -1; }
SLUICE_PID="$(master_pid hls)"
SLUICE_NOHLS_PID="$(master_pid nohls)"

mkdir -p "$OUT/nginx/hls"
cat > "$OUT/nginx/nginx.conf" <<EOF2
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $OUT/nginx/nginx.pid;
error_log $OUT/nginx/error.log warn;
events { worker_connections 20000; }
rtmp {
  server {
    listen 127.0.0.1:19402;
    chunk_size 4096;
    application live { live on; hls on; hls_path $OUT/nginx/hls; hls_fragment 2s; hls_playlist_length 12s; }
    application nohls { live on; }
  }
}
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 100000;
  server {
    listen 127.0.0.1:19403;
    location /hls {
      types { application/vnd.apple.mpegurl m3u8; video/mp2t ts; }
      root $OUT/nginx;
      add_header Cache-Control no-cache;
      add_header Access-Control-Allow-Origin *;
    }
  }
}
EOF2
nginx -e "$OUT/nginx/error.log" -p "$OUT/nginx" -c "$OUT/nginx/nginx.conf"
for _ in $(seq 1 50); do [ -s "$OUT/nginx/nginx.pid" ] && break; sleep 0.1; done
NGINX_PID="$(cat "$OUT/nginx/nginx.pid")"

# Sum of utime+stime ticks of a process and all its descendants.
tree_ticks() {
  local total=0 p
  [ -r "/proc/$1/stat" ] && total=$(sed 's/^.*) //' "/proc/$1/stat" | awk '{print $12 + $13}')
  for p in $(pgrep -P "$1" 2>/dev/null); do
    total=$((total + $(tree_ticks "$p")))
  done
  echo "$total"
}
# publish URL: ffmpeg copies the bench file in real time, looping (killed by the caller)
publish() {
  ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$flv" -c copy -f flv "$1" \
    >>"$OUT/ffmpeg.log" 2>&1 &
  echo $!
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)" | tee "$OUT/hls.md"
wants() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }
if wants latency; then
{
  echo
  echo "### Latency: video frame published → fetchable (playlist polled every 20 ms)"
  echo
  echo "| server | listed | frames | p50 | p99 | max | last frame → listed, p50 / p99 |"
  echo "|---|---|---|---|---|---|---|"
} | tee -a "$OUT/hls.md"
for rep in $(seq 1 "$reps"); do
  java -cp "$CP" io.sluice.bench.HlsBench latency --rtmp "rtmp://127.0.0.1:19400/live/lat$rep" \
    --playlist "http://127.0.0.1:19401/live/lat$rep/index.m3u8" --flv "$flv" --label "sluice (rep $rep)" \
    | tee -a "$OUT/hls.md"
  java -cp "$CP" io.sluice.bench.HlsBench latency --rtmp "rtmp://127.0.0.1:19402/live/lat$rep" \
    --playlist "http://127.0.0.1:19403/hls/lat$rep.m3u8" --flv "$flv" --label "nginx-rtmp (rep $rep)" \
    | tee -a "$OUT/hls.md"
done
fi

if wants serve; then
{
  echo
  echo "### Serving: $clients clients, playlist every second + every new segment, ${seconds} s windows"
  echo
  echo "| server | clients | requests/s | MB/s | server CPU | requests per CPU-s | MB per CPU-s | failures |"
  echo "|---|---|---|---|---|---|---|---|"
} | tee -a "$OUT/hls.md"
pub1="$(publish rtmp://127.0.0.1:19400/live/serve)"; pids_to_kill+=("$pub1")
pub2="$(publish rtmp://127.0.0.1:19402/live/serve)"; pids_to_kill+=("$pub2")
sleep 8 # the first segments exist
# Warm-up (not reported): a JVM server compiles its HTTP path in the first tens of seconds (C2 took
# 60 % of the worker's CPU 20 s after start); nginx gets the same treatment.
java -Xmx1g -cp "$CP" io.sluice.bench.HlsBench serve --playlist "http://127.0.0.1:19401/live/serve/index.m3u8" \
  --pids "$SLUICE_PID" --clients "$clients" --seconds 15 --label "sluice warm-up" >>"$OUT/warm-up.log"
java -Xmx1g -cp "$CP" io.sluice.bench.HlsBench serve --playlist "http://127.0.0.1:19403/hls/serve.m3u8" \
  --pids "$NGINX_PID" --clients "$clients" --seconds 15 --label "nginx warm-up" >>"$OUT/warm-up.log"
for rep in $(seq 1 "$reps"); do
  java -Xmx1g -cp "$CP" io.sluice.bench.HlsBench serve --playlist "http://127.0.0.1:19401/live/serve/index.m3u8" \
    --pids "$SLUICE_PID" --clients "$clients" --seconds "$seconds" --label "sluice (rep $rep)" | tee -a "$OUT/hls.md"
  java -Xmx1g -cp "$CP" io.sluice.bench.HlsBench serve --playlist "http://127.0.0.1:19403/hls/serve.m3u8" \
    --pids "$NGINX_PID" --clients "$clients" --seconds "$seconds" --label "nginx-rtmp (rep $rep)" | tee -a "$OUT/hls.md"
done
kill "$pub1" "$pub2" 2>/dev/null || true
fi

if wants segment; then
{
  echo
  echo "### Segmenting: server CPU with one 2 Mbit/s publisher and no player, ${seconds} s windows"
  echo
  echo "| server | HLS on | HLS off | HLS costs |"
  echo "|---|---|---|---|"
} | tee -a "$OUT/hls.md"
# cpu_window PID URL: % of one core the server tree used while URL was published for $seconds s
cpu_window() {
  local pub t0 t1
  pub="$(publish "$2")"
  sleep 4
  t0="$(tree_ticks "$1")"
  sleep "$seconds"
  t1="$(tree_ticks "$1")"
  kill "$pub" 2>/dev/null || true
  wait "$pub" 2>/dev/null || true
  awk -v a="$t0" -v b="$t1" -v s="$seconds" 'BEGIN { printf "%.1f", (b - a) / s }'
}
for rep in $(seq 1 "$reps"); do
  on="$(cpu_window "$SLUICE_PID" "rtmp://127.0.0.1:19400/live/seg$rep")"
  off="$(cpu_window "$SLUICE_NOHLS_PID" "rtmp://127.0.0.1:19404/live/seg$rep")"
  echo "| sluice (rep $rep) | $on % | $off % | $(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.1f", a - b }') % of a core |" | tee -a "$OUT/hls.md"
  on="$(cpu_window "$NGINX_PID" "rtmp://127.0.0.1:19402/live/seg$rep")"
  off="$(cpu_window "$NGINX_PID" "rtmp://127.0.0.1:19402/nohls/seg$rep")"
  echo "| nginx-rtmp (rep $rep) | $on % | $off % | $(awk -v a="$on" -v b="$off" 'BEGIN { printf "%.1f", a - b }') % of a core |" | tee -a "$OUT/hls.md"
done
fi

if wants browser; then
{
  echo
  echo "### hls.js in Chromium: its own latency after 30 s of play (s behind the live edge)"
  echo
  echo "| rep | Sluice LL-HLS (lowLatencyMode, maxLiveSyncPlaybackRate 1.5) | Sluice, standard hls.js | nginx-rtmp, standard hls.js |"
  echo "|---|---|---|---|"
} | tee -a "$OUT/hls.md"
# A live source as an encoder would send it: 1 s GOP, zerolatency, 30 fps.
live() {
  ffmpeg -nostdin -hide_banner -loglevel error -re -f lavfi -i testsrc2=size=640x360:rate=30 \
    -f lavfi -i sine=frequency=440:sample_rate=44100 -c:v libx264 -preset veryfast -tune zerolatency \
    -pix_fmt yuv420p -g 30 -b:v 800k -c:a aac -b:a 64k -f flv "$1" >>"$OUT/ffmpeg.log" 2>&1 &
  echo $!
}
for rep in $(seq 1 "$reps"); do
  p1="$(live "rtmp://127.0.0.1:19400/live/js$rep")"; pids_to_kill+=("$p1")
  p2="$(live "rtmp://127.0.0.1:19402/live/js$rep")"; pids_to_kill+=("$p2")
  sleep 6
  # Every request the pages make, with its times, for a stall or a levelLoadTimeOut to be traced.
  (cd "$ROOT/browser-tests" && PLAY_HLS_REQUESTS="$OUT/js-requests-$rep.jsonl" timeout 120 node play-hls.mjs 900 60000 \
    "ll,1+1.5,http://127.0.0.1:19401/live/js$rep.m3u8" "std,0,http://127.0.0.1:19401/live/js$rep.m3u8" \
    "nginx,0,http://127.0.0.1:19403/hls/js$rep.m3u8" >"$OUT/js-$rep.json" 2>>"$OUT/js.log") || true
  kill "$p1" "$p2" 2>/dev/null || true
  python3 - "$OUT/js-$rep.json" "$rep" <<'PY' | tee -a "$OUT/hls.md"
import json, sys
cells = {}
for f in sys.argv[1:2]:
    try:
        for r in json.load(open(f))["results"]:
            ok = r["ok"] and isinstance(r["latency"], (int, float))
            cells[r["name"]] = ("%.2f" % r["latency"]) if ok else "failed: %s" % (r["errors"] or r["totalVideoFrames"])
    except Exception as e:
        pass
print("| %s | %s | %s | %s |" % (sys.argv[2], cells.get("ll", "-"), cells.get("std", "-"), cells.get("nginx", "-")))
PY
done
fi
echo | tee -a "$OUT/hls.md"
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT/hls.md" | tee -a "$OUT/hls.md"
