# Shared setup for the netif end-to-end tests (bats).
#
# Every test gets its own pair of network namespaces with unique names, a
# dedicated bpffs (ip netns exec remounts /sys, so /sys/fs/bpf is not
# usable inside), its own control socket, and a netifd running in the
# first namespace. teardown_topology removes all of it, also after a
# failure (bats always runs teardown).
#
#   NS_A  -- veth0 (10.77.0.1/24, fd77::1/64) -- netifd attaches here
#   NS_B  -- veth1 (10.77.0.2/24, fd77::2/64) -- traffic source/sink

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

BUILD=${NETIF_BUILD:-$BATS_TEST_DIRNAME/../../build}
NETIFD=$BUILD/netifd
NETIFCTL=$BUILD/netifctl
NETIFCAT=$BUILD/netifcat

IP_A=10.77.0.1
IP_B=10.77.0.2
IP6_A=fd77::1
IP6_B=fd77::2

# Create the namespaces and the veth pair. Extra arguments go to "ip link add"
# for both ends (e.g. numtxqueues 4 numrxqueues 4).
setup_topology() {
	ID="nif$$t${BATS_TEST_NUMBER}"
	NS_A="${ID}a"
	NS_B="${ID}b"
	TMP=$(mktemp -d /tmp/netif-e2e.XXXXXX)
	# unprivileged clients must reach the control socket inside
	chmod 755 "$TMP"
	SOCK=$TMP/netifd.sock
	PIN_ROOT=$TMP/bpffs/netif
	mkdir -p "$TMP/bpffs"
	mount -t bpf bpf "$TMP/bpffs"
	ip netns add "$NS_A"
	ip netns add "$NS_B"
	ip link add veth0 "$@" netns "$NS_A" type veth peer veth1 "$@" netns "$NS_B"
	ip -n "$NS_A" link set lo up
	ip -n "$NS_B" link set lo up
	ip -n "$NS_A" addr add $IP_A/24 dev veth0
	ip -n "$NS_B" addr add $IP_B/24 dev veth1
	ip -n "$NS_A" addr add $IP6_A/64 dev veth0 nodad
	ip -n "$NS_B" addr add $IP6_B/64 dev veth1 nodad
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth1 up
	MAC_A=$(ip -n "$NS_A" -j link show veth0 | jq -r '.[0].address')
	MAC_B=$(ip -n "$NS_B" -j link show veth1 | jq -r '.[0].address')
}

teardown_topology() {
	stop_netifd
	# servers and clients a test left behind (they would keep bats waiting)
	local ns
	for ns in "${NS_A:-}" "${NS_B:-}"; do
		[ -n "$ns" ] && ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
	done
	[ -n "${NS_A:-}" ] && ip netns del "$NS_A" 2>/dev/null
	[ -n "${NS_B:-}" ] && ip netns del "$NS_B" 2>/dev/null
	if [ -n "${TMP:-}" ]; then
		umount "$TMP/bpffs" 2>/dev/null
		rm -rf "$TMP"
	fi
	return 0
}

ina() { ip netns exec "$NS_A" "$@"; }
inb() { ip netns exec "$NS_B" "$@"; }

# Run a command in the background in a namespace, detached from bats' fd 3
# (teardown kills whatever is still running there): bg_in NS CMD...
bg_in() {
	local ns=$1
	shift
	ip netns exec "$ns" "$@" >>"$TMP/bg.log" 2>&1 3>&- &
}

# Start netifd in NS_A and wait for its control socket. Extra args are passed on.
start_netifd() {
	ip netns exec "$NS_A" "$NETIFD" -f -v -S "$SOCK" -P "$PIN_ROOT" "$@" \
		>>"$TMP/netifd.log" 2>&1 &
	NETIFD_PID=$!
	local i
	for i in $(seq 1 100); do
		[ -S "$SOCK" ] && ina "$NETIFCTL" -S "$SOCK" show >/dev/null 2>&1 && return 0
		kill -0 "$NETIFD_PID" 2>/dev/null || break
		sleep 0.05
	done
	echo "netifd did not start:" >&2
	cat "$TMP/netifd.log" >&2
	return 1
}

stop_netifd() {
	if [ -n "${NETIFD_PID:-}" ]; then
		kill -TERM "$NETIFD_PID" 2>/dev/null
		wait "$NETIFD_PID" 2>/dev/null
		NETIFD_PID=
	fi
	return 0
}

# netifctl against this test's agent, run in NS_A.
nctl() { ip netns exec "$NS_A" "$NETIFCTL" -S "$SOCK" "$@"; }

# Is kernel feature $1 in use by this test's netifd on dev $2 (default veth0)?
has_feature() {
	[ "$(nctl -j show dev "${2:-veth0}" | jq -r ".[0].features[\"$1\"]")" = true ]
}

# Skip a test this kernel cannot run: needs_feature NAME [DEV]. The refusal
# netifd gives there instead is tested in kernels.bats.
needs_feature() {
	has_feature "$@" || skip "needs kernel feature $1 (netifd --features; docs/kernels.md)"
}

# Value of one counter of "netifctl stats show".
stat_of() { nctl -j stats show dev "$1" | jq -r ".stats.$2"; }

# Field of the flow with uuid $2 on dev $1 (from "flow show -j").
flow_field() { nctl -j flow show dev "$1" | jq -r ".[] | select(.uuid == \"$2\") | .$3"; }

# uuid printed by a successful "flow add" / "attach" in $output
uuid_from_output() { echo "$output" | awk '/^uuid /{print $2}' | tail -1; }

# Poll a condition (shell code, evaluated here so helpers work) for up to 10 s.
wait_for() {
	local i
	for i in $(seq 1 100); do
		eval "$1" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	echo "timed out waiting for: $1" >&2
	return 1
}

# On-wire Mbit/s an iperf3 run delivered, as the receiver saw it after a
# warm-up of OMIT seconds (default 2: a bucket starts full with one second
# of depth, and UDP offered at 1.5x the rate drains it in two). Payload is scaled
# to whole Ethernet frames, which is what policers and HTB count (UDP with
# -l 1400: 1442/1400; TCP full segments with timestamps: 1514/1448).
#   iperf_wire SERVER_NS CLIENT_NS SERVER_IP udp|tcp OFFERED_MBIT SECONDS
iperf_wire() {
	local sns=$1 cns=$2 ip=$3 proto=$4 mbit=$5 secs=$6 args scale omit=${OMIT:-2}
	bg_in "$sns" timeout $((secs + omit + 15)) iperf3 -s -1 -J -p 5201
	sleep 0.3
	if [ "$proto" = udp ]; then
		args="-u -l 1400 -b ${mbit}M"
		scale="1442 / 1400"
	else
		args=""
		scale="1514 / 1448"
	fi
	# the receiver's rate, and (into $TMP/iperf_offered) the sender's over the same window
	local out
	# shellcheck disable=SC2086
	out=$(ip netns exec "$cns" timeout $((secs + omit + 10)) iperf3 -c "$ip" $args \
		-t $((secs + omit)) --get-server-output -J 2>/dev/null |
		jq -r 'def rate(iv): [iv[] | select(.sum.start >= '"$omit"') | .sum]
			| (map(.bytes) | add) * 8 * '"$scale"' / (map(.seconds) | add) / 1e6;
			"\(rate(.server_output_json.intervals)) \(rate(.intervals))"')
	echo "${out#* }" >"$TMP/iperf_offered"
	echo "${out%% *}"
}

# A UDP measurement is within $2 percent of $1 Mbit/s:
#   udp_rate_within CONFIGURED PCT IPERF_WIRE_ARGS...
# A run whose sender could not even offer the configured rate (a starved CPU
# on a shared machine) measured the sender, not the limit, and is run again
# (3 attempts); every run that did offer enough is judged as it is.
udp_rate_within() {
	local conf=$1 pct=$2 m offered try
	shift 2
	for try in 1 2 3; do
		m=$(iperf_wire "$@")
		offered=$(cat "$TMP/iperf_offered")
		awk -v o="$offered" -v c="$conf" 'BEGIN { exit !(o < c) }' || break
		echo "the sender offered only $offered Mbit/s (attempt $try)" >&3
	done
	within_pct "$m" "$conf" "$pct" >&3
	within_pct "$m" "$conf" "$pct"
}

# Succeed when $1 (measured) is within $3 percent of $2 (configured).
within_pct() {
	awk -v m="$1" -v c="$2" -v p="$3" 'BEGIN {
		r = m / c
		printf "measured %.3f of configured %s (%.4f)\n", m, c, r
		exit !(r >= 1 - p / 100 && r <= 1 + p / 100) }'
}
