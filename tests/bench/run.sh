#!/usr/bin/env bash
# `make bench`: every benchmark of issue 14 in one run, each measuring its
# peers and baselines in the same run, interleaved, with ratios:
#
#   1. bench_prog_run  ns/frame under BPF_PROG_RUN: XDP_DROP + counter,
#                      xdp-filter (Debian's xdp-tools, loaded by its own tool)
#                      and netif, hit/miss, IPv4/IPv6, address rule, policed,
#                      1/4/16/32 masks, 1..1M flows with frames spread
#   2. veth.sh         receiver-bound Mpps: XDP_DROP, xdp-filter, netif,
#                      nftables; generator on CPU 0, receiver on CPU 1
#   3. exception.sh    exception-path rates (to netifd, re-injected, to a client)
#   4. ctlplane.sh     attach time, flow adds/s, re-adopting 1M flows
#   5. ratelimit.sh    policer accuracy, netif vs nftables, iperf3
#   6. accuracy.sh     policing and shaping as iperf3 sees them, 1 Mbit/s..1 Gbit/s
#   7. metrics.sh      Prometheus scrape and config apply at 100k flows
#   then, where perf exists, profiles of the veth receiver, attach and
#   re-adopt (veth.sh and ctlplane.sh again, with NETIF_BENCH_PROFILE)
#
# Results go to BUILD/bench/ (*.tsv, the plots as *.svg, summary.txt).
# Usage: run.sh BUILD_DIR [quick]   (quick: small tables, one round of veth)
set -euo pipefail

BUILD=$(cd "$1" && pwd)
QUICK=${2:-}
# a quick run (run.sh BUILD q): fewer rounds, smaller tables
ROUNDS=3 MFLOWS=100000
[ -z "$QUICK" ] || { ROUNDS=1; MFLOWS=10000; }
HERE=$(cd "$(dirname "$0")" && pwd)
OUT=$BUILD/bench
T0=$EPOCHREALTIME
mkdir -p "$OUT"
rm -f "$OUT"/*.tsv "$OUT"/*.svg

section() { printf '\n== %s ==\n' "$*"; }
elapsed() { awk -v a="$T0" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.0f", b - a }'; }

# ---- 1. BPF_PROG_RUN, with xdp-filter loaded by xdp-filter itself ---------
# xdp-filter needs an interface to load on and a bpffs for its maps: a veth
# in a namespace of our own, our bpffs bound onto /sys/fs/bpf for the one
# command (it would otherwise take the first bpffs it finds on the host).
NS_X="nifbx$$"
XTMP=$(mktemp -d /tmp/netif-bench-x-XXXXXX)
cleanup_x() {
	ip netns del "$NS_X" 2>/dev/null || true
	umount "$XTMP/bpffs" 2>/dev/null || true
	rm -rf "$XTMP"
}
trap cleanup_x EXIT
trap "exit 130" INT
trap "exit 143" TERM
ip netns add "$NS_X"
ip -n "$NS_X" link add nbx0 type veth peer name nbx1
ip -n "$NS_X" link set nbx0 up
ip -n "$NS_X" link set nbx1 up
mkdir -p "$XTMP/bpffs"
mount -t bpf bpf "$XTMP/bpffs"
xdpf() { ip netns exec "$NS_X" sh -c 'mount --bind "$0" /sys/fs/bpf && exec xdp-filter "$@"' "$XTMP/bpffs" "$@"; }
xdpf load nbx0 -m native >/dev/null
xdpf port 9000 -p udp -m dst >/dev/null
xdpf ip 203.0.113.77 -m src >/dev/null
XID=$(ip -n "$NS_X" -j link show nbx0 | jq '.[0].xdp.prog.id')

section "BPF_PROG_RUN: ns per frame (tests/bench/bench_prog_run), xdp-filter $(dpkg-query -W -f='${Version}' xdp-tools 2>/dev/null)"
# one CPU for every case: the two may not be equally busy
taskset -c 1 "$BUILD/tests/bench/bench_prog_run" ${QUICK:+-q} -x "$XID:$XTMP/bpffs/xdp-filter" \
	-o "$OUT/prog_run.tsv"
cleanup_x
trap - EXIT

# ---- 2-5 -------------------------------------------------------------------
section "veth: receiver-bound Mpps (tests/bench/veth.sh)"
"$HERE/veth.sh" "$BUILD" 2 "$ROUNDS" "$OUT/veth.tsv"

section "exception path (tests/bench/exception.sh)"
"$HERE/exception.sh" "$BUILD" 3 "$OUT/exception.tsv"

section "control plane (tests/bench/ctlplane.sh)"
if [ -n "$QUICK" ]; then
	"$HERE/ctlplane.sh" "$BUILD" 20000 100000 "$OUT/ctlplane.tsv"
else
	"$HERE/ctlplane.sh" "$BUILD" 100000 1000000 "$OUT/ctlplane.tsv"
fi

section "rate limiting: netif policer vs nftables limit (tests/bench/ratelimit.sh, 6 s per run)"
"$HERE/ratelimit.sh" "$BUILD" 6

# 2 s windows (4 s at 10 Mbit/s and below, TCP policing 3x): the table, not a verdict
section "policing and shaping end to end, iperf3 (tests/bench/accuracy.sh)"
"$HERE/accuracy.sh" "$BUILD" 2

# the Prometheus scrape at 100k flows (issue 14: <= 50 ms), apply vs -batch
"$HERE/metrics.sh" "$BUILD" "$MFLOWS"

# ---- profiles of what misses its target --------------------------------------
# In runs of their own: sampling slows what it samples, and the figures
# above are measured without it. perf's cpu-clock software event (no PMU
# in these VMs); the raw data stay in BUILD/bench/profile/.
if command -v perf >/dev/null; then
	section "profiles: the veth receiver (CPU 1) and netifd's attach and re-adopt (perf, cpu-clock)"
	rm -rf "$OUT/profile"
	NETIF_BENCH_PROFILE=$OUT/profile "$HERE/veth.sh" "$BUILD" 2 1 | sed -n '/^profile/,$p'
	NETIF_BENCH_PROFILE=$OUT/profile "$HERE/ctlplane.sh" "$BUILD" 20000 \
		"$([ -n "$QUICK" ] && echo 100000 || echo 1000000)" | grep -v '^[a-z]* *adds\|^control plane'
fi

# ---- plots -------------------------------------------------------------------
if command -v gnuplot >/dev/null; then
	gnuplot -e "dir='$OUT'" "$HERE/plots.gp" && echo && echo "plots: $(ls "$OUT"/*.svg | tr '\n' ' ')"
fi
echo "make bench: $(elapsed) s"
