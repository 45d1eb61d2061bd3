#!/usr/bin/env bats
# What netifd makes of the kernel it runs on: the features it probed, as
# netifd --features and netifctl show (text and JSON) list them, and how it
# refuses what needs a feature the kernel lacks — EOPNOTSUPP naming the
# feature and the Linux release, nothing changed — while the rest works.
#
# The refusal tests run on every kernel: where the kernel has re-injection
# (6.1 and newer), netifd is started with --no-feature reinject, which loads
# the same program variant a 5.10 kernel gets; in the 5.10 guest of the
# kernel matrix (tests/kernels/) they meet the real absence.

load helpers

setup() {
	setup_topology
	# see exception.bats: a real wire delivers complete checksums
	inb ethtool -K veth1 tx off >/dev/null
}

teardown() {
	teardown_topology
}

# The features netifd --features reports as "yes", sorted, one line.
probed_features() {
	ina "$NETIFD" "$@" --features | awk '$2 == "yes" { print $1 }' | sort | xargs
}

# Start netifd without re-injection, whatever this kernel has, and attach.
start_without_reinject() {
	if ina "$NETIFD" --features | grep -q '^reinject  *yes'; then
		start_netifd --no-feature reinject
	else
		start_netifd
	fi
	nctl attach dev veth0 >/dev/null
	! has_feature reinject
}

# A refusal as netifd gives it: EOPNOTSUPP naming re-injection and its release.
assert_refused() {
	assert_failure
	assert_output --partial "Operation not supported"
	assert_output --partial "needs re-injection into the host stack (Linux 6.1 or newer)"
}

@test "features: netifd --features, netifctl show and show -j agree on this kernel" {
	start_netifd
	nctl attach dev veth0 >/dev/null
	local probed shown text
	probed=$(probed_features)
	shown=$(nctl -j show dev veth0 | jq -r '.[0].features | to_entries[] | select(.value) | .key' |
		sort | xargs)
	assert_equal "$shown" "$probed"
	# every feature netifd knows is in the JSON, true or false
	assert_equal "$(nctl -j show dev veth0 | jq '.[0].features | length')" \
		"$(ina "$NETIFD" --features | grep -c ' Linux ')"
	text=$(nctl show dev veth0 | grep '^    features ')
	for f in $probed; do
		[[ "$text" == *" $f"* ]]
	done
	if [ -z "$probed" ]; then
		[[ "$text" == "    features none"* ]]
	fi
	# what is missing is listed with the release it needs
	for f in $(ina "$NETIFD" --features | awk '$2 != "yes" && / Linux / { print $1 }'); do
		[[ "$text" == *"$f (Linux "* ]]
	done
	# the log says the same once, at start
	grep -q "features:" "$TMP/netifd.log"
}

@test "--no-feature switches a feature off; an unknown name is refused" {
	run ina "$NETIFD" --no-feature live-frames --features
	assert_success
	assert_line --regexp '^live-frames +(off|no) '
	assert_line --regexp '^reinject +(off|no) '
	run ina "$NETIFD" --no-feature warp-drive --features
	assert_failure 2
	assert_output --partial 'unknown feature "warp-drive"'
}

@test "without re-injection: filter add is EOPNOTSUPP naming the feature, and nothing changes" {
	start_without_reinject
	run nctl filter add dev veth0 pcap "$TMP/x.pcap"
	assert_refused
	run nctl filter add dev veth0 drop icmp
	assert_refused
	assert_equal "$(nfilters_of veth0)" 0
	assert_file_not_exists "$TMP/x.pcap"
	# no exception path was brought up, nothing is diverted
	run inb ping -c 2 -i 0.2 -W 2 $IP_A
	assert_success
	assert_equal "$(stat_of veth0 exception)" 0
	assert_equal "$(stat_of veth0 filter_rx)" 0
}

@test "without re-injection: an external filter is EOPNOTSUPP, and nothing changes" {
	start_without_reinject
	# a netifcat that got its filter would run on: bounded, so a regression fails
	run ina timeout 10 "$NETIFCAT" -S "$SOCK" dev veth0 filter audit drop icmp
	assert_refused
	assert_equal "$(nfilters_of veth0)" 0
	assert_equal "$(nctl -j port show dev veth0 | jq length)" 0
	run inb ping -c 2 -i 0.2 -W 2 $IP_A
	assert_success
}

@test "without re-injection: an ingress exception flow is EOPNOTSUPP; an egress one works" {
	start_without_reinject
	run nctl flow add dev veth0 tuple proto udp dport 7000 action exception
	assert_refused
	run nctl flow add dev veth0 dir in ethertype 0x88b5 action exception
	assert_refused
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 0
	assert_equal "$(nctl -j show dev veth0 | jq '.[0].flows')" 0
	# egress exceptions go up through the ring buffer (mirrored: no filter can have them)
	run nctl flow add dev veth0 dir out tuple proto udp dport 7001 action exception
	assert_success
	bg_in "$NS_B" timeout 120 python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind((sys.argv[1], 7001))
with open(sys.argv[2], "a") as f:
    while True:
        f.write(s.recv(4096).decode(errors="replace"))
        f.flush()
' "$IP_B" "$TMP/got"
	wait_for "inb ss -Hunl 'sport = :7001' | grep -q ."
	ina bash -c "for i in 1 2 3; do echo hello > /dev/udp/$IP_B/7001; done"
	wait_for '[ "$(grep -c hello "$TMP/got")" -eq 3 ]'
	[ "$(stat_of veth0 tx_exception)" -ge 3 ]
	# netifd folds its own counters into agent_stats on its tick
	wait_for '[ "$(stat_of veth0 egress_exc_rx)" -ge 3 ]'
	assert_equal "$(stat_of veth0 egress_mirrored)" "$(stat_of veth0 egress_exc_rx)"
}

@test "without re-injection: default-action exception is EOPNOTSUPP; pass and drop work" {
	start_without_reinject
	run nctl set dev veth0 default-action exception
	assert_refused
	assert_equal "$(nctl -j show dev veth0 | jq -r '.[0].default_action')" pass
	# a refused set changes none of its other settings either
	run nctl set dev veth0 input-rate 1gbit default-action exception
	assert_refused
	assert_equal "$(nctl -j show dev veth0 | jq '.[0].input_rate')" 0
	nctl set dev veth0 default-action drop
	run inb ping -c 2 -i 0.2 -W 1 $IP_A
	assert_failure
	nctl set dev veth0 default-action pass
	run inb ping -c 2 -i 0.2 -W 2 $IP_A
	assert_success
}

@test "without re-injection: port flows still deliver to a client, and the client can send" {
	start_without_reinject
	nctl flow add dev veth0 tuple proto udp dport 7000 action port 2 >/dev/null
	ip netns exec "$NS_A" "$NETIFCAT" -S "$SOCK" -c 3 -w "$TMP/port2.pcap" dev veth0 port 2 \
		>"$TMP/cat.log" 2>&1 3>&- &
	local pid=$!
	wait_for '[ "$(nctl -j port show dev veth0 | jq length)" = 1 ]'
	inb bash -c "for i in 1 2 3; do echo x > /dev/udp/$IP_A/7000; done"
	wait "$pid"
	run tcpdump -nr "$TMP/port2.pcap"
	assert_equal "$(echo "$output" | grep -c "> $IP_A.7000: ")" 3
	wait_for '[ "$(stat_of veth0 chan_rx)" -eq 3 ]'
	# nothing was queued for the host stack, nothing failed for want of it
	assert_equal "$(stat_of veth0 reinject_fail)" 0
}

@test "a netif loaded without re-injection is refused it after a restart, until attached again" {
	ina "$NETIFD" --features | grep -q '^reinject  *yes' ||
		skip "this kernel has no re-injection to switch off"
	start_netifd --no-feature reinject
	nctl attach dev veth0 >/dev/null
	stop_netifd
	# this netifd could re-inject, but the netif it adopts was loaded without
	start_netifd
	! has_feature reinject
	run nctl filter add dev veth0 count
	assert_failure
	assert_output --partial "Operation not supported"
	assert_output --partial "loaded without"
	assert_equal "$(nfilters_of veth0)" 0
	nctl detach dev veth0
	nctl attach dev veth0 >/dev/null
	has_feature reinject
	run nctl filter add dev veth0 count
	assert_success
	run inb ping -c 2 -i 0.2 -W 2 $IP_A
	assert_success
	wait_for '[ "$(stat_of veth0 reinject_rx)" -ge 2 ]'
}

@test "without kern-ctx: netifd finishes the checksums of egress copies of local TCP and UDP" {
	# netifd sends copies on (not mirrored) only behind a filter that may drop them
	ina "$NETIFD" --features | grep -q '^reinject  *yes' ||
		skip "no filters on this kernel: egress copies are mirrored, netifd sends none"
	# the variant kernels before 6.2 get; where the kfunc exists, also the other one
	local args=("--no-feature kern-ctx") a
	if ina "$NETIFD" --features | grep -q '^kern-ctx  *yes'; then
		args+=("")
	fi
	for a in "${args[@]}"; do
		# shellcheck disable=SC2086
		start_netifd $a
		nctl attach dev veth0 >/dev/null
		if [ -n "$a" ]; then ! has_feature kern-ctx; else has_feature kern-ctx; fi
		nctl filter add dev veth0 dir tx drop 'udp port 9' >/dev/null
		# A's veth has TX checksum offload: its TCP and UDP leave CHECKSUM_PARTIAL.
		# (One segment of TCP: bulk data through egress exceptions is another matter.)
		nctl flow add dev veth0 dir out tuple proto udp dport 7001 action exception >/dev/null
		nctl flow add dev veth0 dir out tuple proto tcp dport 7002 action exception >/dev/null
		: >"$TMP/got"
		bg_in "$NS_B" timeout 120 python3 -c '
import socket, sys
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind((sys.argv[1], 7001))
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind((sys.argv[1], 7002))
t.listen(1)
with open(sys.argv[2], "a") as f:
    f.write(u.recv(100).decode() + "\n")
    f.flush()
    c, _ = t.accept()
    data = b""
    while len(data) < 1000:
        d = c.recv(65536)
        if not d:
            break
        data += d
    f.write("tcp %d\n" % len(data))
' "$IP_B" "$TMP/got"
		wait_for "inb ss -Htln 'sport = :7002' | grep -q ."
		ina bash -c "echo udp-ok > /dev/udp/$IP_B/7001"
		wait_for 'grep -q udp-ok "$TMP/got"'
		ina python3 -c '
import socket, sys
s = socket.create_connection((sys.argv[1], 7002), timeout=30)
s.sendall(b"x" * 1000)
s.close()
' "$IP_B"
		wait_for 'grep -q "tcp 1000" "$TMP/got"'
		# the datagram, the handshake, the data and the close went through netifd
		wait_for '[ "$(stat_of veth0 egress_exc_rx)" -ge 5 ]'
		wait_for '[ "$(stat_of veth0 exc_tx)" -ge 5 ]'
		# B's stack saw no bad checksum: every copy left finished
		assert_equal "$(inb nstat -az UdpInCsumErrors TcpInCsumErrors | awk 'NR > 1 { s += $2 } END { print s + 0 }')" 0
		nctl detach dev veth0
		stop_netifd
	done
}

nfilters_of() { nctl -j filter show dev "$1" | jq length; }
