#!/usr/bin/env bash
# Control-plane rates, measured on a live netifd in a namespace:
#
#   attach        netifctl attach (native XDP + TC + every map), median of 5,
#                 each followed by a detach; checked by show
#   flow adds/s   N flows through one control connection: netifctl -batch
#                 (one request, one answer at a time) and tests/bench/flowload
#                 (256 requests to a datagram); checked by the agent's own
#                 flow_add counter and show's flow count
#   re-adopt      with ADOPT flows installed, netifd is stopped (the dataplane
#                 keeps running) and started again: the time from its start
#                 until it answers with every flow indexed
#
# NETIF_BENCH_PROFILE=DIR also profiles attach and re-adopt (lib.sh); the
# sampling slows what it measures a little: run.sh profiles in a run of
# its own, after the measured one.
#
# Usage: ctlplane.sh BUILD_DIR [N] [ADOPT] [TSV]
set -euo pipefail

BUILD=$(cd "$1" && pwd)
N=${2:-100000}
ADOPT=${3:-1000000}
OUT=${4:-}
BENCH_PIDS=
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

bench_topology c 10.93.0
bench_start_netifd

ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
# netifd's own time on a CPU (ns): on a shared machine the wall clock also
# counts the time it waited for one (shown too)
oncpu() { cut -d' ' -f1 "/proc/$NETIFD_PID/schedstat"; }
cpu_ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1e6 }'; }
median() { tr ' ' '\n' | grep . | sort -n | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
nflows() { ctl -j show dev veth0 | jq '.[0].flows'; }
agent() { ctl -j stats show dev veth0 | jq -r ".agent.$1 // .stats.$1"; }

# ---- attach --------------------------------------------------------------
A= AC=
bench_prof_start attach
for _ in 1 2 3 4 5; do
	c0=$(oncpu)
	t0=$EPOCHREALTIME
	ctl attach dev veth0 mode native >/dev/null
	t1=$EPOCHREALTIME
	c1=$(oncpu)
	[ "$(ctl -j show dev veth0 | jq -r '.[0].mode')" = native ] || { echo "ctlplane.sh: attach did not take" >&2; exit 1; }
	ctl detach dev veth0
	A+=" $(ms "$t0" "$t1")"
	AC+=" $(cpu_ms "$c0" "$c1")"
done
bench_prof_stop
ATTACH=$(echo "$A" | median)
ATTACH_CPU=$(echo "$AC" | median)

# ---- flow adds -------------------------------------------------------------
ctl attach dev veth0 mode native max-flows $((ADOPT > 2 * N ? ADOPT : 2 * N)) >/dev/null
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
	printf "flow add dev veth0 tuple proto udp src 198.18.%d.%d dst 198.51.100.10 sport %d dport 80 action drop\n",
		int(i / 256) % 256, i % 256, 1024 + int(i / 65536) }' >"$TMP/batch"
a0=$(agent flow_add)
c0=$(oncpu)
t0=$EPOCHREALTIME
ctl -batch "$TMP/batch" >/dev/null
t1=$EPOCHREALTIME
c1=$(oncpu)
a1=$(agent flow_add)
BATCH_CPU_US=$(awk -v n="$N" -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", (b - a) / 1e3 / n }')
[ $((a1 - a0)) = "$N" ] && [ "$(nflows)" = "$N" ] || { echo "ctlplane.sh: -batch: the agent counted $((a1 - a0)) adds, show $(nflows) flows, of $N" >&2; exit 1; }
BATCH_RATE=$(awk -v n="$N" -v a="$t0" -v b="$t1" 'BEGIN { printf "%.0f", n / (b - a) }')

# flowload's flows are other 5-tuples (source port from 3000 up)
c0=$(oncpu)
out=$(ip netns exec "$NS_R" "$BUILD/tests/bench/flowload" "$SOCK" veth0 "$N" 256 $((2000 * 131072)))
c1=$(oncpu)
LOAD_CPU_US=$(awk -v n="$N" -v a="$c0" -v b="$c1" 'BEGIN { printf "%.1f", (b - a) / 1e3 / n }')
a2=$(agent flow_add)
[ $((a2 - a1)) = "$N" ] && [ "$(nflows)" = $((2 * N)) ] || { echo "ctlplane.sh: flowload: the agent counted $((a2 - a1)) adds of $N" >&2; exit 1; }
LOAD_RATE=$(echo "$out" | awk '{ print $7 }')

# ---- re-adopt ----------------------------------------------------------------
have=$((2 * N))
if [ "$ADOPT" -gt "$have" ]; then
	ip netns exec "$NS_R" "$BUILD/tests/bench/flowload" "$SOCK" veth0 $((ADOPT - have)) 256 $((4000 * 131072)) >/dev/null
fi
total=$(nflows)
bench_stop_netifd
bench_prof_start re-adopt
t0=$EPOCHREALTIME
ip netns exec "$NS_R" "$BUILD/netifd" -f -S "$SOCK" -P "$TMP/bpffs/netif" >>"$TMP/netifd.log" 2>&1 &
NETIFD_PID=$!
until [ "$(ctl -j show dev veth0 2>/dev/null | jq '.[0].flows' 2>/dev/null)" = "$total" ]; do
	sleep 0.01
	awk -v a="$t0" -v b="$EPOCHREALTIME" 'BEGIN { exit !(b - a > 120) }' && { echo "ctlplane.sh: netifd did not re-adopt $total flows" >&2; exit 1; }
done
t1=$EPOCHREALTIME
bench_prof_stop
ADOPT_MS=$(ms "$t0" "$t1")
# netifd reads the pinned table on a second thread while it indexes:
# its CPU time is every thread's, the exited reader's too (utime + stime,
# in clock ticks)
ADOPT_CPU=$(awk -v hz="$(getconf CLK_TCK)" '{ printf "%.1f", ($14 + $15) * 1000 / hz }' "/proc/$NETIFD_PID/stat")
ctl detach dev veth0

printf '%-52s %14s %18s %10s\n' "control plane" "wall" "netifd on a CPU" target
printf '%-52s %11s ms %15s ms %10s\n' "attach (netifctl, median of 5)" "$ATTACH" "$ATTACH_CPU" "<= 50 ms"
printf '%-52s %11s /s %12s us/flow %10s\n' "flow adds, netifctl -batch ($N, one at a time)" "$BATCH_RATE" "$BATCH_CPU_US" ">= 100k/s"
printf '%-52s %11s /s %12s us/flow %10s\n' "flow adds, 256 a datagram ($N, one connection)" "$LOAD_RATE" "$LOAD_CPU_US" ">= 100k/s"
printf '%-52s %11s ms %15s ms %10s\n' "re-adopt $total flows (netifd start to answering)" "$ADOPT_MS" "$ADOPT_CPU" "<= 1000 ms"
if [ -n "$OUT" ]; then
	printf 'attach_ms\t%s\t%s\nbatch_adds_per_s\t%s\t%s\nload_adds_per_s\t%s\t%s\nadopt_ms\t%s\t%s\nadopt_flows\t%s\n' \
		"$ATTACH" "$ATTACH_CPU" "$BATCH_RATE" "$BATCH_CPU_US" "$LOAD_RATE" "$LOAD_CPU_US" \
		"$ADOPT_MS" "$ADOPT_CPU" "$total" >"$OUT"
fi
