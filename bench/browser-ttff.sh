#!/usr/bin/env bash
# Time to the first decoded frame in a real browser: Debian's headless Chromium playing a live
# FLV stream with mpegts.js (browser-tests/play-flv.mjs), over HTTP-FLV and over WebSocket-FLV,
# several times each; prints the median, min and max.
#
#   bench/browser-ttff.sh [--runs N] [--modes http,ws] [--publish RTMP_URL] URL
#   bench/browser-ttff.sh [--runs N] [--modes http,ws] --nms|--nms4
#     URL            the stream, http://HOST:PORT/APP/NAME.flv (ws:// is derived for ws)
#     --publish URL  also publish the generated stream to this RTMP URL for the run (otherwise
#                    the stream must be live already)
#     --nms          the peer figure: start Node-Media-Server 2.x (installed with npm into
#                    bench/target/nms when missing) on free ports, publish to it, measure it
#     --nms4         the same with Node-Media-Server 4.x (bench/target/nms4, as bench/run.sh's flv
#                    workload installs it; HTTP-FLV and WebSocket-FLV on its one HTTP port)
#     --runs N       measured runs per mode (default 5; one unmeasured warm-up run comes first)
#     --modes LIST   http, ws or both (default http,ws)
#
# The published stream is the bench's 2 Mbit/s medium (bench/target/media/test-2000k.flv, as
# bench/run.sh makes it: testsrc2 1280x720 at 30 fps, H.264 CBR, GOP 2 s, AAC), looped in real
# time by ffmpeg with -c copy.
# msToFirstFrame counts from the page's navigation start (renderer start, page and mpegts.js
# load included); msFromPlayer counts from the player's creation, which is what a server can
# change. Raw JSON lines go to bench/target/browser-ttff-*/runs.jsonl.
#
# Environment: MPEGTS_CONFIG (JSON config for mpegts.createPlayer, see browser-tests/play-flv.mjs).
# Needs node, npm, ffmpeg and /usr/bin/chromium (apt-get install chromium nodejs npm ffmpeg).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
NMS_VERSION="2.7.4"
NMS4_VERSION="4.4.3"

runs=5
modes="http,ws"
publish=""
nms=0
url=""
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --publish) publish="$2"; shift 2 ;;
    --nms) nms=1; shift ;;
    --nms4) nms=4; shift ;;
    -h|--help) sed -n '2,25p' "$0"; exit 0 ;;
    -*) echo "browser-ttff.sh: unknown option $1" >&2; exit 2 ;;
    *) url="$1"; shift ;;
  esac
done
if [ "$nms" = 0 ] && [ -z "$url" ]; then
  echo "browser-ttff.sh: give a stream URL or --nms (see --help)" >&2
  exit 2
fi

OUT="$BENCH/target/browser-ttff-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
LOG="$OUT/run.log"
say() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }

# ---- what is started here is stopped here, by pid ----
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"
}

[ -f "$ROOT/browser-tests/node_modules/playwright-core/package.json" ] \
  || (cd "$ROOT/browser-tests" && npm ci --no-audit --no-fund) >>"$LOG" 2>&1

if [ "$nms" = 4 ]; then
  if [ ! -f "$BENCH/target/nms4/node_modules/node-media-server/package.json" ]; then
    say "installing node-media-server@$NMS4_VERSION (npm) into bench/target/nms4"
    mkdir -p "$BENCH/target/nms4"
    [ -f "$BENCH/target/nms4/package.json" ] || echo '{"name":"nms4-bench","private":true}' > "$BENCH/target/nms4/package.json"
    (cd "$BENCH/target/nms4" && npm install --no-audit --no-fund "node-media-server@$NMS4_VERSION") >>"$LOG" 2>&1
  fi
  rtmp_port=$(free_port)
  http_port=$(free_port)
  node "$BENCH/scripts/nms4-start.js" "$BENCH/target/nms4" "$rtmp_port" "$http_port" >"$OUT/nms.log" 2>&1 &
  PIDS+=($!)
  publish="rtmp://127.0.0.1:$rtmp_port/live/ttff"
  url="http://127.0.0.1:$http_port/live/ttff.flv"
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$rtmp_port") 2>/dev/null && break; sleep 0.1; done
  say "Node-Media-Server $NMS4_VERSION: rtmp $rtmp_port, http $http_port"
elif [ "$nms" = 1 ]; then
  if [ ! -f "$BENCH/target/nms/node_modules/node-media-server/package.json" ]; then
    say "installing node-media-server@$NMS_VERSION (npm) into bench/target/nms"
    mkdir -p "$BENCH/target/nms"
    [ -f "$BENCH/target/nms/package.json" ] || echo '{"name":"nms-bench","private":true}' > "$BENCH/target/nms/package.json"
    (cd "$BENCH/target/nms" && npm install --no-audit --no-fund "node-media-server@$NMS_VERSION") >>"$LOG" 2>&1
  fi
  rtmp_port=$(free_port)
  http_port=$(free_port)
  node "$BENCH/scripts/nms-flv-start.js" "$BENCH/target/nms" "$rtmp_port" "$http_port" >"$OUT/nms.log" 2>&1 &
  PIDS+=($!)
  publish="rtmp://127.0.0.1:$rtmp_port/live/ttff"
  url="http://127.0.0.1:$http_port/live/ttff.flv"
  for _ in $(seq 100); do (exec 3<>"/dev/tcp/127.0.0.1/$rtmp_port") 2>/dev/null && break; sleep 0.1; done
  say "Node-Media-Server $NMS_VERSION: rtmp $rtmp_port, http $http_port"
fi

if [ -n "$publish" ]; then
  # The bench's 2 Mbit/s medium (same file and settings as bench/run.sh), encoded once and sent
  # with -c copy, so the encoder does not compete with the browser for the CPU.
  media="$BENCH/target/media/test-2000k.flv"
  if [ ! -s "$media" ]; then
    mkdir -p "$BENCH/target/media"
    say "encoding $media (60 s, 2000 kbit/s)"
    nice ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
      -f lavfi -i sine=frequency=440:sample_rate=44100 -t 60 -c:v libx264 -preset veryfast -pix_fmt yuv420p \
      -b:v 1872k -maxrate 1872k -bufsize 1872k -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 \
      -c:a aac -b:a 128k -ac 2 -f flv "$media.part" && mv "$media.part" "$media"
  fi
  ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$media" -c copy \
    -f flv "$publish" >"$OUT/ffmpeg.log" 2>&1 &
  PIDS+=($!)
  say "publishing $media to $publish"
fi

# Bounded wait for the stream to be served (a 200 with bytes), so the first run is not a miss.
for _ in $(seq 150); do
  got=$(curl -s --max-time 1 -o /dev/null -w '%{http_code} %{size_download}' "$url" || true)
  case "$got" in 200\ 0|"") ;; 200\ *) break ;; esac
  sleep 0.1
done
case "$got" in 200\ 0|"") say "$url does not serve the stream ($got)"; exit 1 ;; 200\ *) ;; *) say "$url: $got"; exit 1 ;; esac

say "measuring $url: $runs runs per mode ($modes), machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for mode in ${modes//,/ }; do
  node "$ROOT/browser-tests/play-flv.mjs" "$url" "$mode" >>"$OUT/warmup.jsonl" 2>>"$LOG" || true
  for i in $(seq "$runs"); do
    node "$ROOT/browser-tests/play-flv.mjs" "$url" "$mode" >>"$OUT/runs.jsonl" 2>>"$LOG" || true
  done
done

node - "$OUT/runs.jsonl" <<'EOF'
const lines = require('fs').readFileSync(process.argv[2], 'utf8').trim().split('\n').map(JSON.parse);
const median = (xs) => { const s = [...xs].sort((a, b) => a - b); const m = s.length >> 1; return s.length % 2 ? s[m] : Math.round((s[m - 1] + s[m]) / 2); };
for (const mode of [...new Set(lines.map((l) => l.mode))]) {
  const ok = lines.filter((l) => l.mode === mode && l.ok);
  const failed = lines.filter((l) => l.mode === mode && !l.ok);
  const stat = (key) => { const xs = ok.map((l) => l[key]); return xs.length ? `median ${median(xs)} ms (min ${Math.min(...xs)}, max ${Math.max(...xs)})` : 'n/a'; };
  console.log(`${mode}: ${ok.length}/${ok.length + failed.length} ok; msToFirstFrame ${stat('msToFirstFrame')}; msFromPlayer ${stat('msFromPlayerToFirstFrame')}`);
  for (const f of failed) console.log(`  failed: ${JSON.stringify(f.errors)}`);
}
EOF
say "raw runs: $OUT/runs.jsonl"
