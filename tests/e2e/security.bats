#!/usr/bin/env bats
# Security: hostile peers of the control socket, hostile channel clients
# and filter processes, capture files, failing open when netifd is gone,
# least privilege. Every test plays the attacker of issue 11 against a
# live netifd (see docs/security.md).

load helpers

CTL_ABUSE=${CTL_ABUSE:-$BUILD/tests/tools/ctl_abuse}
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

setup() {
	setup_topology
	inb ethtool -K veth1 tx off >/dev/null
	start_netifd
	nctl attach dev veth0 >/dev/null
}

teardown() {
	teardown_topology
}

# CPU seconds (user + system) netifd used so far.
netifd_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$NETIFD_PID/stat"
}

# Restart netifd under an fd limit: restart_netifd_nofile N
restart_netifd_nofile() {
	stop_netifd
	ip netns exec "$NS_A" prlimit --nofile="$1" "$NETIFD" -f -v -S "$SOCK" -P "$PIN_ROOT" \
		>>"$TMP/netifd.log" 2>&1 &
	NETIFD_PID=$!
	wait_for 'nctl show dev veth0'
}

@test "control: a request claiming nlmsg_len >= 2^31 is refused, netifd survives" {
	run ina $NOBODY "$CTL_ABUSE" "$SOCK" huge-len
	assert_success
	assert_equal "$(echo "$output" | grep -c ': -22$')" 4
	kill -0 "$NETIFD_PID"
	run nctl show dev veth0
	assert_success
}

@test "control: a peer that sends 3000 GETs and never reads delays nobody (< 100 ms)" {
	bg_in "$NS_A" $NOBODY timeout 30 "$CTL_ABUSE" "$SOCK" noread 3000 20
	sleep 1
	run ina timeout 20 "$CTL_ABUSE" "$SOCK" latency 20 veth0
	assert_success
	echo "slowest show of 20 next to the non-reader: $output ms" >&3
	awk -v ms="$output" 'BEGIN { exit !(ms < 100) }'
	# and a dump of every netif too
	run ina timeout 20 "$CTL_ABUSE" "$SOCK" latency 5
	assert_success
	awk -v ms="$output" 'BEGIN { exit !(ms < 100) }'
}

@test "control: an unprivileged connection flood is capped without spinning; root is served" {
	restart_netifd_nofile 1024
	bg_in "$NS_A" $NOBODY timeout 30 "$CTL_ABUSE" "$SOCK" flood 1100 8
	sleep 3
	local t0 t1
	t0=$(netifd_cpu)
	sleep 3
	t1=$(netifd_cpu)
	echo "netifd CPU during the flood: $t0 s -> $t1 s over 3 s" >&3
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.6) }'
	run ina timeout 10 "$CTL_ABUSE" "$SOCK" latency 5 veth0
	assert_success
	awk -v ms="$output" 'BEGIN { exit !(ms < 100) }'
	wait_for "grep -q 'opened' '$TMP/bg.log'"
	run grep opened "$TMP/bg.log"
	echo "flood: $output" >&3
	# 16 connections per user; every other one was accepted and closed
	local opened closed
	opened=$(echo "$output" | awk '{ print $2 }')
	closed=$(echo "$output" | awk '{ print $4 }')
	[ "$closed" -ge $((opened - 16)) ]
}

@test "control: out of descriptors, connections are accepted and closed without spinning" {
	# leave netifd 20 descriptors more than it uses: the connection cap is not reached first
	local nfd
	nfd=$(ls "/proc/$NETIFD_PID/fd" | wc -l)
	prlimit --pid "$NETIFD_PID" --nofile=$((nfd + 20))
	bg_in "$NS_A" timeout 30 "$CTL_ABUSE" "$SOCK" flood 400 8
	sleep 3
	local t0 t1
	t0=$(netifd_cpu)
	sleep 3
	t1=$(netifd_cpu)
	echo "netifd CPU with its descriptors used up: $t0 s -> $t1 s over 3 s" >&3
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.6) }'
	wait_for "grep -q 'opened' '$TMP/bg.log'"
	run grep opened "$TMP/bg.log"
	echo "flood: $output" >&3
	# all but the 20 that fit were accepted and closed
	local opened closed
	opened=$(echo "$output" | awk '{ print $2 }')
	closed=$(echo "$output" | awk '{ print $4 }')
	[ "$opened" -gt 64 ]
	[ "$closed" -ge $((opened - 25)) ]
	grep -q "out of file descriptors" "$TMP/netifd.log"
	# the flood is gone: everyone is served again
	run ina timeout 10 "$CTL_ABUSE" "$SOCK" latency 3 veth0
	assert_success
}

@test "control: at the connection cap the listener rests (no spin), and resumes" {
	restart_netifd_nofile 300
	# the cap is the fd limit less a headroom (here 300 - 128): root's own flood reaches it
	bg_in "$NS_A" timeout 30 "$CTL_ABUSE" "$SOCK" flood 400 8
	sleep 3
	local t0 t1
	t0=$(netifd_cpu)
	sleep 3
	t1=$(netifd_cpu)
	echo "netifd CPU at the connection cap: $t0 s -> $t1 s over 3 s" >&3
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.6) }'
	grep -q "not accepting new connections" "$TMP/netifd.log"
	wait_for "grep -q 'opened' '$TMP/bg.log'"
	wait_for "ina timeout 5 '$CTL_ABUSE' '$SOCK' latency 1 veth0"
	grep -q "accepting new connections" "$TMP/netifd.log"
}

RING_ABUSE=${RING_ABUSE:-$BUILD/tests/tools/ring_abuse}
FORGED_MAC=02:66:6f:72:67:65

# Capture what arrives on B's veth1 into $TMP/$1.pcap: capture_b NAME [FILTER...]
capture_b() {
	local name=$1
	shift
	bg_in "$NS_B" timeout 60 tcpdump -i veth1 -Q in -U -w "$TMP/$name.pcap" "$@"
	wait_for "[ -s '$TMP/$name.pcap' ]"
	sleep 0.5
}

stop_capture() {
	sleep 0.5
	ip netns pids "$NS_B" | xargs -r ps -o pid=,comm= -p | awk '$2 == "tcpdump" { print $1 }' |
		xargs -r kill -INT
	sleep 0.5
}

# Frames in a pcap matching a tcpdump filter: pcap_count FILE FILTER...
pcap_count() {
	local f=$1
	shift
	tcpdump -nn -r "$f" "$@" 2>/dev/null | wc -l
}

# The largest captured length in a pcap file (python: tcpdump cannot tell).
pcap_max_caplen() {
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
off, m = 24, 0
while off + 16 <= len(d):
    cap = struct.unpack_from("<I", d, off + 8)[0]
    m = max(m, cap)
    off += 16 + cap
print(m)' "$1"
}

@test "shared memory: a port client rewriting submitted frames forges nothing onto the wire" {
	nctl flow add dev veth0 tuple proto udp dport 7000 action port 2 >/dev/null
	capture_b wire
	run ina "$RING_ABUSE" "$SOCK" veth0 port 2 4 "$MAC_B" $IP_A $IP_B 7000 7001
	assert_success
	echo "racing port client: $output" >&3
	stop_capture
	local good forged
	good=$(pcap_count "$TMP/wire.pcap" ether src "$MAC_A" and udp port 7001)
	forged=$(pcap_count "$TMP/wire.pcap" ether src $FORGED_MAC or ether proto 0x88b5)
	echo "on the wire: $good valid, $forged forged; chan_tx $(stat_of veth0 chan_tx)," \
		"chan_tx_invalid $(stat_of veth0 chan_tx_invalid)" >&3
	[ "$good" -gt 100 ]
	assert_equal "$forged" 0
	[ "$(stat_of veth0 chan_tx_invalid)" -gt 0 ]
	kill -0 "$NETIFD_PID"
}

@test "shared memory: a filter rewriting returned slots leaks nothing and redirects nothing" {
	bg_in "$NS_A" "$RING_ABUSE" "$SOCK" veth0 filter hostile 5
	wait_for '[ "$(nctl -j filter show dev veth0 | jq length)" = 1 ]'
	nctl filter add dev veth0 pcap "$TMP/after.pcap" >/dev/null
	# a client on port 2: no frame may be steered to it
	ip netns exec "$NS_A" "$NETIFCAT" -S "$SOCK" -q dev veth0 port 2 >"$TMP/port2.log" 2>&1 3>&- &
	wait_for '[ "$(nctl -j port show dev veth0 | jq length)" = 1 ]'
	capture_b reflected ether src "$MAC_B"
	inb ping -c 1500 -i 0.002 -W 1 $IP_A >/dev/null || true
	wait_for '! nctl -j filter show dev veth0 | jq -e ".[] | select(.kind == \"external\")"'
	stop_capture
	kill -0 "$NETIFD_PID"
	nctl filter del dev veth0 id "$(nctl -j filter show dev veth0 | jq '.[0].id')"
	local maxcap n
	maxcap=$(pcap_max_caplen "$TMP/after.pcap")
	n=$(pcap_count "$TMP/after.pcap")
	echo "capture after the hostile filter: $n frames, largest $maxcap bytes;" \
		"filter_drop $(stat_of veth0 filter_drop); reflected to B:" \
		"$(pcap_count "$TMP/reflected.pcap")" >&3
	[ "$n" -gt 10 ]
	[ "$maxcap" -le 2048 ]
	assert_equal "$(nctl -j port show dev veth0 | jq '.[0].rx_packets')" 0
	assert_equal "$(pcap_count "$TMP/reflected.pcap")" 0
}
