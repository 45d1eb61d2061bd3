#!/usr/bin/env bats
# netifd under a service manager: READY=1 only once the control socket
# listens and every pinned netif is re-adopted, RELOADING=1/READY=1 around
# SIGHUP, STOPPING=1, the watchdog; and the whole dataplane (attach, flows,
# AF_XDP exception path, re-injection, re-adoption) working with exactly
# the capability bounding set of the shipped unit.

load helpers

UNIT_IN=${NETIF_UNIT_IN:-$BATS_TEST_DIRNAME/../../dist/systemd/netifd.service.in}
SINK=$BUILD/tests/e2e/notify_sink

setup() {
	setup_topology
	inb ethtool -K veth1 tx off >/dev/null
}

teardown() {
	[ -n "${SINK_PID:-}" ] && kill "$SINK_PID" 2>/dev/null
	teardown_topology
}

# Start the notify sink; on READY=1 it freezes the sender and records what a
# client would find at that moment: is the control socket listening, how many
# BPF maps the agent holds (the re-adopted netif's), the status line.
start_sink() {
	cat >"$TMP/at_ready.sh" <<-EOS
		#!/bin/bash
		{
			echo "pid \$NOTIFY_PID"
			ip netns exec $NS_A ss -xlH | grep -c " $SOCK " | sed 's/^/listening /'
			ls -l /proc/\$NOTIFY_PID/fd | grep -c 'anon_inode:bpf-map' | sed 's/^/maps /'
		} >>"$TMP/at_ready"
	EOS
	chmod +x "$TMP/at_ready.sh"
	"$SINK" -x "$TMP/at_ready.sh" "$TMP/notify.sock" >"$TMP/notify.log" 2>&1 3>&- &
	SINK_PID=$!
	wait_for "[ -S $TMP/notify.sock ]"
}

# netifd in NS_A reporting to the sink: start_notified [ENV=VALUE...]
start_notified() {
	ip netns exec "$NS_A" env NOTIFY_SOCKET="$TMP/notify.sock" "$@" \
		"$NETIFD" -f -v -S "$SOCK" -P "$PIN_ROOT" >>"$TMP/netifd.log" 2>&1 3>&- &
	NETIFD_PID=$!
}

# The Nth notification line (from 1) containing $1
nth_line_of() { grep -n -- "$1" "$TMP/notify.log" | sed -n "${2:-1}p" | cut -d: -f1; }

@test "READY=1 comes only once the socket listens and the pinned netif is re-adopted" {
	start_netifd
	local uuid
	uuid=$(nctl attach dev veth0 | awk '{print $2}')
	nctl flow add dev veth0 tuple proto udp dport 53 action drop >/dev/null
	stop_netifd
	start_sink
	start_notified
	wait_for "grep -q READY=1 $TMP/notify.log"
	cat "$TMP/at_ready" "$TMP/notify.log" >&3
	# at the moment READY=1 arrived, netifd (frozen) was already listening and
	# held the maps of the re-adopted netif
	assert_equal "$(awk '/^pid/{print $2}' "$TMP/at_ready")" "$NETIFD_PID"
	assert_equal "$(awk '/^listening/{print $2}' "$TMP/at_ready")" 1
	[ "$(awk '/^maps/{print $2}' "$TMP/at_ready")" -ge 5 ]
	# once, from netifd itself, with a status line
	assert_equal "$(grep -c READY=1 "$TMP/notify.log")" 1
	run grep READY=1 "$TMP/notify.log"
	assert_output --regexp "^$NETIFD_PID READY=1 STATUS=listening on $SOCK, 1 netif\(s\) under $PIN_ROOT\$"
	# and what it adopted is the netif that was there, flows included
	assert_equal "$(nctl -j show dev veth0 | jq -r '.[0].uuid')" "$uuid"
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 1
}

@test "no READY=1 when netifd cannot start (pin root not on bpffs)" {
	start_sink
	mkdir -p "$TMP/notbpf"
	run ip netns exec "$NS_A" env NOTIFY_SOCKET="$TMP/notify.sock" \
		"$NETIFD" -f -S "$SOCK" -P "$TMP/notbpf/netif"
	assert_failure 1
	assert_output --partial "not on a bpf filesystem"
	run grep -c READY=1 "$TMP/notify.log"
	assert_output 0
}

@test "SIGHUP reloads: RELOADING=1 then READY=1, the agent keeps serving" {
	start_netifd
	nctl attach dev veth0 >/dev/null
	stop_netifd
	start_sink
	start_notified
	wait_for "grep -q READY=1 $TMP/notify.log"
	kill -HUP "$NETIFD_PID"
	wait_for "[ \"\$(grep -c READY=1 $TMP/notify.log)\" -eq 2 ]"
	cat "$TMP/notify.log" >&3
	local reloading ready2
	reloading=$(nth_line_of RELOADING=1)
	ready2=$(nth_line_of READY=1 2)
	[ -n "$reloading" ] && [ "$reloading" -lt "$ready2" ]
	run sed -n "${reloading}p" "$TMP/notify.log"
	assert_output --regexp "^$NETIFD_PID RELOADING=1 MONOTONIC_USEC=[0-9]+ STATUS=reloading\$"
	run grep -c 'reload: resynchronising 1 netif(s)' "$TMP/netifd.log"
	assert_output 1
	# a reload changes nothing, and netifd still answers and still runs
	kill -0 "$NETIFD_PID"
	assert_equal "$(nctl -j show | jq length)" 1
	# a second reload, and the stop
	kill -HUP "$NETIFD_PID"
	wait_for "[ \"\$(grep -c READY=1 $TMP/notify.log)\" -eq 3 ]"
	assert_equal "$(grep -c RELOADING=1 "$TMP/notify.log")" 2
	stop_netifd
	run grep -c "STOPPING=1" "$TMP/notify.log"
	assert_output 1
	# the dataplane stays for the next agent
	assert_file_exists "$PIN_ROOT/veth0/netif_cfg"
}

@test "the watchdog is patted at half the interval the manager asks for" {
	start_sink
	start_notified WATCHDOG_USEC=2000000
	wait_for "grep -q READY=1 $TMP/notify.log"
	sleep 3.5
	# every second at most (the loop's idle bound), every 1 s at least
	local n
	n=$(grep -c "WATCHDOG=1" "$TMP/notify.log")
	echo "$n watchdog notifications in 3.5 s" >&3
	[ "$n" -ge 2 ] && [ "$n" -le 5 ]
	# without WATCHDOG_USEC: none
	stop_netifd
	: >"$TMP/notify.log"
	start_notified
	wait_for "grep -q READY=1 $TMP/notify.log"
	sleep 1.5
	assert_equal "$(grep -c WATCHDOG=1 "$TMP/notify.log")" 0
}

# setpriv's list for the unit's CapabilityBoundingSet: -all,+bpf,+net_admin,...
unit_caps() {
	sed -n 's/^CapabilityBoundingSet=//p' "$UNIT_IN" | tr ' ' '\n' |
		sed 's/^CAP_//' | tr 'A-Z' 'a-z' | sed 's/^/+/' | paste -sd, | sed 's/^/-all,/'
}

# netifd as the unit runs it: that bounding set and no new privileges. (The
# unit's LimitMEMLOCK=infinity cannot be mirrored where the tests run without
# CAP_SYS_RESOURCE; the inherited limit is lower, so this is the harder case.)
start_confined() {
	ip netns exec "$NS_A" setpriv --bounding-set "$(unit_caps)" --no-new-privs \
		"$NETIFD" -f -v -S "$SOCK" -P "$PIN_ROOT" >>"$TMP/netifd.log" 2>&1 3>&- &
	NETIFD_PID=$!
	wait_for "ina $NETIFCTL -S $SOCK show" || { cat "$TMP/netifd.log" >&2; return 1; }
}

@test "the dataplane works with exactly the unit's capability bounding set" {
	echo "setpriv --bounding-set $(unit_caps)" >&3
	[ "$(unit_caps | tr ',' '\n' | wc -l)" -ge 6 ]
	start_confined
	# the confinement is real: netifd's effective set is the bounding set,
	# less than the test's own
	local want
	want=$(setpriv --bounding-set "$(unit_caps)" awk '/^CapEff/ {print $2}' /proc/self/status)
	assert_equal "$(awk '/^CapEff/ {print $2}' "/proc/$NETIFD_PID/status")" "$want"
	[ "$want" != "$(awk '/^CapEff/ {print $2}' /proc/self/status)" ]
	# attach (BPF load, XDP and TC attach, pins), a flow, the exception
	# path with a pcap filter and re-injection (AF_XDP, live frames)
	run nctl attach dev veth0
	assert_success
	nctl flow add dev veth0 tuple proto udp dport 9 action drop >/dev/null
	nctl filter add dev veth0 pcap "$TMP/cap.pcap" >/dev/null
	nctl set dev veth0 default-action exception
	run inb ping -c 3 -i 0.2 -W 2 $IP_A
	assert_success
	[ "$(stat_of veth0 exception)" -ge 3 ]
	[ "$(stat_of veth0 reinject_rx)" -ge 3 ]
	assert_equal "$(stat_of veth0 reinject_fail)" 0
	run tcpdump -nr "$TMP/cap.pcap" icmp
	[ "$(echo "$output" | grep -c 'echo request')" -ge 3 ]
	# egress shaping (HTB) and a restart that re-adopts, still confined
	run nctl flow add dev veth0 dir out tuple proto tcp sport 80 action pass shape 10mbit
	assert_success
	stop_netifd
	start_confined
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 2
	run inb ping -c 2 -i 0.2 -W 2 $IP_A
	assert_success
	run nctl detach dev veth0
	assert_success
	grep -i 'operation not permitted' "$TMP/netifd.log" && return 1
	return 0
}
