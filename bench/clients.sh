#!/usr/bin/env bash
# Issue 18 item 1: what one RTMP server costs per delivered byte under the bench's players and
# under real players (rtmpdump, ffmpeg), counted from outside the players: the server's CPU from
# /proc, the bytes from the kernel (ss: bytes_acked of the server's sockets), its system calls
# from perf. The players being measured are the only thing that changes between rows.
#
#   bench/clients.sh [--server nginx|sluice] [--players N] [--window S] [--clients LIST] [--reps R]
#                    [--pin] [--settle S]
#     --clients LIST  comma-separated, run in this order, repeated --reps times:
#                     bench        the load generator's players (io.sluice.bench.Player), 2 loops
#                     rtmpdump     N x `rtmpdump -v -b 3000 -o /dev/null` (librtmp, blocking reads)
#                     ffmpeg       N x `ffmpeg -i URL -c copy -f null -` (what the issue calls real)
#                     KIND+soak    the same players while a SCHED_IDLE busy loop per CPU keeps the
#                                  cores from going idle (it yields to any other task at once): what
#                                  waking a reader on an idle core costs the sending server
#     --pin           the server on CPU 0, the players (and the publisher) on CPU 1
#     --settle S      seconds between the last player connected and the window [5]; ffmpeg needs
#                     ~20: it reads nothing while it probes the streams, then catches up faster
#                     than the stream's rate, which would count in the window
#
# The publisher is always the bench's (LoadGenerator with 0 players of its own), so the stream and
# its pacing are the same in every row. One JSON line per row in bench/target/clients-*/rows.jsonl.
# Needs perf (linux-perf) and root for the system-call counts; without them those columns are empty.
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
JAVA="${JAVA:-java}"
PORT_NGINX=19360
PORT_SLUICE=19350
server=nginx
players=200
window=10
clients="bench,rtmpdump"
reps=1
pin=0
settle=5
while [ $# -gt 0 ]; do
  case "$1" in
    --server) server="$2"; shift ;;
    --players) players="$2"; shift ;;
    --window) window="$2"; shift ;;
    --clients) clients="$2"; shift ;;
    --reps) reps="$2"; shift ;;
    --pin) pin=1 ;;
    --settle) settle="$2"; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "clients.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done

OUT="$BENCH/target/clients-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
LOG="$OUT/run.log"
ROWS="$OUT/rows.jsonl"
say() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }
FLV="$BENCH/target/media/test-2000k.flv"
[ -s "$FLV" ] || { echo "clients.sh: $FLV missing (bench/run.sh makes it)" >&2; exit 1; }
[ -f "$BENCH/target/sluice-bench.jar" ] || { echo "clients.sh: build first (see docs/benchmarks.md)" >&2; exit 1; }

# Everything started here is stopped here, by pid.
SERVER_PID=""
PUB_PID=""
CLIENT_PIDS=()
SOAK_PIDS=()
stop_clients() {
  local p
  for p in "${CLIENT_PIDS[@]}" "${SOAK_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${CLIENT_PIDS[@]}" "${SOAK_PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  CLIENT_PIDS=()
  SOAK_PIDS=()
}
# One busy loop per CPU at SCHED_IDLE: it runs only when nothing else wants the core.
start_soak() {
  local c
  for c in $(seq 0 $(($(nproc) - 1))); do
    taskset -c "$c" chrt -i 0 bash -c 'while :; do :; done' &
    SOAK_PIDS+=($!)
  done
}
cleanup() {
  stop_clients
  [ -n "$PUB_PID" ] && { kill "$PUB_PID" 2>/dev/null || true; wait "$PUB_PID" 2>/dev/null || true; }
  if [ -n "$SERVER_PID" ]; then
    if [ "$server" = sluice ]; then "$ROOT/bin/stop" -c "$OUT/sluice.yaml" >>"$LOG" 2>&1 || true
    else kill "$SERVER_PID" 2>/dev/null || true; fi
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

cpu0=""; cpu1=""
if [ "$pin" = 1 ]; then cpu0="taskset -c 0"; cpu1="taskset -c 1"; fi

start_server() {
  if [ "$server" = nginx ]; then
    PORT=$PORT_NGINX
    cat > "$OUT/nginx.conf" <<EOF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $OUT/nginx.pid;
error_log $OUT/error.log warn;
events { worker_connections 20000; }
rtmp {
  server {
    listen 127.0.0.1:$PORT;
    chunk_size 4096;
    application live { live on; }
  }
}
EOF
    $cpu0 nginx -e "$OUT/error.log" -p "$OUT" -c "$OUT/nginx.conf" >>"$LOG" 2>&1
    for _ in $(seq 1 100); do [ -s "$OUT/nginx.pid" ] && break; sleep 0.1; done
    SERVER_PID="$(cat "$OUT/nginx.pid")"
  else
    PORT=$PORT_SLUICE
    cat > "$OUT/sluice.yaml" <<EOF
workers: 1
rtmp:
  bind: 127.0.0.1
  port: $PORT
http:
  bind: 127.0.0.1
  port: $((PORT + 1))
worker:
  jvm_options: ["-Xms32m", "-Xmx256m", "-XX:+UseSerialGC", "-XX:MaxDirectMemorySize=256m", "-Xss512k"]
hls:
  enabled: false
paths:
  run_dir: $OUT/run
  log_dir: $OUT/logs
EOF
    SLUICE_BUILD=never $cpu0 "$ROOT/bin/start" -d -c "$OUT/sluice.yaml" >>"$LOG" 2>&1
    SERVER_PID="$(cat "$OUT/run/sluice.pid")"
  fi
  for _ in $(seq 1 200); do (exec 3<>"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
  sleep 1
}

# The processes whose CPU counts: the server's pid and all its descendants.
tree() {
  local p="$1" c
  echo "$p"
  for c in $(cat /proc/"$p"/task/*/children 2>/dev/null); do tree "$c"; done
}
ticks() { local t=0 p; for p in $(tree "$SERVER_PID"); do
  t=$((t + $(awk '{print $14 + $15}' /proc/"$p"/stat 2>/dev/null || echo 0))); done; echo "$t"; }
# CPU of the players being measured (the bench's JVM, or every rtmpdump/ffmpeg process).
# One read of all their stat files: forking per player would stretch the window's edges by
# seconds at 1000 players, outside the interval the bytes are divided by.
client_ticks() {
  [ ${#CLIENT_PIDS[@]} -gt 0 ] || { echo 0; return; }
  (cd /proc && cat "${CLIENT_PIDS[@]/%//stat}" 2>/dev/null) | awk '{s += $14 + $15} END {printf "%.0f\n", s}'; }
# Bytes the peers acknowledged on the server's established connections (players and publisher's
# tiny reverse direction); a player that left during the window takes its bytes with it, so the
# window starts after the ramp and nobody leaves during it.
acked() { ss -tinH state established "( sport = :$PORT )" 2>/dev/null \
  | grep -o 'bytes_acked:[0-9]*' | cut -d: -f2 | awk '{s += $1} END {printf "%.0f\n", s}'; }

start_publisher() {
  # The bench's publisher (real-time pacing, chunk size 4096), no players of its own.
  $cpu1 "$JAVA" -Xms64m -Xmx256m -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.LoadGenerator \
    --url "rtmp://127.0.0.1:$PORT/live/s" --flv "$FLV" --players 0 --warm 0 --settle 0 --warmup 0 \
    --window 100000 --threads 1 >"$OUT/publisher.log" 2>&1 &
  PUB_PID=$!
  sleep 3
}

start_clients() {
  local kind="${1%+soak}" i url="rtmp://127.0.0.1:$PORT/live/s"
  [ "$kind" != "$1" ] && start_soak
  case "$kind" in
    bench)
      $cpu1 "$JAVA" -Xms256m -Xmx1g -XX:+UseG1GC -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" \
        io.sluice.bench.LoadGenerator --url "$url" \
        --flv "$FLV" --players "$players" --ramp 200 --warm 0 --settle 0 --warmup 0 --window 100000 \
        --no-publish >"$OUT/bench-players.log" 2>&1 &
      CLIENT_PIDS+=($!) ;;
    rtmpdump)
      for i in $(seq 1 "$players"); do
        $cpu1 rtmpdump -q -v -b 3000 -r "$url" -o /dev/null >/dev/null 2>&1 &
        CLIENT_PIDS+=($!)
        [ $((i % 50)) = 0 ] && sleep 0.2
      done ;;
    ffmpeg)
      for i in $(seq 1 "$players"); do
        $cpu1 ffmpeg -nostdin -hide_banner -loglevel error -i "$url" -c copy -f null - >/dev/null 2>&1 &
        CLIENT_PIDS+=($!)
        [ $((i % 20)) = 0 ] && sleep 0.5
      done ;;
    *) echo "unknown client kind $kind" >&2; exit 64 ;;
  esac
}

measure() {
  local kind="$1" rep="$2" load t0 t1 c0 c1 b0 b1 p0 p1 n stat
  load="$(cut -d' ' -f1-3 /proc/loadavg)"
  n="$(ss -tnH state established "( sport = :$PORT )" | wc -l)"
  b0="$(acked)"; c0="$(ticks)"; p0="$(client_ticks)"; t0="$(date +%s.%N)"
  stat="$OUT/perf-$kind-$rep.txt"
  local workers; workers="$(tree "$SERVER_PID" | tr '\n' ',' | sed 's/,$//')"
  if command -v perf >/dev/null; then
    perf stat -x, -o "$stat" -e syscalls:sys_enter_sendto,syscalls:sys_enter_writev,syscalls:sys_enter_write \
      -e syscalls:sys_enter_epoll_wait,syscalls:sys_enter_epoll_ctl,syscalls:sys_enter_recvfrom,syscalls:sys_enter_read \
      -e syscalls:sys_exit_sendto --filter 'ret == -11' -e syscalls:sys_exit_writev --filter 'ret == -11' \
      -p "$workers" -- sleep "$window" 2>>"$LOG" || sleep "$window"
  else
    sleep "$window"
  fi
  t1="$(date +%s.%N)"; c1="$(ticks)"; p1="$(client_ticks)"; b1="$(acked)"
  local busy; busy="$(awk '{print}' /proc/loadavg | cut -d' ' -f1-3)"
  python3 - "$kind" "$rep" "$n" "$t0" "$t1" "$c0" "$c1" "$b0" "$b1" "$stat" "$load" "$busy" "$server" "$pin" \
    "$p0" "$p1" <<'EOF' | tee -a "$ROWS"
import json, sys, os
kind, rep, n, t0, t1, c0, c1, b0, b1, stat, load, load_end, server, pin, p0, p1 = sys.argv[1:]
secs = float(t1) - float(t0)
clk = os.sysconf('SC_CLK_TCK')
cpu = (int(c1) - int(c0)) / clk
byts = int(b1) - int(b0)
gbit = byts * 8 / 1e9
calls = {}
if os.path.exists(stat):
    for line in open(stat):
        f = line.strip().split(',')
        if len(f) > 2 and f[2].startswith('syscalls:'):
            name = f[2].split(':', 1)[1]
            key = name + ('_eagain' if name.startswith('sys_exit') else '')
            try:
                calls[key] = int(f[0])
            except ValueError:
                pass
mb = byts / 1e6
row = {"server": server, "clients": kind, "rep": int(rep), "connections": int(n), "pinned": pin == "1",
       "seconds": round(secs, 2), "server_cpu_pct": round(100 * cpu / secs, 1),
       "players_cpu_pct": round(100 * (int(p1) - int(p0)) / clk / secs, 1),
       "delivered_mbps": round(byts * 8 / secs / 1e6, 1),
       "cpu_s_per_gbit": round(cpu / gbit, 3) if gbit else None,
       "syscalls_per_s": {k: round(v / secs) for k, v in calls.items()},
       "syscalls_per_mb": {k: round(v / mb, 1) for k, v in calls.items()} if mb else {},
       "load_start": load, "load_end": load_end}
print(json.dumps(row))
EOF
}

say "server $server, $players players, window ${window}s, clients $clients, reps $reps, pinned $pin; load $(cut -d' ' -f1-3 /proc/loadavg)"
start_server
start_publisher
for rep in $(seq 1 "$reps"); do
  for kind in ${clients//,/ }; do
    say "rep $rep: $players x $kind"
    start_clients "$kind"
    # Ramp, then let every player settle into the live stream before the window.
    for _ in $(seq 1 60); do
      [ "$(ss -tnH state established "( sport = :$PORT )" | wc -l)" -ge "$players" ] && break; sleep 1
    done
    sleep "$settle"
    measure "$kind" "$rep"
    stop_clients
    sleep 2
  done
done
say "done: $OUT"
