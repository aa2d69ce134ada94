#!/usr/bin/env bash
# Two hosts in network namespaces (bench/scripts/netns.sh, as ClusterNetnsIT), each a full Sluice
# (master + 2 workers) with the cluster directory in a redis-server on the bridge (issue 17,
# item 7). Measured:
#  1. time to first frame on the owner host against a host that must relay the stream from it,
#     every play on the other host a cold one (a new relay between hosts; io.sluice.bench.ClusterTtff);
#  2. Redis commands during that (INFO commandstats): per publish, per cold play, per renewal;
#  3. latency (publisher send -> player receive, p50/p99) of players on the owner host against
#     players on the other host, i.e. what the relay between hosts adds (io.sluice.bench.LoadGenerator).
#
#   bench/cluster.sh [--rounds N] [--players N] [--delay MS]
#     --rounds N   TTFF rounds (default 10; 6 s apart, longer than the relay linger of 5 s)
#     --players N  players per latency run (default 20)
#     --delay MS   delay packets leaving the second host by MS ms (tc netem; needs sch_netem)
#
# Needs root (namespaces), iproute2, redis-server, ffmpeg. Builds with mvn package (no install)
# when the jars are missing. Everything it starts is stopped by pid, the namespaces removed, at
# exit. Prints the load average before and after. Raw output in bench/target/cluster-*/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds=10
players=20
delay=0
while [ $# -gt 0 ]; do
  case "$1" in
    --rounds) rounds="$2"; shift ;;
    --players) players="$2"; shift ;;
    --delay) delay="$2"; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "cluster.sh: unknown option '$1'" >&2; exit 64 ;;
  esac
  shift
done
[ "$(id -u)" = 0 ] || { echo "cluster.sh: network namespaces need root" >&2; exit 1; }
. "$ROOT/bench/scripts/jars.sh"
bench_jars
. "$ROOT/bench/scripts/media.sh"
flv="$(bench_media 600)"
NETNS="$ROOT/bench/scripts/netns.sh"
P="sb$(( $$ % 10000000 ))"
NET="10.$(( 100 + $$ % 100 )).$(( $$ / 100 % 250 ))"
dir="$ROOT/bench/target/cluster-$(date -u +%Y%m%dT%H%M%S)"
mkdir -p "$dir"
CP="$ROOT/bench/target/sluice-bench.jar:$ROOT/bench/target/lib/*"
export SLUICE_BUILD=never
redis_pid=""
ffmpeg_pid=""
cleanup() {
  [ -n "$ffmpeg_pid" ] && kill "$ffmpeg_pid" 2>/dev/null || true
  for i in 1 2; do [ -f "$dir/h$i/sluice.yaml" ] && "$ROOT/bin/stop" -c "$dir/h$i/sluice.yaml" >/dev/null 2>&1 || true; done
  [ -n "$redis_pid" ] && kill "$redis_pid" 2>/dev/null || true
  "$NETNS" down "$P" 2
}
trap cleanup EXIT
"$NETNS" up "$P" "$NET" 2
redis-server --port 16379 --bind "$NET.254" --save "" --appendonly no --protected-mode no --daemonize no \
  --loglevel warning --dir "$dir" > "$dir/redis.log" 2>&1 &
redis_pid=$!
for i in 1 2; do
  mkdir -p "$dir/h$i"
  cat > "$dir/h$i/sluice.yaml" <<EOF
workers: 2
rtmp:
  port: 1935
http:
  enabled: false
paths:
  run_dir: $dir/h$i/run
  log_dir: $dir/h$i/logs
cluster:
  redis: "redis://$NET.254:16379"
  node: h$i
  advertise: "$NET.$i:1935"
  secret: "bench-cluster-secret-0123456789abcdef"
EOF
  ip netns exec "${P}h$i" "$ROOT/bin/start" -d -c "$dir/h$i/sluice.yaml" >/dev/null
done
for i in 1 2; do
  for _ in $(seq 1 300); do
    [ "$("$ROOT/bin/ctl" -c "$dir/h$i/sluice.yaml" workers 2>/dev/null | grep -c running)" -ge 2 ] && break
    sleep 0.2
  done
done
if [ "$delay" != 0 ]; then
  "$NETNS" delay "$P" 2 "$delay" || { echo "cluster.sh: tc netem is not available (sch_netem)" >&2; exit 1; }
fi
rcli() { redis-cli -h "$NET.254" -p 16379 "$@"; }

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores); link delay ${delay} ms"
rcli CONFIG RESETSTAT >/dev/null
start=$(date +%s)
ffmpeg -nostdin -hide_banner -loglevel error -re -stream_loop -1 -i "$flv" -c copy -f flv \
  "rtmp://$NET.1:1935/live/cam" > "$dir/ffmpeg.log" 2>&1 &
ffmpeg_pid=$!
for _ in $(seq 1 100); do
  "$ROOT/bin/ctl" -c "$dir/h1/sluice.yaml" where live/cam >/dev/null 2>&1 && break
  sleep 0.1
done
java -cp "$CP" io.sluice.bench.ClusterTtff --owner "rtmp://$NET.1:1935/live/cam" \
  --other "rtmp://$NET.2:1935/live/cam" --rounds "$rounds" | tee "$dir/ttff.txt"
elapsed=$(( $(date +%s) - start ))
rcli INFO commandstats > "$dir/commandstats.txt"
echo "Redis during ${elapsed} s (1 publish, $rounds cold plays on h2, $rounds plays on h1, renewals every lease_ttl/3):"
grep -E "cmdstat_(eval|hgetall|zrem|smembers|subscribe|publish|incr|zadd)\b" "$dir/commandstats.txt" \
  | sed 's/,usec=.*//; s/^/  /'
kill "$ffmpeg_pid" 2>/dev/null || true
wait "$ffmpeg_pid" 2>/dev/null || true
ffmpeg_pid=""

# Latency through the relay: the generator publishes to h1 and its players play on h1, then on h2.
for where in 1 2; do
  java -cp "$CP" io.sluice.bench.LoadGenerator --url "rtmp://$NET.1:1935/live/lat$where" \
    --play-url "rtmp://$NET.$where:1935/live/lat$where" --flv "$flv" --players "$players" --ramp 50 \
    --warmup 3 --window 15 --settle 1 --warm 0 --label "players on h$where" --workload 600k-cluster \
    --json-out "$dir/latency.jsonl" > "$dir/latency-h$where.txt" 2>&1 || echo "latency run on h$where failed" >&2
  grep -E "latency|ttff|players on" "$dir/latency-h$where.txt" | sed "s/^/h$where: /" || true
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); raw output in $dir"
