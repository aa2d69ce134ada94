#!/usr/bin/env bash
# Hostile-client benchmark driver: honest players watch a 2 Mbit/s stream while one kind of
# attacker at a time works on the server, against Sluice (1 worker, shipped JVM options) and
# nginx-rtmp (1 worker), each attack on a freshly started server; then a table in
# bench/target/hostile-*/hostile.md and the section "Hostile clients" of docs/benchmarks.md.
#
#   bench/hostile.sh [--quick] [--reps N] [--only LIST] [--servers LIST] [--note TEXT] [--no-docs]
#     --quick         shorter windows (baseline 2 s, attack 5 s, cooldown 1 s; about 8 minutes: a
#                     server start per row is most of the rest)
#     --reps N        run everything N times (default 1); the table shows medians and the worst case
#     --only LIST     comma-separated attack kinds (default: all; see below)
#     --servers LIST  comma-separated subset of: sluice,nginx (default: both)
#     --note TEXT     one line printed above the table (e.g. "before the hardening")
#     --no-docs       leave docs/ alone (results stay in bench/target/hostile-*/)
#
# Attacks (io.sluice.bench.hostile; counts are parameters of io.sluice.bench.Hostile):
#   garbage-handshake  garbage-after-handshake  oversized-trickle  deep-amf  chunk-streams
#   one-byte-chunks  idle-tcp  idle-handshake  unpublished-keep  unpublished-churn  ack-flood
#   stop-reading
# A full run takes about 10 minutes (24 rows of ~25 s on this busy machine; --reps 2: 21 min).
# Ports 19380-19399 on 127.0.0.1 (run.sh uses 19350-19379).
#
# Builds with `mvn -B -q -DskipTests package` (never install). nginx + libnginx-mod-rtmp are
# installed with apt-get when missing; nothing else is downloaded.
#
# Environment: JAVA (default java), HOSTILE_GEN_OPTS (generator JVM options), HOSTILE_ARGS (extra
# arguments for every Hostile run, e.g. "--param oversized-trickle.connections=40").
set -euo pipefail

BENCH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
ROOT="$(dirname "$BENCH")"
JAVA="${JAVA:-java}"
GEN_OPTS="${HOSTILE_GEN_OPTS:--Xms256m -Xmx1g -XX:+UseG1GC}"
PORT_SLUICE=19380
PORT_NGINX=19390
ALL_ATTACKS="garbage-handshake,garbage-after-handshake,oversized-trickle,deep-amf,chunk-streams,one-byte-chunks,idle-tcp,idle-handshake,unpublished-keep,unpublished-churn,ack-flood,stop-reading"

quick=0
reps=1
only="$ALL_ATTACKS"
servers="sluice,nginx"
note=""
docs=1
while [ $# -gt 0 ]; do
  case "$1" in
    --quick) quick=1 ;;
    --reps) reps="$2"; shift ;;
    --only) only="$2"; shift ;;
    --servers) servers="$2"; shift ;;
    --note) note="$2"; shift ;;
    --no-docs) docs=0 ;;
    -h|--help) sed -n '2,27p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "hostile.sh: unknown option $1" >&2; exit 64 ;;
  esac
  shift
done
if [ "$quick" = 1 ]; then
  WINDOWS=(--settle 0.5 --baseline 2 --window 5 --cooldown 1)
else
  WINDOWS=(--settle 1 --baseline 3 --window 10 --cooldown 2)
fi

OUT="$BENCH/target/hostile-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$OUT"
RESULTS="$OUT/results.jsonl"
LOG="$OUT/run.log"
: > "$RESULTS"
say() { echo "[$(date +%H:%M:%S)] $*" | tee -a "$LOG" >&2; }

# ---- what is started here is stopped here, by pid ----
SERVER_PID=""
SERVER_CONF=""
# Sluice's run directory holds Unix sockets, whose paths may not exceed 107 bytes: a short one.
RUN_BASE="$(mktemp -d /tmp/sluice-hostile.XXXXXX)"
RUN_SEQ=0
trap 'stop_server || true; rm -rf "$RUN_BASE"' EXIT
trap 'exit 130' INT TERM

# ---- prerequisites ----
need_build() {
  if [ ! -f "$BENCH/target/sluice-bench.jar" ] || [ ! -f "$ROOT/master/target/sluice-master.jar" ] \
     || [ -n "$(find "$ROOT"/*/src/main "$ROOT"/*/pom.xml -newer "$BENCH/target/sluice-bench.jar" -print -quit 2>/dev/null)" ]; then
    say "building (mvn -B -q -DskipTests package -pl master,bench -am)"
    (cd "$ROOT" && { mvn -B -q -o -DskipTests package -pl master,bench -am \
      || mvn -B -q -DskipTests package -pl master,bench -am; }) >>"$LOG" 2>&1
  fi
}

ensure_nginx() {
  if ! command -v nginx >/dev/null || [ ! -f /usr/lib/nginx/modules/ngx_rtmp_module.so ]; then
    say "installing nginx and libnginx-mod-rtmp (apt-get)"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libnginx-mod-rtmp) >>"$LOG" 2>&1
  fi
}

# The honest stream: run.sh's 2000k workload (bench/scripts/media.sh).
. "$BENCH/scripts/media.sh"
media() { bench_media 2000; }

# ---- servers: each attack gets a fresh one ----
# Sluice as shipped (conf/sluice.yaml's defaults, incl. worker.jvm_options with
# -XX:MaxDirectMemorySize=256m), one worker.
start_sluice() {
  local dir="$OUT/sluice-$1"
  RUN_SEQ=$((RUN_SEQ + 1))
  mkdir -p "$dir"
  SERVER_CONF="$dir/sluice.yaml"
  cat > "$SERVER_CONF" <<EOF
workers: 1
rtmp:
  bind: 127.0.0.1
  port: $PORT_SLUICE
log:
  level: info
paths:
  run_dir: $RUN_BASE/$RUN_SEQ
  log_dir: $dir/logs
EOF
  SLUICE_BUILD=never "$ROOT/bin/start" -d -c "$SERVER_CONF" >>"$LOG" 2>&1 \
    || { say "Sluice did not start (see $LOG)"; exit 1; }
  SERVER_PID="$(cat "$RUN_BASE/$RUN_SEQ/sluice.pid")"
  wait_port "$PORT_SLUICE"
  # After a build the master trains the workers' CDS archive once, in a child JVM that would
  # count as server memory: wait (at most 2 min) until the worker is the master's only child.
  for _ in $(seq 1 1200); do
    [ "$(cat /proc/"$SERVER_PID"/task/*/children 2>/dev/null | wc -w)" -le 1 ] && break
    sleep 0.1
  done
}

# nginx-rtmp as run.sh runs it: one worker, chunk_size 4096, everything else default
# (max_message 1M, max_streams 32, timeout 60s, no connection limit beyond worker_connections).
start_nginx() {
  local dir="$OUT/nginx-$1"
  mkdir -p "$dir"
  SERVER_CONF="$dir/nginx.conf"
  cat > "$SERVER_CONF" <<EOF
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
worker_processes 1;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 20000; }
rtmp {
  server {
    listen 127.0.0.1:$PORT_NGINX;
    chunk_size 4096;
    application live { live on; }
  }
}
EOF
  nginx -e "$dir/error.log" -p "$dir" -c "$SERVER_CONF" >>"$LOG" 2>&1 || { say "nginx did not start (see $LOG)"; exit 1; }
  wait_file "$dir/nginx.pid"
  SERVER_PID="$(cat "$dir/nginx.pid")"
  wait_port "$PORT_NGINX"
}

stop_server() {
  [ -n "$SERVER_PID" ] || return 0
  # SIGTERM to the master, as bin/stop sends it (without bin/stop's two JVM starts to read the
  # configuration: 2 s per row); Sluice's master closes its workers, nginx's master its workers.
  kill -TERM "$SERVER_PID" 2>/dev/null || true
  for _ in $(seq 1 200); do kill -0 "$SERVER_PID" 2>/dev/null || break; sleep 0.1; done
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

port_of() { case "$1" in sluice) echo $PORT_SLUICE ;; nginx) echo $PORT_NGINX ;; esac; }

# ---- the run ----
need_build
case ",$servers," in *",nginx,"*) ensure_nginx ;; esac
FLV="$(media)"
say "results in $OUT (machine: $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg))"

IFS=, read -r -a attack_list <<< "$only"
IFS=, read -r -a server_list <<< "$servers"
# Servers alternate within each attack, so load from elsewhere on the machine spreads over both.
for rep in $(seq 1 "$reps"); do
for attack in "${attack_list[@]}"; do
  for s in "${server_list[@]}"; do
    case "$s" in sluice) start_sluice "$attack-$rep" ;; nginx) start_nginx "$attack-$rep" ;;
      *) say "unknown server $s"; exit 64 ;; esac
    say "$s: $attack (run $rep of $reps)"
    # shellcheck disable=SC2086
    "$JAVA" $GEN_OPTS -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.Hostile \
      --url "rtmp://127.0.0.1:$(port_of "$s")/live/honest" --flv "$FLV" --pids "$SERVER_PID" --label "$s" \
      --attacks "$attack" --json-out "$RESULTS" "${WINDOWS[@]}" ${HOSTILE_ARGS:-} \
      2>>"$LOG" | grep -v '^{' | tee -a "$LOG" >&2 || say "Hostile failed ($s $attack)"
    stop_server
  done
done
done

docs_args=()
[ "$docs" = 1 ] && docs_args=(--docs "$ROOT/docs")
"$JAVA" -cp "$BENCH/target/sluice-bench.jar:$BENCH/target/lib/*" io.sluice.bench.HostileReport \
  --results "$RESULTS" --out "$OUT/hostile.md" --run "$(basename "$OUT")" \
  --commit "$(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)" \
  --load "$(cut -d' ' -f1-3 /proc/loadavg)" --note "$note" "${docs_args[@]}" 2>&1 | tee -a "$LOG"
say "done: $OUT"
