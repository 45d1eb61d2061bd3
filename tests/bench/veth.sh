#!/usr/bin/env bash
# Receiver-bound Mpps on a veth pair: XDP_DROP, xdp-filter, netif and
# nftables drop the same flood, in interleaved rounds.
#
# The generator (livegen: BPF_PROG_RUN live frames, XDP_TX out of the
# generator's veth) runs on CPU 0; the receiving veth runs threaded NAPI
# with its thread pinned to CPU 1, so the receiver has a CPU of its own and
# is the bottleneck (the generator offers 2-4x what any receiver takes; the
# excess is dropped at the veth, counted as the peer's tx drops).
#
# Receivers, each dropping UDP to port 9000 (every frame of the flood):
#   XDP_DROP     tests/bench/xdp_drop.bpf.o, a per-CPU counter
#   xdp-filter   xdp-tools' own tool: load (native, legacy mode here) + port 9000
#   netif        netifd: attach native, flow "tuple proto udp dport 9000 action drop"
#   nftables     netdev ingress "udp dport 9000 counter drop", behind an
#                XDP_PASS program (as every XDP receiver, veth then hands it
#                frames through its NAPI ring)
# The rate is the receiving device's rx_packets/s over SECS seconds after a
# warm-up. Each receiver's own drop counter must account for every frame
# the device received during the flood (within 0.5%, for the namespaces'
# own stray frames), or the run fails; the table shows that share.
#
# NETIF_BENCH_PROFILE=DIR records, over each measured window, where CPU 1
# (the receiver's NAPI thread) spends its time (perf, the cpu-clock
# software event: these VMs have no PMU) into DIR/RECEIVER.N.data and
# prints each receiver's top symbols; the sampling costs the receiver a
# little, so run.sh profiles in a round of its own, not in the measured ones.
#
# Usage: veth.sh BUILD_DIR [SECONDS] [ROUNDS] [TSV]
set -euo pipefail

BUILD=$(cd "$1" && pwd)
SECS=${2:-2}
ROUNDS=${3:-3}
OUT=${4:-}
WARM=0.5
BENCH_PIDS=
# a name only this run has: its NAPI thread is named after it
DEV_R="nb$$"
DEV_G="nbg$$"
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

bench_topology m 10.92.0
bench_start_netifd

rx_packets() { R cat "/sys/class/net/$DEV_R/statistics/rx_packets"; }

# The receive side in threaded NAPI on CPU 1. The thread exists once veth
# has NAPI (an XDP program is attached), and may be a new one after every
# attach, so this follows each set-up. Generator and receiver run at nice
# -10: on a shared machine they would otherwise get whatever share of a CPU
# the neighbours leave, and the figures would measure the neighbours.
pin_napi() {
	local pid
	R sh -c "echo 1 > /sys/class/net/$DEV_R/threaded"
	for pid in $(ps -eo pid=,comm= | awk -v p="napi/$DEV_R-" 'index($2, p) == 1 { print $1 }'); do
		taskset -pc 1 "$pid" >/dev/null
		renice -n -10 -p "$pid" >/dev/null
	done
}

# The sum over CPUs of a per-CPU map's value at KEY: its first u64 (the
# counter, or a struct's first member), read from the raw bytes so it works
# with or without BTF.
percpu_sum() { # PINNED_MAP [KEY]
	bpftool -j map lookup pinned "$1" key "${2:-0}" 0 0 0 |
		jq '[.values[].value[0:8] | reverse | map(ltrimstr("0x")) | join("") |
		     ascii_downcase | explode | reduce .[] as $c (0; . * 16 +
		     (if $c >= 97 then $c - 87 else $c - 48 end))] | add'
}

mkdir -p "$TMP/bpffs/xdrop_maps"
bpftool prog load "$BUILD/tests/bench/xdp_drop.bpf.o" "$TMP/bpffs/xdrop" pinmaps "$TMP/bpffs/xdrop_maps"
bpftool prog load "$BUILD/tests/bench/xdp_pass.bpf.o" "$TMP/bpffs/xpass"

up_xdp_drop() { R bpftool net attach xdpdrv pinned "$TMP/bpffs/xdrop" dev "$DEV_R"; }
down_xdp_drop() { R bpftool net detach xdpdrv dev "$DEV_R"; }
count_xdp_drop() { percpu_sum "$TMP/bpffs/xdrop_maps/drop_count"; }

# xdp-filter pins its maps in the first bpffs it finds (/sys/fs/bpf, else
# any bpf mount on the host: another user's); give it ours as /sys/fs/bpf,
# in the private mount namespace of this one ip netns exec.
xdpf() { R sh -c 'mount --bind "$0" /sys/fs/bpf && exec xdp-filter "$@"' "$TMP/bpffs" "$@"; }
up_xdp_filter() {
	xdpf load "$DEV_R" -m native >/dev/null
	xdpf port 9000 -p udp -m dst >/dev/null
}
down_xdp_filter() { xdpf unload "$DEV_R" >/dev/null; }
# xdp_stats_map: per action (1 = XDP_DROP) {rx_packets, rx_bytes}
count_xdp_filter() { percpu_sum "$TMP/bpffs/xdp-filter/xdp_stats_map" 1; }

up_netif() {
	ctl attach dev "$DEV_R" mode native >/dev/null
	ctl flow add dev "$DEV_R" tuple proto udp dport 9000 action drop >/dev/null
}
down_netif() { ctl detach dev "$DEV_R"; }
count_netif() { ctl -j stats show dev "$DEV_R" | jq -r '.stats.drop_policy'; }

up_nft() {
	R bpftool net attach xdpdrv pinned "$TMP/bpffs/xpass" dev "$DEV_R"
	R nft -f - <<EOF
table netdev nifbv$$ {
	chain in {
		type filter hook ingress device $DEV_R priority 0; policy accept;
		udp dport 9000 counter drop
	}
}
EOF
}
down_nft() {
	R nft delete table netdev "nifbv$$"
	R bpftool net detach xdpdrv dev "$DEV_R"
}
count_nft() {
	R nft -j list chain netdev "nifbv$$" in |
		jq '[.nftables[].rule.expr // [] | .[] | .counter.packets // empty] | add'
}

mid() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", (a + b) / 2 }'; }
per_sec() { awk -v a="$1" -v b="$2" -v t0="$3" -v t1="$4" 'BEGIN { printf "%.0f", (b - a) / (t1 - t0) }'; }

declare -A SAMPLES CHECKS
# One sample of one receiver: flood WARM + SECS, the rate over the last SECS.
# The check is exact rather than timed: with no traffic before the flood
# and after it, every frame the device received must be in the receiver's
# own count (a few stray frames of the namespaces' own stacks aside).
sample() {
	local k=$1 r0 r1 q0 q1 c0 c1 t0 t1 a b gen rate
	"up_$k"
	pin_napi
	q0=$(rx_packets); c0=$("count_$k")
	ip netns exec "$NS_G" nice -n -10 taskset -c 0 "$BUILD/tests/bench/livegen" "$DEV_G" "$MAC_R" \
		10.92.0.2 10.92.0.1 9000 "$(awk -v a="$WARM" -v b="$SECS" 'BEGIN { print a + b + 0.3 }')" 64 \
		>"$TMP/gen.out" &
	gen=$!
	sleep "$WARM"
	a=$EPOCHREALTIME; r0=$(rx_packets); b=$EPOCHREALTIME; t0=$(mid "$a" "$b")
	if [ -n "${NETIF_BENCH_PROFILE:-}" ]; then
		perf record -q -e cpu-clock -F 4000 -C 1 -o "$NETIF_BENCH_PROFILE/$k.$((++NPROF)).data" \
			-- sleep "$SECS" >/dev/null 2>&1
	else
		sleep "$SECS"
	fi
	a=$EPOCHREALTIME; r1=$(rx_packets); b=$EPOCHREALTIME; t1=$(mid "$a" "$b")
	wait "$gen"
	sleep 0.2
	q1=$(rx_packets); c1=$("count_$k")
	"down_$k"
	rate=$(per_sec "$r0" "$r1" "$t0" "$t1")
	if ! awk -v q=$((q1 - q0)) -v c=$((c1 - c0)) 'BEGIN { exit !(q > 0 && c <= q && c >= 0.995 * q) }'; then
		echo "veth.sh: $k: the device received $((q1 - q0)) frames, the receiver counted $((c1 - c0))" >&2
		exit 1
	fi
	SAMPLES[$k]+=" $rate"
	CHECKS[$k]+=" $(awk -v q=$((q1 - q0)) -v c=$((c1 - c0)) 'BEGIN { printf "%.4f", c / q }')"
}

CASES="xdp_drop xdp_filter netif nft"
NPROF=0
[ -z "${NETIF_BENCH_PROFILE:-}" ] || mkdir -p "$NETIF_BENCH_PROFILE"
for _ in $(seq "$ROUNDS"); do
	for k in $CASES; do
		sample "$k"
	done
done

stats() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%.0f %.0f %.0f\n", m, v[1], v[NR] }'; }
declare -A MED MIN MAX
for k in $CASES; do
	read -r MED[$k] MIN[$k] MAX[$k] < <(echo "${SAMPLES[$k]}" | stats)
done

printf '%-34s %8s %8s %8s %10s %10s %10s %8s\n' receiver Mpps min max "x XDP_DROP" "x xdp-filt" "x nft" counted
for k in $CASES; do
	case $k in
	xdp_drop) label="XDP_DROP + per-CPU counter" ;;
	xdp_filter) label="xdp-filter, port 9000 denied" ;;
	netif) label="netif, flow udp dport 9000 drop" ;;
	nft) label="nftables ingress (behind XDP_PASS)" ;;
	esac
	chk=$(echo "${CHECKS[$k]}" | tr ' ' '\n' | grep . | sort -n | head -1)
	awk -v l="$label" -v m="${MED[$k]}" -v lo="${MIN[$k]}" -v hi="${MAX[$k]}" -v d="${MED[xdp_drop]}" \
		-v f="${MED[xdp_filter]}" -v n="${MED[nft]}" -v c="$chk" \
		'BEGIN { printf "%-34s %8.3f %8.3f %8.3f %10.3f %10.3f %10.3f %8.4f\n", l, m / 1e6, lo / 1e6, hi / 1e6, m / d, m / f, m / n, c }'
	[ -n "$OUT" ] && printf '%s\t%s\t%s\t%s\n' "$label" "${MED[$k]}" "${MIN[$k]}" "${MAX[$k]}" >>"$OUT"
done
echo "Mpps: receiving veth rx_packets/s, median of $ROUNDS interleaved rounds of ${SECS} s;"
echo "counted: the lowest share, over the rounds, of the frames received that the receiver's own counter dropped."
echo "Generator (livegen) on CPU 0, receiver NAPI thread on CPU 1."
awk -v n="${MED[netif]}" -v f="${MED[xdp_filter]}" -v t="${MED[nft]}" 'BEGIN {
	printf "targets: netif / xdp-filter %.3f (>= 1.0: %s), netif / nftables %.3f (>= 2.0: %s)\n",
		n / f, (n >= f) ? "met" : "NOT MET", n / t, (n >= 2 * t) ? "met" : "NOT MET" }'
if [ -n "${NETIF_BENCH_PROFILE:-}" ]; then
	for k in $CASES; do
		echo "profile, CPU 1 (receiver), $k: the symbols over 1.5% of its samples"
		for f in "$NETIF_BENCH_PROFILE/$k".*.data; do
			perf report -q -i "$f" --stdio --sort sym --percent-limit 1.5 2>/dev/null |
				awk 'NF { printf "    %s\n", $0 }'
		done
	done
fi
