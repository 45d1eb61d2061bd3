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

# Value of one counter of "netifctl stats show".
stat_of() { nctl -j stats show dev "$1" | jq -r ".stats.$2"; }

# Field of the flow with uuid $2 on dev $1 (from "-s -j flow show": with its counters).
flow_field() { nctl -s -j flow show dev "$1" | jq -r ".[] | select(.uuid == \"$2\") | .$3"; }

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

# ---- rates judged by the dataplane's own counters ---------------------------
#
# A generator offers more than the configured rate; over a measured window
# the counters of the bucket (or shaper) under test say what it admitted,
# and that is compared with rate x window. The window is bracketed by the
# counters' own reads (tests/bench/ctrwin), and the offered load is checked
# from the same counters (a starved generator measured the generator: the
# run is repeated).

LIVEGEN=$BUILD/tests/bench/livegen
# the system interpreter: a version manager's shim can take seconds to start on a busy machine
PYTHON=$(command -v /usr/bin/python3 || command -v python3)
FRAME=1442 # every generated frame: Ethernet, IPv4, UDP and 1400 bytes of payload

# Frames from B into veth0 (live-frames generator, paced):
#   livegen_bg SECONDS DPORT PPS [COUNT]   (GEN_PID is its pid)
#
# Generators run at nice -15: they are not under test, and one that a busy
# machine starves for longer than a bucket's depth makes the bucket look
# slow (the time it idled is lost to it).
livegen_bg() {
	ip netns exec "$NS_B" nice -n -15 "$LIVEGEN" veth1 "$MAC_A" $IP_B $IP_A "$2" "$1" $FRAME "$3" "${4:-0}" \
		>>"$TMP/livegen.log" 2>&1 3>&- &
	GEN_PID=$!
}

# UDP with 1400-byte payloads sent by the host in namespace NS, as fast as
# it can, SEGS datagrams per send (UDP_SEGMENT GSO when SEGS > 1):
#   udp_flood_bg NS DST_IP PORT SECONDS SEGS   (GEN_PID is its pid)
udp_flood_bg() {
	ip netns exec "$1" timeout $(($4 + 5)) nice -n -15 "$PYTHON" -c '
import socket, sys, time
dst, port, secs, segs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
# a send buffer beyond the qdisc queue: the shaper queue overflows (what
# it drops was offered) instead of the socket waiting for it
s.setsockopt(socket.SOL_SOCKET, 32, 64 << 20)  # SO_SNDBUFFORCE
if segs > 1:
    s.setsockopt(socket.SOL_UDP, 103, 1400)  # UDP_SEGMENT
buf, end = bytes(1400 * segs), time.monotonic() + secs
while time.monotonic() < end:
    try:
        s.sendto(buf, (dst, port))
    except OSError:
        pass
' "$2" "$3" "$4" "$5" >>"$TMP/flood.log" 2>&1 3>&- &
	GEN_PID=$!
}

stop_gen() {
	if [ -n "${GEN_PID:-}" ]; then
		kill "$GEN_PID" 2>/dev/null || true
		wait "$GEN_PID" 2>/dev/null || true
	fi
	GEN_PID=
	return 0
}

# Counters over a window of SECS seconds, read straight from the pinned
# maps and sysfs by tests/bench/ctrwin (a read through netifctl and jq can
# take a second on a busy machine): prints the deltas, the window's exact
# length, and the longest pause of the first counter. It opens once the
# first counter moves.
#   window SECS SPEC...   (SPEC: stats:NAME | flow:FLOW_ID:FIELD | credit:input |
#                          credit:flow:FLOW_ID | file:PATH)
window() {
	local secs=$1 a specs=()
	shift
	for a in "$@"; do
		case $a in
		file:*) specs+=("$a") ;;
		*) specs+=("${a%%:*}:$PIN_ROOT/veth0:${a#*:}") ;;
		esac
	done
	ina "$BUILD/tests/bench/ctrwin" "$secs" "${specs[@]}"
}

# Judge BITS admitted against RATE (bit/s) over a window of T s, within
# PCT percent plus SLACK bits, when at least 1.2 x RATE was OFFERED (bits)
# and the offered traffic never paused for longer than MAXGAP s (a token
# bucket's depth: a bucket cannot spend time it idled full). DCREDIT is
# the change of the bucket's credit over the window (ns at the rate; 0 when
# unknown, SLACK then covers it): what the bucket admitted is exactly the
# rate over the window less what it put aside.  Status 2: the offer failed.
#   rate_judge RATE BITS OFFERED T PCT SLACK GAP MAXGAP [DCREDIT]
rate_judge() {
	awk -v r="$1" -v b="$2" -v o="$3" -v t="$4" -v p="$5" -v s="$6" -v g="$7" -v mg="$8" \
		-v dc="${9:-0}" 'BEGIN {
		want = r * t - r * dc / 1e9
		lo = want * (1 - p / 100) - s; hi = want * (1 + p / 100) + s
		printf "admitted %.4f of %.0f bit/s over %.3f s less %.1f ms of credit put aside (accepted %.4f..%.4f), offered %.2fx, longest pause %.0f ms\n",
			b / want, r, t, dc / 1e6, lo / want, hi / want, o / (r * t), g * 1000
		if (o < 1.2 * r * t || g > mg) exit 2
		exit !(b >= lo && b <= hi) }'
}

# Run a measurement until its generator offered enough without pausing (4 attempts):
#   judged CMD...   (CMD returns rate_judge's status)
judged() {
	local try rc
	for try in 1 2 3 4; do
		"$@" && rc=0 || rc=$?
		[ "$rc" -ne 2 ] && return "$rc"
		echo "# not judged: too little offered, or a pause (attempt $try)" >&3
	done
	return 1
}
