#!/usr/bin/env bash
# Exception-path throughput next to the fast path, measured in one run.
#
# A live-frames generator (livegen) floods UDP from NS_G into veth0 of NS_R,
# where netifd runs. For each case the same flood is classified by one flow
# and the rates are read from netif's own counters over the same window:
#
#   fast path      flow action drop           rx_packets/s   (XDP only)
#   to netifd      flow action exception      exc_rx/s       (AF_XDP, agent)
#   re-injected    (same run)                 reinject_rx/s  (live frames back to the stack)
#   to a client    flow action port 2         chan_rx/s      (copied into netifcat's ring)
#
# The generator is faster than any of them, so each figure is the capacity of
# that path on this machine; ratios against the fast path are what matter.
# A UDP sink listens on the port so re-injected frames reach an application
# (a closed port would measure the stack's ICMP error path instead).
# netifd runs on CPU 1, the generator (and with it the receiving veth's
# softirq, where netif_xdp runs) on CPU 0: the agent has a CPU of its own.
# Both at nice -10, so that neighbours on a shared machine do not set the
# figures.
#
# Usage: exception.sh BUILD_DIR [SECONDS] [TSV]
set -euo pipefail

BUILD=$(cd "$1" && pwd)
SECS=${2:-3}
OUT=${3:-}
NETIFD_CPU=1
BENCH_PIDS=
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

stat() { ctl -j stats show dev veth0 | jq -r ".stats.$1"; }

bench_topology x 10.88.0
bench_start_netifd
# the generator's frames are XDP_TX'ed out of veth1; veth0, its peer, must run
# an XDP program to accept them, and does: netif
ctl attach dev veth0 mode native >/dev/null
ip netns exec "$NS_R" "$BUILD/tests/bench/udpsink" 9 $((SECS * 4 + 10)) >"$TMP/sink.out" &
BENCH_PIDS+=" $!"

# one measurement: install the flow, flood, read the counter delta
measure() {
	local action=$1 counter=$2 uuid before after gen
	uuid=$(ctl flow add dev veth0 tuple proto udp dport 9 action $action | awk '{print $2}')
	before=$(stat "$counter")
	gen=$(G nice -n -10 taskset -c 0 "$BUILD/tests/bench/livegen" veth1 "$MAC_R" 10.88.0.2 10.88.0.1 9 "$SECS" 64)
	sleep 1.2 # let netifd fold its per-frame counters into the map
	after=$(stat "$counter")
	ctl flow del dev veth0 uuid "$uuid"
	echo "$(( (after - before) / SECS )) ${gen##* }"
}

printf '%-14s %14s %10s %16s\n' path packets/s vs-fast generator/s
read -r fast genf < <(measure drop rx_packets)
printf '%-14s %14d %10s %16d\n' "fast path" "$fast" "1.00" "$genf"

r1=$(stat reinject_rx)
read -r up genu < <(measure exception exc_rx)
r2=$(stat reinject_rx)
reinj=$(( (r2 - r1) / SECS ))
awk -v a="$up" -v f="$fast" -v g="$genu" 'BEGIN { printf "%-14s %14d %10.3f %16d\n", "to netifd", a, a / f, g }'
awk -v a="$reinj" -v f="$fast" 'BEGIN { printf "%-14s %14d %10.3f %16s\n", "re-injected", a, a / f, "-" }'

ip netns exec "$NS_R" "$BUILD/netifcat" -S "$SOCK" -q dev veth0 port 2 2>/dev/null &
BENCH_PIDS+=" $!"
for _ in $(seq 100); do [ "$(ctl -j port show dev veth0 | jq length)" = 1 ] && break; sleep 0.05; done
if [ "$(ctl -j port show dev veth0 | jq length)" != 1 ]; then
	echo "the client could not bind port 2" >&2
	exit 1
fi
read -r cl genc < <(measure "port 2" chan_rx)
awk -v a="$cl" -v f="$fast" -v g="$genc" 'BEGIN { printf "%-14s %14d %10.3f %16d\n", "to a client", a, a / f, g }'
echo "ring full (kernel AF_XDP ring): $(stat exc_ring_full)  client ring full: $(stat chan_rx_ring_full)"
awk -v r="$reinj" -v c="$cl" 'BEGIN {
	printf "targets: re-injected %.2f Mpps (>= 1: %s), to a client %.2f Mpps (>= 3: %s)\n",
		r / 1e6, (r >= 1e6) ? "met" : "NOT MET", c / 1e6, (c >= 3e6) ? "met" : "NOT MET" }'
if [ -n "$OUT" ]; then
	printf 'fast path\t%s\nto netifd\t%s\nre-injected\t%s\nto a client\t%s\n' \
		"$fast" "$up" "$reinj" "$cl" >"$OUT"
fi
