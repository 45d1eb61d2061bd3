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
