#!/usr/bin/env bash
# Hosts on one machine for the cluster tests and benchmarks (ClusterNetnsIT, bench/cluster.sh):
# a Linux bridge in the caller's network namespace and one network namespace per host, each
# joined to the bridge by a veth pair. Needs root and iproute2 (ip, tc).
#
#   netns.sh up PREFIX NET N       bridge PREFIXbr with NET.254/24; namespaces PREFIXh1..PREFIXhN,
#                                  each with eth0 = NET.I/24 (and lo up); veth PREFIXvI on the
#                                  bridge side. NET is three octets, e.g. 10.213.7
#   netns.sh down PREFIX N         removes them (whatever is left; never fails)
#   netns.sh delay PREFIX I MS     adds MS ms of delay to host I's eth0 (tc netem), both ways
#                                  counted once: packets leaving host I wait MS ms
#   netns.sh slow PREFIX I KBIT    limits what leaves host I's eth0 to KBIT kbit/s (tc tbf; a burst
#                                  waits in the queue up to 400 ms): a slow link where the
#                                  kernel has no netem (CONFIG_NET_SCH_NETEM off, as on this VM)
#   netns.sh undelay PREFIX I      removes either
#   netns.sh cut PREFIX I          takes host I's link down (its bridge side)
#   netns.sh mend PREFIX I         and up again
#   netns.sh netem                 exits 0 when the kernel has tc netem (sch_netem), else 1
#   netns.sh tbf                   exits 0 when the kernel has tc tbf (sch_tbf), else 1
#
# PREFIX keeps interface names under 15 characters: at most 9 characters (e.g. "sl" + a pid).
# Every name starts with PREFIX, so a run never touches another run's (or the machine's) links.
set -euo pipefail

die() { echo "netns.sh: $*" >&2; exit 2; }
[ "$#" -ge 1 ] || die "usage: netns.sh up|down|delay|undelay|cut|mend|netem ..."
command -v ip >/dev/null 2>&1 || die "ip not found (Debian: apt-get install iproute2)"

cmd="$1"; shift
case "$cmd" in
  up)
    [ "$#" -eq 3 ] || die "usage: netns.sh up PREFIX NET N"
    p="$1"; net="$2"; n="$3"
    [ "${#p}" -le 9 ] || die "PREFIX longer than 9 characters: $p"
    ip link add "${p}br" type bridge
    ip addr add "${net}.254/24" dev "${p}br"
    ip link set "${p}br" up
    for i in $(seq 1 "$n"); do
      ip netns add "${p}h${i}"
      ip link add "${p}v${i}" type veth peer name "${p}p${i}"
      ip link set "${p}p${i}" netns "${p}h${i}"
      ip -n "${p}h${i}" link set "${p}p${i}" name eth0
      ip -n "${p}h${i}" addr add "${net}.${i}/24" dev eth0
      ip -n "${p}h${i}" link set eth0 up
      ip -n "${p}h${i}" link set lo up
      ip link set "${p}v${i}" master "${p}br"
      ip link set "${p}v${i}" up
    done
    ;;
  down)
    [ "$#" -eq 2 ] || die "usage: netns.sh down PREFIX N"
    p="$1"; n="$2"
    for i in $(seq 1 "$n"); do
      ip netns del "${p}h${i}" 2>/dev/null || true   # takes its veth end, and so the pair, with it
      ip link del "${p}v${i}" 2>/dev/null || true
    done
    ip link del "${p}br" 2>/dev/null || true
    ;;
  delay)
    [ "$#" -eq 3 ] || die "usage: netns.sh delay PREFIX I MS"
    ip netns exec "${1}h${2}" tc qdisc replace dev eth0 root netem delay "${3}ms"
    ;;
  slow)
    [ "$#" -eq 3 ] || die "usage: netns.sh slow PREFIX I KBIT"
    ip netns exec "${1}h${2}" tc qdisc replace dev eth0 root tbf rate "${3}kbit" burst 32kbit latency 400ms
    ;;
  undelay)
    [ "$#" -eq 2 ] || die "usage: netns.sh undelay PREFIX I"
    ip netns exec "${1}h${2}" tc qdisc del dev eth0 root 2>/dev/null || true
    ;;
  cut)
    [ "$#" -eq 2 ] || die "usage: netns.sh cut PREFIX I"
    ip link set "${1}v${2}" down
    ;;
  mend)
    [ "$#" -eq 2 ] || die "usage: netns.sh mend PREFIX I"
    ip link set "${1}v${2}" up
    ;;
  netem|tbf)
    command -v tc >/dev/null 2>&1 || exit 1
    probe="slqdisc$$"
    ip netns add "$probe" || exit 1
    ok=1
    if [ "$cmd" = netem ]; then qdisc="netem delay 1ms"; else qdisc="tbf rate 1mbit burst 32kbit latency 400ms"; fi
    # shellcheck disable=SC2086
    ip netns exec "$probe" tc qdisc add dev lo root $qdisc 2>/dev/null && ok=0
    ip netns del "$probe"
    exit "$ok"
    ;;
  *) die "unknown command: $cmd" ;;
esac
