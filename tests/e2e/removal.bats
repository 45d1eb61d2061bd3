#!/usr/bin/env bats
# The device disappears while traffic flows, a client is bound to a port
# and an external filter is in the chain: netifd survives, both clients are
# told (EVENT detach), the pins go, and a hundred such cycles leave netifd
# with the descriptors and the memory it had.

load helpers

# every incarnation of veth0 gets the same address
MAC_FIXED=02:00:00:77:00:01

setup() {
	setup_topology
	ip -n "$NS_A" link set veth0 address $MAC_FIXED
	MAC_A=$MAC_FIXED
	start_netifd
}

teardown() {
	teardown_topology
}

# Re-create the veth pair after a deletion (the same names and addresses).
new_pair() {
	ip link add veth0 netns "$NS_A" address $MAC_FIXED type veth peer veth1 netns "$NS_B"
	ip -n "$NS_A" addr add $IP_A/24 dev veth0
	ip -n "$NS_B" addr add $IP_B/24 dev veth1
	ip -n "$NS_A" link set veth0 up
	ip -n "$NS_B" link set veth1 up
}

# netifctl without "ip netns exec" (the socket is a path): a cycle is
# mostly the programs' verification, nothing else should add to it
fctl() { "$NETIFCTL" -S "$SOCK" "$@"; }

# Poll (20 ms) for up to 10 s: until COND...
until_ok() {
	local i
	for i in $(seq 500); do
		eval "$1" >/dev/null 2>&1 && return 0
		sleep 0.02
	done
	echo "timed out waiting for: $1" >&2
	return 1
}

# Attach, a port flow with a client, an external filter, traffic, then
# delete the device under it; the clients must be told and go.
#   cycle TAG FRAMES
cycle() {
	local tag=$1 frames=$2 port_pid filt_pid
	fctl attach dev veth0 max-flows 64 rx-slots 64 tx-slots 64 >/dev/null
	fctl flow add dev veth0 tuple proto udp dport 7000 action port 2 >/dev/null
	"$NETIFCAT" -S "$SOCK" -q dev veth0 port 2 >"$TMP/port.$tag" 2>&1 3>&- &
	port_pid=$!
	"$NETIFCAT" -S "$SOCK" -q dev veth0 filter audit drop 'udp port 9' >"$TMP/filter.$tag" 2>&1 3>&- &
	filt_pid=$!
	# 100 kpps into the port flow, still running when the device goes
	livegen_bg 10 7000 100000 "$frames"
	# frames reach the client, through the external filter (the chain comes first)
	until_ok '[ "$(fctl -s -j port show dev veth0 | jq ".[0].rx_packets // 0")" -gt 0 ]'
	ip -n "$NS_A" link del veth0
	wait "$port_pid"
	wait "$filt_pid"
	stop_gen
	grep -q "netifcat: detached" "$TMP/port.$tag"
	grep -q "netifcat: detached" "$TMP/filter.$tag"
	kill -0 "$NETIFD_PID"
	until_ok '[ ! -e "$PIN_ROOT/veth0" ]'
}

fds() { ls "/proc/$NETIFD_PID/fd" | wc -l; }
rss_kb() { awk '/^VmRSS/ { print $2 }' "/proc/$NETIFD_PID/status"; }

@test "device removed under traffic with a client and a filter connected: clients told, pins gone, netifd serves on" {
	cycle one 1000000
	run nctl show
	assert_success
	refute_output --partial veth0
	# the agent still serves, and the device can come back and be attached again
	new_pair
	run nctl attach dev veth0
	assert_success
	assert [ -e "$PIN_ROOT/veth0/xdp_link" ]
}

@test "100 cycles of attach, client and filter, traffic, device removal: no descriptor or memory leak" {
	local i fd0 rss0 fd1 rss1 t0
	# settle the allocator and libbpf's caches first
	for i in 1 2 3; do
		cycle warm$i 50000
		new_pair
	done
	fd0=$(fds)
	rss0=$(rss_kb)
	t0=$SECONDS
	for i in $(seq 100); do
		cycle c 50000
		new_pair
	done
	fd1=$(fds)
	rss1=$(rss_kb)
	echo "# 100 cycles in $((SECONDS - t0)) s: fds $fd0 -> $fd1, VmRSS $rss0 -> $rss1 kB" >&3
	assert_equal "$fd1" "$fd0"
	# a leak of 10 kB a cycle would show as 1 MB
	[ "$rss1" -le $((rss0 + 1024)) ]
	[ "$(nctl -j show | jq length)" -eq 0 ]
}
