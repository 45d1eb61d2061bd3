#!/usr/bin/env bash
# Rate-limit accuracy: netif's XDP policer (input-rate) against nftables
# `limit rate over ... drop` on the netdev ingress hook of the same device,
# measured side by side in one run, with iperf3 UDP offered at 1.5x the
# limit and TCP.
#
# The limit counts whole Ethernet frames; iperf3 reports payload. Rates
# here are on-wire at the receiver: the server's goodput over its intervals
# after a warm-up (so the initial burst does not count), scaled by
# frame/payload (UDP: 1442/1400 with -l 1400; TCP: 1514/1448 for full
# segments with timestamps).
#
# netif's XDP program makes the kernel turn TSO/GSO off on the veth peer,
# so its policer sees MSS-sized frames; nftables is measured with an
# XDP_PASS program on the device, so it sees the very same traffic.
#
# Usage: ratelimit.sh BUILD_DIR [SECONDS] [RATES...]   (rates in Mbit/s)
set -euo pipefail

BUILD=$(cd "$1" && pwd)
SECS=${2:-6}
shift 2 2>/dev/null || shift $#
RATES=${*:-10 100 1000}
OMIT=2
BENCH_PIDS=
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

bench_topology r 10.89.0
bench_start_netifd
bpftool prog load "$BUILD/tests/bench/xdp_pass.bpf.o" "$TMP/bpffs/xdp_pass"

# one iperf3 run from G to R; prints the on-wire Mbit/s the receiver got,
# over its intervals after the warm-up
run_iperf() {
	local proto=$1 mbit=$2 args scale
	# a JSON server lets the client embed its report (--get-server-output)
	R iperf3 -s -1 -D -J -p 5201 >/dev/null 2>&1
	sleep 0.3
	if [ "$proto" = udp ]; then
		args="-u -l 1400 -b $((mbit * 3 / 2))M"
		scale="1442 / 1400"
	else
		args=""
		scale="1514 / 1448"
	fi
	# shellcheck disable=SC2086
	G iperf3 -c 10.89.0.1 $args -t "$((SECS + OMIT))" --get-server-output -J 2>/dev/null |
		jq -r --argjson omit "$OMIT" "def rate(iv): [iv[] | select(.sum.start >= \$omit) | .sum]
			| (map(.bytes) | add) * 8 * $scale / (map(.seconds) | add) / 1e6;
			\"\\(rate(.server_output_json.intervals)) \\(rate(.intervals))\""
}

printf '%-6s %10s | %12s %8s %9s | %12s %8s %9s\n' proto "limit" "netif Mbit/s" ratio offered \
	"nft Mbit/s" ratio offered
for proto in udp tcp; do
	for mbit in $RATES; do
		# netif: XDP policer on the whole input, XNU's default depth (one second of rate)
		ctl attach dev veth0 mode native >/dev/null
		ctl set dev veth0 input-rate "${mbit}mbit" >/dev/null
		read -r n no < <(run_iperf "$proto" "$mbit")
		ctl detach dev veth0
		# nftables: the same limit on netdev ingress; its byte limit keeps one
		# second of rate as depth (plus the burst, none here): the same bucket
		R bpftool net attach xdpdrv pinned "$TMP/bpffs/xdp_pass" dev veth0
		R nft add table netdev nifbench
		R nft add chain netdev nifbench in "{ type filter hook ingress device veth0 priority 0; }"
		R nft add rule netdev nifbench in limit rate over "$((mbit * 125000))" bytes/second drop
		read -r f fo < <(run_iperf "$proto" "$mbit")
		R nft delete table netdev nifbench
		R bpftool net detach xdpdrv dev veth0
		awk -v p="$proto" -v m="$mbit" -v n="$n" -v f="$f" -v no="$no" -v fo="$fo" \
			'BEGIN { printf "%-6s %7d Mb | %12.1f %8.3f %9.1f | %12.1f %8.3f %9.1f\n",
				p, m, n, n / m, no, f, f / m, fo }'
	done
done
