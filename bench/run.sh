#!/usr/bin/env bash
# Benchmark driver: the same RTMP workloads against Sluice (1 and 2 workers), nginx-rtmp (1 and
# 2 workers) and Node-Media-Server 2.x, one after another, then a table and plots in
# docs/benchmarks.md and docs/bench-*.png.
#
#   bench/run.sh [--quick] [--reps N] [--only LIST] [--servers LIST] [--profile] [--perf] [--no-docs]
#     --quick      one repetition, shorter windows, fewer players (about 4 minutes); ends with a
#                  one-line VERDICT against bench/baseline.json (exit code 1 on a regression)
#     --reps N     repetitions of the 100/1000-player workloads (default 3; medians are reported)
#     --only LIST  comma-separated subset of: verify,sluice,nginx,nms,scale,two,profile,perf,flv,transport
#                  (verify alone checks the generator against ffmpeg on all three servers; flv is
#                  not in the default set)
#     --profile    also run Sluice at 1000 players under JFR and summarise where its CPU goes
#     --perf       also run Sluice at 1000 players under Linux perf (system calls counted, samples
#                  with kernel and JIT frames) and summarise; installs linux-perf if missing
#     --servers L  the servers of the 100/1000-player rows instead of those --only implies, e.g.
#                  sluice-1w,sluice-1w-ab50,nginx-1w (sluice-1w-abN: players.audio_batch N ms)
#     --players L,S the two audience sizes of the 2 Mbit/s rows instead of 1000,100 (the large one
#                  runs first; the README's ratios and --quick's verdict are for 1000,100 only)
#     --no-docs    leave docs/ alone (results stay in bench/target/run-*/)
#     --settle N   after each small-audience row, the same audience again measured after N seconds
#                  of play (workload 2000k-settled): steady state, past the JIT's recompilation
#                  that follows the large audience leaving (JVM servers only pay it)
#
# Every run writes bench/target/run-*/baseline.json (Sluice / nginx-rtmp ratios and the medians
# they come from); copied to bench/baseline.json it becomes what --quick's verdict compares with.
#
# Workloads (one publisher, the generated 1280x720 H.264+AAC stream, GOP 2 s):
#   2000k x 100 and 2000k x 1000 players   CPU-s per delivered Gbit, TTFF, latency, stalls, memory
#   600k  x 1000..6000 players (steps)      how many players one worker sustains
#   2000k x 1000 players on 2 workers       Sluice (relays) vs nginx-rtmp (rtmp_auto_push)
#   flv: 2000k x 1000 players, 1 worker     Sluice HTTP-FLV, Sluice RTMP and Node-Media-Server 4.x
#                                           HTTP-FLV, latency over audio and video (workload 2000k-flv)
#
# Peers are installed when missing: nginx + libnginx-mod-rtmp with apt-get, Node-Media-Server
# 2.x with npm into bench/target/nms (4.x into bench/target/nms4 for flv). Nothing else is
# downloaded. Ports 19350-19379 on 127.0.0.1.
#
# Environment: JAVA (default java), BENCH_GEN_OPTS (generator JVM options), BENCH_SLUICE_JVM
# (extra worker JVM options for an experiment, e.g. -Dio.netty.recycler.maxCapacityPerThread=0).
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
JAVA="${JAVA:-java}"
GEN_OPTS="${BENCH_GEN_OPTS:--Xms256m -Xmx1g -XX:+UseG1GC}"
NMS_VERSION="2.7.4"
NMS4_VERSION="4.4.3"
PORT_SLUICE=19350
PORT_SLUICE_HTTP=19351
PORT_NGINX=19360
PORT_NMS=19370
PORT_NMS4=19372
PORT_NMS4_HTTP=19373

quick=0
reps=3
only="verify,sluice,nginx,nms,scale,two"
profile=0
perfrun=0
docs=1
servers_arg=""
players_arg=""
settle=0
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1; reps=1 ;;
    --reps) reps="$2"; shift ;;
    --only) only="$2"; shift ;;
    --profile) profile=1 ;;
    --perf) perfrun=1 ;;
    --no-docs) docs=0 ;;
    --servers) servers_arg="$2"; shift ;;
    --players) players_arg="$2"; shift ;;
    --settle) settle="$2"; [[ "$settle" =~ ^[0-9]+$ ]] || { echo "run.sh: --settle takes whole seconds, not $settle" >&2; exit 64; }; shift ;;
    -h|--help) sed -n '2,36p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "run.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
if [ "$profile" = 1 ]; then only="$only,profile"; fi
if [ "$perfrun" = 1 ]; then only="$only,perf"; fi
wants() { case ",$only," in *",$1,"*) return 0 ;; *) return 1 ;; esac; }

if [ "$quick" = 1 ]; then
  W_SMALL=8; W_LARGE=10; W_STEP=8; WARM=3; SCALE_STEPS_SLUICE="1000,3000"; SCALE_STEPS_PEER="1000,3000"
  PLAYERS_LARGE=1000; PLAYERS_SMALL=100; PLAYERS_TWO=500
else
  W_SMALL=8; W_LARGE=12; W_STEP=8; WARM=4; SCALE_STEPS_SLUICE="1000,3000,6000"
  SCALE_STEPS_PEER="1000,3000,6000"; PLAYERS_LARGE=1000; PLAYERS_SMALL=100; PLAYERS_TWO=1000
fi
if [ -n "$players_arg" ]; then
  case "$players_arg" in
    [1-9]*,[1-9]*) PLAYERS_LARGE="${players_arg%,*}"; PLAYERS_SMALL="${players_arg#*,}" ;;
    *) echo "run.sh: --players takes LARGE,SMALL, e.g. 600,300" >&2; exit 64 ;;
  esac
fi

OUT="$BENCH/target/run-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
VERIFY="$OUT/verify.jsonl"
LOG="$OUT/run.log"
: > "$RESULTS"
: > "$VERIFY"
say() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }

# ---- what is started here is stopped here, by pid ----
SERVER_PID=""
SERVER_KIND=""
SERVER_CONF=""
cleanup() {
  stop_server || true
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# ---- prerequisites ----
need_build() {
  if [ ! -f "$BENCH/target/sluice-bench.jar" ] || [ ! -f "$ROOT/master/target/sluice-master.jar" ] \
     || [ -n "$(find "$ROOT"/*/src/main "$ROOT"/*/pom.xml -newer "$BENCH/target/sluice-bench.jar" -print -quit 2>/dev/null)" ]; then
    # package, never install: a bench run must not put this tree's jars into ~/.m2 for others.
    say "building (mvn -B -q -DskipTests package -pl master,bench -am)"
    (cd "$ROOT" && { mvn -B -q -o -DskipTests package -pl master,bench -am \
      || mvn -B -q -DskipTests package -pl master,bench -am; }) >>"$LOG" 2>&1
  fi
}

ensure_nginx() {
  if ! command -v nginx >/dev/null || [ ! -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]; then
    say "installing nginx and libnginx-mod-rtmp (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-rtmp) >>"$LOG" 2>&1
    # Debian starts the packaged service on :80; it is not ours to keep running, but it is not ours to stop either.
  fi
}

ensure_nms() {
  if [ ! -f "$BENCH/target/nms/node_modules/node-media-server/package.json" ]; then
    command -v npm >/dev/null || { say "npm missing; installing nodejs and npm (apt-get)";
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) >>"$LOG" 2>&1; }
    say "installing node-media-server@$NMS_VERSION (npm) into bench/target/nms"
    mkdir -p "$BENCH/target/nms"
    [ -f "$BENCH/target/nms/package.json" ] || echo '{"name":"nms-bench","private":true}' > "$BENCH/target/nms/package.json"
    (cd "$BENCH/target/nms" && npm install --no-audit --no-fund "node-media-server@$NMS_VERSION") >>"$LOG" 2>&1
  fi
}

# NMS 4 is a rewrite (HTTP-FLV, WebSocket-FLV, enhanced RTMP) and cannot share a directory with 2.x.
ensure_nms4() {
  if [ ! -f "$BENCH/target/nms4/node_modules/node-media-server/package.json" ]; then
    command -v npm >/dev/null || { say "npm missing; installing nodejs and npm (apt-get)";
      (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm) >>"$LOG" 2>&1; }
    say "installing node-media-server@$NMS4_VERSION (npm) into bench/target/nms4"
    mkdir -p "$BENCH/target/nms4"
    [ -f "$BENCH/target/nms4/package.json" ] || echo '{"name":"nms4-bench","private":true}' > "$BENCH/target/nms4/package.json"
    (cd "$BENCH/target/nms4" && npm install --no-audit --no-fund "node-media-server@$NMS4_VERSION") >>"$LOG" 2>&1
  fi
}

# The test stream: testsrc2 1280x720 30 fps, sine tone, H.264 GOP 60 (2 s, no scene cuts) at a
# constant rate (nal-hrd=cbr) + AAC; 60 s, looped by the publisher with continuing timestamps.
media() {
  local kbps="$1" v a f="$BENCH/target/media/test-${1}k.flv"
  case "$kbps" in 2000) v=1872; a=128 ;; 600) v=536; a=64 ;; *) echo "no media preset for $kbps" >&2; exit 1 ;; esac
  if [ ! -s "$f" ]; then
    mkdir -p "$BENCH/target/media"
    say "encoding $f (60 s, ${kbps} kbit/s)"
    nice ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc2=size=1280x720:rate=30 \
      -f lavfi -i sine=frequency=440:sample_rate=44100 -t 60 -c:v libx264 -preset veryfast -pix_fmt yuv420p \
      -b:v ${v}k -maxrate ${v}k -bufsize ${v}k -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 \
      -c:a aac -b:a ${a}k -ac 2 -f flv "$f.part" && mv "$f.part" "$f"
  fi
  echo "$f"
}

# ---- servers ----
start_sluice() {
  local workers="$1" extra="${2:-}" players_yaml="${3:-}" transport="${4:-auto}" threads="${5:-auto}"
  local dir="$OUT/sluice-${1}w" opt
  for opt in ${BENCH_SLUICE_JVM:-}; do extra="$extra, \"$opt\""; done
  mkdir -p "$dir"
  SERVER_CONF="$dir/sluice.yaml"
  cat > "$SERVER_CONF" <<EOF
workers: $workers
rtmp:
  bind: 127.0.0.1
  port: $PORT_SLUICE
http:
  bind: 127.0.0.1
  port: $PORT_SLUICE_HTTP
worker:
  jvm_options: ["-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=256m", "-Xss512k"$extra]
  transport: $transport
  threads: $threads
log:
  level: info
# Like for like: nginx-rtmp runs without hls, and segmenting a 2 Mbit/s stream costs a Sluice
# worker 7-14 % of a core whether anyone plays or not (hls.sh measures it).
hls:
  enabled: false
$players_yaml
paths:
  run_dir: $dir/run
  log_dir: $dir/logs
EOF
  SLUICE_BUILD=never "$ROOT/bin/start" -d -c "$SERVER_CONF" >>"$LOG" 2>&1
  SERVER_PID="$(cat "$dir/run/sluice.pid")"
  SERVER_KIND=sluice
  wait_port "$PORT_SLUICE"
  sleep 1 # every worker bound (SO_REUSEPORT: the first one alone already answers)
}

start_nginx() {
  local workers="$1" dir="$OUT/nginx-${1}w"
  # The workers run as nobody: the auto-push sockets need a directory they can write.
  mkdir -p "$dir/sock" && chmod 1777 "$dir/sock"
  SERVER_CONF="$dir/nginx.conf"
  cat > "$SERVER_CONF" <<EOF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes $workers;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 20000; }
$( [ "$workers" -gt 1 ] && printf 'rtmp_auto_push on;\nrtmp_socket_dir %s;\n' "$dir/sock" )
rtmp {
  server {
    listen 127.0.0.1:$PORT_NGINX;
    chunk_size 4096;
    application live { live on; }
  }
}
EOF
  nginx -e "$dir/error.log" -p "$dir" -c "$SERVER_CONF" >>"$LOG" 2>&1
  wait_file "$dir/nginx.pid"
  SERVER_PID="$(cat "$dir/nginx.pid")"
  SERVER_KIND=nginx
  wait_port "$PORT_NGINX"
}

start_nms() {
  local dir="$OUT/nms"
  mkdir -p "$dir"
  node "$BENCH/scripts/nms-start.js" "$BENCH/target/nms" "$PORT_NMS" >"$dir/nms.log" 2>&1 &
  SERVER_PID=$!
  SERVER_KIND=nms
  wait_port "$PORT_NMS"
}

start_nms4() {
  local dir="$OUT/nms4"
  mkdir -p "$dir"
  node "$BENCH/scripts/nms4-start.js" "$BENCH/target/nms4" "$PORT_NMS4" "$PORT_NMS4_HTTP" >"$dir/nms.log" 2>&1 &
  SERVER_PID=$!
  SERVER_KIND=nms
  wait_port "$PORT_NMS4"
  wait_port "$PORT_NMS4_HTTP"
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  case "$SERVER_KIND" in
    sluice) "$ROOT/bin/stop" -c "$SERVER_CONF" >>"$LOG" 2>&1 || kill "$SERVER_PID" 2>/dev/null || true ;;
    *) kill "$SERVER_PID" 2>/dev/null || true ;;
  esac
  for _ in $(seq 1 100); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
  kill -9 "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=""
}

wait_port() {
  for _ in $(seq 1 200); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  say "port $1 did not open"; exit 1
}
wait_file() { for _ in $(seq 1 100); do [ -s "$1" ] && return 0; sleep 0.1; done; say "$1 did not appear"; exit 1; }

port_of() { case "$1" in sluice*) echo $PORT_SLUICE ;; nginx*) echo $PORT_NGINX ;; nms4*) echo $PORT_NMS4 ;;
  nms*) echo $PORT_NMS ;; esac; }
# Where the players of a label play: HTTP-FLV labels end in -httpflv; the rest play RTMP.
play_url() { case "$1" in sluice*-httpflv) echo "http://127.0.0.1:$PORT_SLUICE_HTTP/live/$2.flv" ;;
  nms4*-httpflv) echo "http://127.0.0.1:$PORT_NMS4_HTTP/live/$2.flv" ;;
  *) echo "rtmp://127.0.0.1:$(port_of "$1")/live/$2" ;; esac; }

# gen LABEL WORKLOAD KBPS STREAM PLAYERS [generator options...]
gen() {
  local label="$1" workload="$2" kbps="$3" stream="$4" players="$5"; shift 5
  say "$label $workload: players $players"
  "$JAVA" $GEN_OPTS -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.LoadGenerator \
    --url "rtmp://127.0.0.1:$(port_of "$label")/live/$stream" --play-url "$(play_url "$label" "$stream")" \
    --flv "$(media "$kbps")" --players "$players" \
    --pids "$SERVER_PID" --label "$label" --workload "$workload" --json-out "$RESULTS" "$@" \
    2>>"$LOG" | grep -v '^{' | tee -a "$LOG" >&2 || say "generator failed ($label $workload)"
}

start() { case "$1" in
  nginx-1w) start_nginx 1 ;; nginx-2w) start_nginx 2 ;; nms) start_nms ;; nms4-httpflv) start_nms4 ;;
  sluice-*) start_sluice_label "$1" ;;
  *) say "unknown server $1"; exit 64 ;; esac; }

# sluice-Nw[-abN][-mpN][-mwN][-tN][-epoll|-uring][-nd][-rtmp|-httpflv|-jfr|-perf]: N workers;
# players.audio_batch N ms, players.audio_batch_min_players N, players.merge_writes N ms (SRS-style
# merged writes); worker.threads N; worker.transport; nd: no direct writes (every write through
# Netty's pipeline, -Dsluice.directWrites=false). The last group only names the row (what the
# players play is chosen by play_url).
start_sluice_label() {
  local parts p workers="" players="" transport=auto threads=auto jvm=""
  IFS=- read -r -a parts <<< "${1#sluice-}"
  for p in "${parts[@]}"; do
    case "$p" in
      [0-9]w|[0-9][0-9]w) workers="${p%w}" ;;
      ab[0-9]*) players+=$'\n'"  audio_batch: ${p#ab}ms" ;;
      mp[0-9]*) players+=$'\n'"  audio_batch_min_players: ${p#mp}" ;;
      mw[0-9]*) players+=$'\n'"  merge_writes: ${p#mw}ms" ;;
      t[0-9]*) threads="${p#t}" ;;
      epoll) transport=epoll ;;
      uring) transport=io_uring ;;
      nd) jvm+=', "-Dsluice.directWrites=false"' ;;
      rtmp|httpflv|jfr|perf) ;;
      *) say "unknown server $1"; exit 64 ;;
    esac
  done
  [ -n "$workers" ] || { say "unknown server $1 (no worker count)"; exit 64; }
  start_sluice "$workers" "$jvm" "${players:+players:$players}" "$transport" "$threads"
}

# ---- the run ----
need_build
if wants nginx || wants two || wants verify; then ensure_nginx; fi
if wants nms || wants verify; then ensure_nms; fi
if wants flv; then ensure_nms4; fi
media 2000 >/dev/null
media 600 >/dev/null
say "results in $OUT (machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"

servers=()
wants sluice && servers+=(sluice-1w sluice-1w-mw40)
wants nginx && servers+=(nginx-1w)
wants nms && servers+=(nms)
if [ -n "$servers_arg" ]; then IFS=, read -r -a servers <<< "$servers_arg"; fi

if wants verify; then
  verify_servers=("${servers[@]}")
  [ ${#verify_servers[@]} -gt 0 ] || verify_servers=(sluice-1w nginx-1w nms)
  for s in "${verify_servers[@]}"; do
    start "$s"
    say "$s: verify the generator's counts against ffmpeg (6 s, 5 players)"
    "$JAVA" -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.Verify \
      --url "rtmp://127.0.0.1:$(port_of "$s")/live/verify" --flv "$(media 2000)" --seconds 6 --players 5 \
      --dir "$OUT/verify-$s" 2>>"$LOG" | sed "s/^{/{\"label\":\"$s\",/" | tee -a "$VERIFY" >>"$LOG" \
      || say "$s: verify FAILED (see $VERIFY)"
    stop_server
  done
fi

# Repetitions interleave the servers, so load from elsewhere on the machine spreads over all of them.
# 1000 players first: a JVM server is still compiling its publish path in its first minute (10-25 %
# of a core in the 100-player window when it came first), which is start-up, not the cost of 100
# players; after the 1000-player window it is done.
for rep in $(seq 1 "$reps"); do
  for s in "${servers[@]}"; do
    start "$s"
    heap=""; [ "$s" = sluice-1w ] && [ "$rep" = 1 ] && heap="--heap"
    gen "$s" 2000k 2000 "r${rep}b" "$PLAYERS_LARGE" --ramp 250 --warmup "$WARM" --window "$W_LARGE" $heap
    gen "$s" 2000k 2000 "r${rep}a" "$PLAYERS_SMALL" --ramp 100 --warmup "$WARM" --window "$W_SMALL"
    if [ "$settle" -gt 0 ]; then
      gen "$s" 2000k-settled 2000 "r${rep}s" "$PLAYERS_SMALL" --ramp 100 --warmup "$settle" --window "$W_SMALL"
    fi
    stop_server
  done
done

if wants flv; then
  # HTTP-FLV beside RTMP on the same build and NMS 4's HTTP-FLV, interleaved per repetition like
  # the runs above; the latency covers audio and video messages (--latency all) for all three.
  for rep in $(seq 1 "$reps"); do
    for s in sluice-1w-httpflv sluice-1w-rtmp nms4-httpflv; do
      start "$s"
      heap=""; [ "$rep" = 1 ] && [ "$s" != nms4-httpflv ] && heap="--heap"
      gen "$s" 2000k-flv 2000 "f${rep}" "$PLAYERS_LARGE" --ramp 250 --warmup "$WARM" --window "$W_LARGE" \
        --latency all $heap
      stop_server
    done
  done
fi

if wants transport; then
  # worker.transport: the same build on epoll and on io_uring, interleaved per repetition, 100 and
  # 1000 RTMP players, latency over audio and video.
  for rep in $(seq 1 "$reps"); do
    for s in sluice-1w-epoll sluice-1w-uring; do
      start "$s"
      gen "$s" 2000k-transport 2000 "t${rep}a" 100 --ramp 100 --warmup "$WARM" --window "$W_SMALL" --latency all
      gen "$s" 2000k-transport 2000 "t${rep}b" "$PLAYERS_LARGE" --ramp 250 --warmup "$WARM" --window "$W_LARGE" \
        --latency all
      stop_server
    done
  done
fi

if wants scale; then
  # The ramp runs each server once in its default configuration and Sluice on either transport
  # (variants like -mw40 or -ab50 only in the rows above); NMS too when --only names it, even if
  # --servers left it out.
  scale_servers=()
  for s in "${servers[@]}"; do
    case "$s" in sluice-1w|sluice-1w-epoll|sluice-1w-uring|nginx-1w|nms) scale_servers+=("$s") ;; esac
  done
  if wants nms && [[ " ${scale_servers[*]} " != *" nms "* ]]; then scale_servers+=(nms); fi
  for s in "${scale_servers[@]}"; do
    steps="$SCALE_STEPS_PEER"; [[ "$s" == sluice-1w* ]] && steps="$SCALE_STEPS_SLUICE"
    start "$s"
    gen "$s" 600k 600 scale "$steps" --ramp 300 --warmup "$WARM" --window "$W_STEP" --heap
    stop_server
  done
fi

if wants two; then
  # Repeated like the 1-worker runs: the comparison is between medians (one window swings ±10 %).
  for rep in $(seq 1 "$reps"); do
    for s in sluice-2w nginx-2w; do
      start "$s"
      gen "$s" 2000k "2000" two "$PLAYERS_TWO" --ramp 250 --warmup "$WARM" --window "$W_LARGE"
      stop_server
    done
  done
fi

if wants profile; then
  jfr="$OUT/sluice-profile.jfr"
  start_sluice 1 ", \"-XX:StartFlightRecording=filename=$jfr,settings=profile,dumponexit=true\""
  gen sluice-1w-jfr 2000k 2000 prof 1000 --ramp 250 --warmup "$WARM" --window "$W_LARGE"
  stop_server
  python3 "$BENCH/scripts/jfr-top.py" "$jfr" 25 --threads rtmp > "$OUT/profile.txt" 2>&1 || true
  say "profile: $OUT/profile.txt"
fi

if wants perf; then
  command -v perf >/dev/null || { say "perf missing; installing linux-perf (apt-get)";
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq linux-perf) >>"$LOG" 2>&1; }
  # Named JIT frames (/tmp/perf-<pid>.map, written when the worker exits) and whole Java stacks.
  BENCH_SLUICE_JVM="${BENCH_SLUICE_JVM:-} -XX:+UnlockDiagnosticVMOptions -XX:+DumpPerfMapAtExit -XX:+PreserveFramePointer"
  start_sluice 1
  worker="$(pgrep -P "$SERVER_PID" -f WorkerMain | head -1)"
  # Settle 3 s, warm-up players, a 4 s ramp and the warm-up: the window starts ~12 s in.
  ( sleep $((12 + WARM))
    perf stat -e syscalls:sys_enter_writev,syscalls:sys_enter_sendto,syscalls:sys_enter_epoll_wait,syscalls:sys_enter_io_uring_enter,task-clock \
      -p "$worker" -o "$OUT/perf-stat.txt" -- sleep 5
    perf record -F 999 -g -p "$worker" -o "$OUT/perf.data" -- sleep 8 >>"$LOG" 2>&1 ) &
  recorder=$!
  gen sluice-1w-perf 2000k 2000 perf 1000 --ramp 250 --warmup "$WARM" --window 22
  wait "$recorder" || true
  stop_server
  { cat "$OUT/perf-stat.txt"; echo
    perf script -i "$OUT/perf.data" -F comm,tid,ip,sym 2>/dev/null | python3 "$BENCH/scripts/perf-summary.py" 25
  } > "$OUT/perf.txt" 2>&1 || true
  say "perf: $OUT/perf.txt"
fi

# The ratios of this run, as a baseline (bench/baseline.json is a copy of one of these).
"$JAVA" -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.Verdict --results "$RESULTS" \
  --write-baseline "$OUT/baseline.json" --run "$(basename "$OUT")" --load "$(cut -d' ' -f1-3 /proc/loadavg)" 2>>"$LOG" || true

if wants flv; then
  "$JAVA" -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.Report \
    --results "$RESULTS" --flv-only "$OUT/flv.md" >/dev/null 2>>"$LOG" && say "HTTP-FLV table: $OUT/flv.md"
fi
if [ "$docs" = 1 ]; then
  "$JAVA" -Djava.awt.headless=true -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.Report \
    --results "$RESULTS" --verify "$VERIFY" --docs "$ROOT/docs" --run "$(basename "$OUT")" \
    --load "$(cut -d' ' -f1-3 /proc/loadavg)" 2>&1 | tee -a "$LOG"
fi
say "done: $OUT"
if [ "$quick" = 1 ]; then
  # The regression guard: this run's Sluice / nginx-rtmp ratios against the committed baseline.
  set +e
  "$JAVA" -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.Verdict --results "$RESULTS" \
    --baseline "$BENCH/baseline.json" 2>>"$LOG" | tee -a "$LOG"
  code=${PIPESTATUS[0]}
  set -e
  # 1: a ratio regressed beyond its tolerance; 2 (not judged) is not a failure of the fan-out.
  if [ "$code" = 1 ]; then exit 1; fi
fi
