#!/usr/bin/env bash
# End-to-end accuracy of policing and shaping as an application sees it:
# iperf3 between two namespaces, the receiver's on-wire rate (goodput
# scaled to whole Ethernet frames) after a warm-up, divided by the
# configured rate, for UDP (offered at 1.5x for policing, 1.2x for
# shaping) and TCP, at 1 Mbit/s to 1 Gbit/s.
#
# This measures the receiver and the sender as much as the dataplane: on a
# busy machine a starved iperf3 shows as a low ratio. The e2e tests judge
# the buckets and the shaper by their own counters instead
# (tests/e2e/ratelimit.bats); this table is what a user running iperf3
# would see. "offered" is what the sender managed over the same window.
#
# Policing burst: 100 ms of rate for UDP, 250 ms for TCP (a policer drops
# whole windows; see docs/performance.md).
#
# Usage: accuracy.sh BUILD_DIR [SECONDS] [RATES...]   (rates in Mbit/s)
set -euo pipefail

BUILD=$(cd "$1" && pwd)
SECS=${2:-3}
shift 2 2>/dev/null || shift $#
RATES=${*:-1 10 100 1000}
OMIT=1
BENCH_PIDS=
# shellcheck source=tests/bench/lib.sh
. "$(dirname "$0")/lib.sh"
trap bench_cleanup EXIT

bench_topology a 10.87.0

# iperf SERVER_NS CLIENT_NS SERVER_IP udp|tcp OFFERED_MBIT SECONDS:
# prints the receiver's and the sender's on-wire Mbit/s over the intervals
# after the warm-up (UDP -l 1400: 1442/1400; TCP full segments with
# timestamps: 1514/1448)
iperf() {
	local sns=$1 cns=$2 ip=$3 proto=$4 mbit=$5 secs=$6 args scale
	ip netns exec "$sns" iperf3 -s -1 -D -J -p 5201 >/dev/null 2>&1
	sleep 0.3
	if [ "$proto" = udp ]; then
		args="-u -l 1400 -b ${mbit}M"
		scale="1442 / 1400"
	else
		args=""
		scale="1514 / 1448"
	fi
	# shellcheck disable=SC2086
	ip netns exec "$cns" timeout $((secs + OMIT + 10)) iperf3 -c "$ip" $args \
		-t $((secs + OMIT)) --get-server-output -J 2>/dev/null |
		jq -r 'def rate(iv): [iv[] | select(.sum.start >= '"$OMIT"') | .sum]
			| (map(.bytes) | add) * 8 * '"$scale"' / (map(.seconds) | add) / 1e6;
			"\(rate(.server_output_json.intervals)) \(rate(.intervals))"'
}

row() { # KIND PROTO RATE MEASURED OFFERED
	awk -v k="$1" -v p="$2" -v r="$3" -v m="$4" -v o="$5" \
		'BEGIN { printf "%-7s %-4s %7d Mb %12.2f %8.3f %10.2f\n", k, p, r, m, m / r, o }'
}

bench_start_netifd
ctl attach dev veth0 >/dev/null
printf '%-7s %-4s %10s %12s %8s %10s\n' kind proto limit "Mbit/s" ratio offered
for r in $RATES; do
	secs=$SECS
	[ "$r" -le 10 ] && secs=$((SECS * 2))
	# police: ingress of veth0, traffic from G
	ctl set dev veth0 input-rate "${r}mbit" burst $((r * 1000000 / 8 / 10))
	read -r m o < <(iperf "$NS_R" "$NS_G" 10.87.0.1 udp $((r * 3 / 2)) "$secs")
	row police udp "$r" "$m" "$o"
	ctl set dev veth0 input-rate "${r}mbit" burst $((r * 1000000 / 8 / 4))
	read -r m o < <(iperf "$NS_R" "$NS_G" 10.87.0.1 tcp 0 $((secs * 3)))
	row police tcp "$r" "$m" "$o"
	ctl set dev veth0 input-rate 0
	# shape: egress of veth0, traffic from R
	ctl set dev veth0 shape "${r}mbit"
	read -r m o < <(iperf "$NS_G" "$NS_R" 10.87.0.2 udp $((r * 6 / 5)) "$secs")
	row shape udp "$r" "$m" "$o"
	read -r m o < <(iperf "$NS_G" "$NS_R" 10.87.0.2 tcp 0 "$secs")
	row shape tcp "$r" "$m" "$o"
	ctl set dev veth0 shape 0
done
echo "Mbit/s: the iperf3 receiver's on-wire rate; ratio: / the limit; offered: the sender's, same window."
