#!/usr/bin/env bash
# What operating netifd at scale costs, each figure next to its peer in the
# same run:
#
#   apply       netifctl apply of a file of N flows (one transaction) vs the
#               same N flows with netifctl -batch (one request each); then
#               the same file again (nothing to change) and with one flow
#               changed
#   scrape      GET /metrics at N flows, wall time (curl) and netifd's own CPU
#               time per scrape, vs netifctl -s -j flow show (the same
#               counters over the control socket); bench_metrics: the
#               scrape in process (snapshot + text) vs one lookup per flow
#   stall       netifctl show's round trip while scrapes run back to back
#               vs idle: what a scrape holds the control socket up
#
# Usage: metrics.sh BUILD_DIR [FLOWS]
set -euo pipefail

BUILD=$(cd "$1" && pwd)
N=${2:-100000}
PORT=19465
BENCH_PIDS=
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

printf '\n== operations at %d flows: apply, Prometheus scrape (tests/bench/metrics.sh) ==\n' "$N"

bench_topology m 10.87.0
ip netns exec "$NS_R" "$BUILD/netifd" -f -S "$SOCK" -P "$TMP/bpffs/netif" --metrics "127.0.0.1:$PORT" \
	>"$TMP/netifd.log" 2>&1 &
NETIFD_PID=$!
for _ in $(seq 200); do ctl show >/dev/null 2>&1 && break; sleep 0.05; done
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) * 1000 }'; }
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$NETIFD_PID/stat"; }
TICK_MS=$((1000 / $(getconf CLK_TCK)))

# ---- apply -----------------------------------------------------------------

{
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: %d\n    flows:\n' $((N + N / 4))
	awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
		printf "      - {tuple: {proto: udp, src: 10.%d.%d.%d, dport: %d}, action: pass}\n",
			int(i / 65536), int(i / 256) % 256, i % 256, 1000 + i % 50000 }'
} >"$TMP/host.yaml"
awk -v n="$N" 'BEGIN { for (i = 0; i < n; i++)
	printf "flow add dev veth0 tuple proto udp src 10.%d.%d.%d dport %d action pass\n",
		int(i / 65536), int(i / 256) % 256, i % 256, 1000 + i % 50000 }' >"$TMP/batch.txt"

t0=$EPOCHREALTIME; ctl apply "$TMP/host.yaml" >/dev/null; t1=$EPOCHREALTIME
apply_ms=$(ms "$t0" "$t1")
t0=$EPOCHREALTIME; ctl apply "$TMP/host.yaml" >"$TMP/again.out"; t1=$EPOCHREALTIME
again_ms=$(ms "$t0" "$t1")
grep -q '^no changes$' "$TMP/again.out"
sed -i '0,/dport: 1000}, action: pass}/s//dport: 1000}, action: drop}/' "$TMP/host.yaml"
t0=$EPOCHREALTIME; ctl apply "$TMP/host.yaml" >/dev/null; t1=$EPOCHREALTIME
one_ms=$(ms "$t0" "$t1")
ctl detach dev veth0
ctl attach dev veth0 mode native max-flows $((N + N / 4)) >/dev/null
t0=$EPOCHREALTIME; ctl -batch "$TMP/batch.txt" >/dev/null; t1=$EPOCHREALTIME
batch_ms=$(ms "$t0" "$t1")
[ "$(ctl -j show dev veth0 | jq '.[0].flows')" = "$N" ]
printf '%-52s %10s %9s\n' case ms ratio
printf '%-52s %10s %9s\n' "netifctl apply, $N flows (one transaction)" "$apply_ms" \
	"$(awk -v a="$apply_ms" -v b="$batch_ms" 'BEGIN { printf "%.2f", a / b }')"
printf '%-52s %10s %9s\n' "netifctl -batch, $N flow add (baseline)" "$batch_ms" 1.00
printf '%-52s %10s\n' "apply of the same file again (no changes)" "$again_ms"
printf '%-52s %10s\n' "apply with one flow changed" "$one_ms"

# ---- scrape ------------------------------------------------------------------

scrape() { R curl -sf -o /dev/null -w '%{time_total} %{size_download}\n' "http://127.0.0.1:$PORT/metrics"; }
: >"$TMP/scrape"; : >"$TMP/cpu"; : >"$TMP/dump"
for run in 1 2 3 4 5; do
	c0=$(cpu_ticks)
	scrape >>"$TMP/scrape"
	c1=$(cpu_ticks)
	echo $(((c1 - c0) * TICK_MS)) >>"$TMP/cpu"
	t0=$EPOCHREALTIME; ctl -s -j flow show dev veth0 >/dev/null; t1=$EPOCHREALTIME
	ms "$t0" "$t1" >>"$TMP/dump"; echo >>"$TMP/dump"
done
scrape_ms=$(awk '{ print $1 * 1000 }' "$TMP/scrape" | median)
bytes=$(awk 'END { print $2 }' "$TMP/scrape")
cpu_ms=$(median <"$TMP/cpu")
dump_ms=$(grep . "$TMP/dump" | median)
printf '%-52s %10s %9s\n' "GET /metrics, wall time (curl; $((bytes / 1048576)) MiB)" "$scrape_ms" \
	"$(awk -v a="$scrape_ms" -v b="$dump_ms" 'BEGIN { printf "%.2f", a / b }')"
printf '%-52s %10s\n' "  netifd's CPU time per scrape (${TICK_MS} ms ticks)" "$cpu_ms"
printf '%-52s %10s %9s\n' "netifctl -s -j flow show, same counters (peer)" "$dump_ms" 1.00
R curl -sf "http://127.0.0.1:$PORT/metrics" | grep '^netifd_metrics_snapshot_seconds' |
	awk '{ printf "%-52s %10.1f\n", "  snapshot of the last scrape (netifd'"'"'s own gauge)", $2 * 1000 }'

# ---- stall: the control socket while scrapes run --------------------------------

rtt() { # median and max of 20 netifctl show round trips, in ms
	local i t0 t1
	for i in $(seq 20); do
		t0=$EPOCHREALTIME; ctl show dev veth0 >/dev/null; t1=$EPOCHREALTIME
		ms "$t0" "$t1"; echo
	done | grep . | sort -n | awk '{ v[NR] = $1 } END { printf "%s %s", v[int((NR + 1) / 2)], v[NR] }'
}
read -r idle_med idle_max <<<"$(rtt)"
# ip netns exec itself, not R: $! must be the loop (a backgrounded function is a subshell)
ip netns exec "$NS_R" sh -c "while curl -sf -o /dev/null http://127.0.0.1:$PORT/metrics; do :; done" &
BENCH_PIDS+=" $!"
sleep 0.5
read -r busy_med busy_max <<<"$(rtt)"
kill "${BENCH_PIDS##* }" 2>/dev/null || true
printf '%-52s %10s %9s\n' "netifctl show during scrapes: median (max)" "$busy_med ($busy_max)" \
	"$(awk -v a="$busy_med" -v b="$idle_med" 'BEGIN { printf "%.2f", a / b }')"
printf '%-52s %10s %9s\n' "netifctl show idle: median (max)" "$idle_med ($idle_max)" 1.00
echo "ratio: against the line marked 1.00 above it; wall times include netifctl's own start (a process per call)."

# ---- in process ------------------------------------------------------------------

"$BUILD/tests/bench/bench_metrics" -n "$N" -r 7 2>/dev/null
