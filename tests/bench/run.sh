#!/usr/bin/env bash
# `make bench`: every benchmark, in order.
#
#   1. bench_prog_run       ns per frame under BPF_PROG_RUN (XDP_DROP floor,
#                           1 to 1M tuple flows, plain vs rate-limited flow)
#   2. veth Mpps            trafgen on CPU 0 floods 64-byte UDP frames from
#                           one namespace into a veth; the peer, in another,
#                           drops them with (a) a bare XDP_DROP program,
#                           (b) netifd with a tuple flow, action drop,
#                           (c) an nftables netdev ingress chain dropping on a
#                           set holding the same 5-tuple, and (d) that chain
#                           behind an XDP_PASS program. The rate is the
#                           peer's rx_packets over SECS seconds after a
#                           warm-up; each dataplane's own drop counter is
#                           shown next to it as a check.
#   3. ratelimit.sh BUILD 8 policer accuracy, netif vs nftables
#   4. exception.sh BUILD   exception-path throughput
#
# Usage: run.sh BUILD_DIR
set -euo pipefail

BUILD=$(cd "$1" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
SECS=3
WARM=1
GEN_PID=
BENCH_PIDS=
# shellcheck source=tests/bench/lib.sh
. "$HERE/lib.sh"

cleanup() {
	set +e
	if [ -n "$GEN_PID" ]; then
		kill -TERM -- "-$GEN_PID" 2>/dev/null || kill -TERM "$GEN_PID" 2>/dev/null
		wait "$GEN_PID" 2>/dev/null
	fi
	bench_cleanup
}
trap cleanup EXIT
trap "exit 130" INT
trap "exit 143" TERM

section() { printf '\n== %s ==\n' "$*"; }

# ---- 1. BPF_PROG_RUN -----------------------------------------------------

section "BPF_PROG_RUN: ns per frame (tests/bench/bench_prog_run)"
"$BUILD/tests/bench/bench_prog_run"

# ---- 2. veth Mpps --------------------------------------------------------

section "veth: Mpps dropped on the receiving device, trafgen on CPU 0 ($SECS s per case)"

rx_packets() { R cat /sys/class/net/veth0/statistics/rx_packets; }
# frames the generator put on veth1: delivered to the peer or dropped there
offered() {
	G cat /sys/class/net/veth1/statistics/tx_packets /sys/class/net/veth1/statistics/tx_dropped |
		awk '{ s += $1 } END { print s }'
}

bench_topology v 10.91.0

# 64 bytes (without FCS): Ethernet, IPv4, UDP 40000 -> 9, 22 bytes of payload;
# trafgen fills in the IPv4 and UDP checksums
cat >"$TMP/udp64.trafgen" <<EOF
{
	eth(da=$MAC_R, sa=$MAC_G, type=0x0800),
	ipv4(saddr=10.91.0.2, daddr=10.91.0.1, ttl=64),
	udp(sport=40000, dport=9),
	fill(0x00, 22)
}
EOF

# One case: flood for WARM + SECS seconds and keep, over the last SECS, the
# receiver's rx_packets/s, the generator's offered packets/s and the
# dataplane's own drop counter/s ($2: a command printing that counter).
#
# trafgen runs at nice 19 on CPU 0, where the receive side (softirq, or
# ksoftirqd once it takes over) runs too: skbs waiting in the veth ring count
# against trafgen's socket send buffer, trafgen gives up when a send finds it
# full (EAGAIN), and ksoftirqd at an equal share lets that happen. Should it
# give up anyway, the case is run again (3 attempts).
declare -A RATE OFFER CHECK
per_sec() { awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" 'BEGIN { printf "%.0f", (b - a) / (t1 - t0) }'; }
flood() {
	local name=$1 counter=$2 r0 r1 o0 o1 c0 c1 tr0 tr1 to0 to1 tc0 tc1 rc=0
	# timeout leads its own process group (trafgen and its worker): the group
	# is signalled when the window ends, and by timeout itself should this
	# script be gone by then
	ip netns exec "$NS_G" timeout -s INT -k 2 $((WARM + SECS + 10)) \
		nice -n 19 taskset -c 0 trafgen -o veth1 -i "$TMP/udp64.trafgen" -P 1 --no-sock-mem -Q -C \
		>"$TMP/trafgen.log" 2>&1 &
	GEN_PID=$!
	sleep "$WARM"
	# each figure over its own exact interval ($EPOCHREALTIME: microseconds)
	c0=$($counter); tc0=$EPOCHREALTIME
	r0=$(rx_packets); tr0=$EPOCHREALTIME
	o0=$(offered); to0=$EPOCHREALTIME
	sleep "$SECS"
	r1=$(rx_packets); tr1=$EPOCHREALTIME
	o1=$(offered); to1=$EPOCHREALTIME
	c1=$($counter); tc1=$EPOCHREALTIME
	# trafgen ends with status 0 on SIGINT, only then did it send all along
	kill -INT -- "-$GEN_PID" 2>/dev/null
	wait "$GEN_PID" 2>/dev/null || rc=$?
	GEN_PID=
	if [ "$rc" != 0 ]; then
		echo "run.sh: $name: trafgen stopped early (status $rc): $(grep -v '^ *$' "$TMP/trafgen.log" | tail -1)" >&2
		return 1
	fi
	RATE[$name]=$(per_sec "$r0" "$r1" "$tr0" "$tr1")
	OFFER[$name]=$(per_sec "$o0" "$o1" "$to0" "$to1")
	CHECK[$name]=$(per_sec "$c0" "$c1" "$tc0" "$tc1")
}
run_case() {
	local attempt
	for attempt in 1 2 3; do
		flood "$@" && return 0
		[ "$attempt" = 3 ] || echo "run.sh: $1: again" >&2
	done
	echo "run.sh: $1: no complete run in 3 attempts" >&2
	exit 1
}

# (a) bare XDP_DROP, loaded and attached with bpftool
bpftool prog load "$BUILD/tests/bench/xdp_drop.bpf.o" "$TMP/bpffs/x"
R bpftool net attach xdpdrv pinned "$TMP/bpffs/x" dev veth0
run_case xdp_drop rx_packets
R bpftool net detach xdpdrv dev veth0
rm -f "$TMP/bpffs/x"

# (b) netifd: native XDP, one tuple flow for the flood's 5-tuple, action drop
bench_start_netifd
ctl attach dev veth0 mode native >/dev/null
ctl flow add dev veth0 tuple proto udp src 10.91.0.2 dst 10.91.0.1 sport 40000 dport 9 \
	action drop >/dev/null
netif_drops() { ctl -j stats show dev veth0 | jq -r '.stats.drop_policy'; }
run_case netif netif_drops
ctl detach dev veth0
bench_stop_netifd

# (c) nftables: netdev ingress chain, the same 5-tuple in a set, counted and dropped
nft_up() {
	R nft -f - <<'EOF'
table netdev nifbenchv {
	set flows {
		type inet_proto . ipv4_addr . ipv4_addr . inet_service . inet_service
		elements = { udp . 10.91.0.2 . 10.91.0.1 . 40000 . 9 }
	}
	chain in {
		type filter hook ingress device veth0 priority 0; policy accept;
		ip protocol . ip saddr . ip daddr . udp sport . udp dport @flows counter drop
	}
}
EOF
}
nft_drops() {
	R nft -j list chain netdev nifbenchv in |
		jq '[.nftables[].rule.expr // [] | .[] | .counter.packets // empty] | add'
}
nft_up
run_case nft nft_drops
R nft delete table netdev nifbenchv

# (d) the same chain behind an XDP_PASS program: veth0 then receives as it
# does under (a) and (b), through its NAPI ring, every skb re-allocated for
# XDP (trafgen's lack the headroom XDP needs); (c) is spared that
bpftool prog load "$BUILD/tests/bench/xdp_pass.bpf.o" "$TMP/bpffs/p"
R bpftool net attach xdpdrv pinned "$TMP/bpffs/p" dev veth0
nft_up
run_case nft_xdp nft_drops
R nft delete table netdev nifbenchv
R bpftool net detach xdpdrv dev veth0
rm -f "$TMP/bpffs/p"

printf '%-42s %8s %11s %9s %-12s %8s\n' case Mpps "vs XDP_DROP" check "(counter)" offered
for k in xdp_drop netif nft nft_xdp; do
	case $k in
	xdp_drop) label="(a) XDP_DROP (bpftool, xdpdrv)"; what="rx_packets" ;;
	netif) label="(b) netifd, tuple flow -> drop"; what="drop_policy" ;;
	nft) label="(c) nftables netdev ingress, 5-tuple set"; what="nft counter" ;;
	nft_xdp) label="(d) (c) behind XDP_PASS on veth0"; what="nft counter" ;;
	esac
	awk -v l="$label" -v r="${RATE[$k]}" -v b="${RATE[xdp_drop]}" -v c="${CHECK[$k]}" \
		-v w="$what" -v o="${OFFER[$k]}" \
		'BEGIN { printf "%-42s %8.3f %11.3f %9.3f %-12s %8.3f\n", l, r / 1e6, r / b, c / 1e6, w, o / 1e6 }'
done
echo "Mpps: veth0 rx_packets/s; check: the dataplane's own count of dropped frames/s;"
echo "offered: veth1 tx_packets + tx_dropped /s. 64-byte frames, one 5-tuple, all on CPU 0."
cleanup
trap - EXIT INT TERM

# ---- 3, 4. the policer and the exception path ---------------------------

section "rate limiting: netif policer vs nftables limit (tests/bench/ratelimit.sh, 8 s per run)"
"$HERE/ratelimit.sh" "$BUILD" 8

section "exception path (tests/bench/exception.sh)"
"$HERE/exception.sh" "$BUILD"
section "policing and shaping end to end, iperf3 (tests/bench/accuracy.sh)"; "$HERE/accuracy.sh" "$BUILD"
