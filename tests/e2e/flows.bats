#!/usr/bin/env bats
# Flow tables on real traffic: 5-tuple, IPv6 address pair, ethertype, most
# specific wins, MAC validation, malformed frames, redirect, the errors of
# flow add/del, and inspection with bpftool.

load helpers

setup() {
	setup_topology
	start_netifd
	nctl attach dev veth0 >/dev/null
}

teardown() {
	teardown_topology
}

# trafgen config bytes of a MAC address ("02:00:..." -> "0x02, 0x00, ...")
mac_bytes() { echo "$1" | sed 's/^/0x/; s/:/, 0x/g'; }

# Send COUNT raw frames from NS_B's veth1: send_raw COUNT "trafgen body"
send_raw() {
	echo "{ $2 }" >"$TMP/frame.trafgen"
	inb trafgen --dev veth1 --conf "$TMP/frame.trafgen" -n "$1" -q >/dev/null 2>&1
}

udp_to() { inb bash -c "echo x > /dev/udp/$1/$2"; }

@test "tuple udp dport: matching datagrams are dropped and counted, others pass" {
	run nctl flow add dev veth0 tuple proto udp dport 9000 action drop
	assert_success
	local u=${output#uuid }
	local i
	for i in 1 2 3 4 5; do udp_to $IP_A 9000; done
	for i in 1 2; do udp_to $IP_A 9001; done
	assert_equal "$(flow_field veth0 "$u" packets)" 5
	[ "$(stat_of veth0 drop_policy)" -eq 5 ]
	run inb ping -c 1 -W 2 $IP_A
	assert_success
}

@test "tuple icmp and tcp: ping and a TCP connection are cut" {
	run nctl flow add dev veth0 tuple proto icmp action drop
	assert_success
	run inb ping -c 2 -i 0.2 -W 1 $IP_A
	assert_failure
	run nctl flow add dev veth0 tuple proto tcp dport 5201 action drop
	assert_success
	bg_in "$NS_A" iperf3 -s -1
	sleep 0.3
	run inb timeout 5 iperf3 -c $IP_A -t 1 --connect-timeout 1000
	assert_failure
}

@test "tuple with addresses and ports: only the exact 5-tuple matches" {
	run nctl flow add dev veth0 tuple proto udp src $IP_B dst $IP_A dport 7000 action drop
	assert_success
	local u=${output#uuid }
	udp_to $IP_A 7000
	udp_to $IP_A 7001
	assert_equal "$(flow_field veth0 "$u" packets)" 1
}

@test "IPv6: icmpv6 tuple and ula pair flows" {
	run inb ping -6 -c 1 -W 2 $IP6_A
	assert_success
	run nctl flow add dev veth0 ula local $IP6_A remote $IP6_B action drop
	assert_success
	local ula=${output#uuid }
	run inb ping -6 -c 2 -i 0.2 -W 1 $IP6_A
	assert_failure
	[ "$(flow_field veth0 "$ula" packets)" -ge 2 ]
	# most specific wins: a tuple for the same traffic overrides the pair
	run nctl flow add dev veth0 tuple proto icmpv6 dst $IP6_A action pass
	assert_success
	local tup=${output#uuid }
	run inb ping -6 -c 2 -i 0.2 -W 2 $IP6_A
	assert_success
	[ "$(flow_field veth0 "$tup" packets)" -ge 2 ]
}

@test "ethertype flow on a custom ethertype; reserved ethertypes are refused" {
	run nctl flow add dev veth0 ethertype 0x88b5 action drop
	assert_success
	local u=${output#uuid }
	send_raw 7 "$(mac_bytes $MAC_A), $(mac_bytes $MAC_B), c16(0x88b5), fill(0xab, 46)"
	wait_for '[ "$(flow_field veth0 '"$u"' packets)" = 7 ]'
	local t
	for t in 0x0800 0x86dd 0x0806 0x8035 0x8100 0x88a8 0x888e 0x88c7 0x809a 1500; do
		run nctl flow add dev veth0 ethertype $t action drop
		assert_failure
		assert_output --partial "Invalid argument"
		assert_output --partial "cannot be claimed"
	done
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 1
}

@test "MAC validation: a frame for another host is not delivered to its flow" {
	run nctl flow add dev veth0 ethertype 0x88b5 action drop
	assert_success
	local u=${output#uuid }
	send_raw 3 "0x02, 0x99, 0x99, 0x99, 0x99, 0x99, $(mac_bytes $MAC_B), c16(0x88b5), fill(0xab, 46)"
	wait_for '[ "$(stat_of veth0 bad_maddr)" = 3 ]'
	assert_equal "$(flow_field veth0 "$u" packets)" 0
	# broadcast is a group address: accepted on a normal netif
	send_raw 2 "0xff, 0xff, 0xff, 0xff, 0xff, 0xff, $(mac_bytes $MAC_B), c16(0x88b5), fill(0xab, 46)"
	wait_for '[ "$(flow_field veth0 '"$u"' packets)" = 2 ]'
}

@test "malformed frames are counted and handed to the host stack" {
	# IPv4 header claiming 15 words of header in a 34-byte frame
	send_raw 4 "$(mac_bytes $MAC_A), $(mac_bytes $MAC_B), c16(0x0800), 0x4f, fill(0x00, 19)"
	wait_for '[ "$(stat_of veth0 rx_malformed)" = 4 ]'
	[ "$(stat_of veth0 pass)" -ge 4 ]
	run inb ping -c 1 -W 2 $IP_A
	assert_success
}

@test "redirect dev: frames leave through another interface" {
	# veth2 (NS_A) -- veth3 (NS_B): a redirect target whose peer runs XDP
	ip link add veth2 netns "$NS_A" type veth peer veth3 netns "$NS_B"
	ina ip link set veth2 up
	inb ip link set veth3 up
	inb bpftool prog load "$BUILD/tests/bench/xdp_pass.bpf.o" "$TMP/bpffs/pass3"
	inb bpftool net attach xdpdrv pinned "$TMP/bpffs/pass3" dev veth3
	run nctl flow add dev veth0 tuple proto udp dport 6000 action redirect dev veth2
	assert_success
	local u=${output#uuid }
	local before
	before=$(inb cat /sys/class/net/veth3/statistics/rx_packets)
	local i
	for i in 1 2 3; do udp_to $IP_A 6000; done
	assert_equal "$(flow_field veth0 "$u" packets)" 3
	assert_equal "$(stat_of veth0 redirect)" 3
	wait_for '[ $(( $(inb cat /sys/class/net/veth3/statistics/rx_packets) - '"$before"' )) -ge 3 ]'
	run nctl flow add dev veth0 tuple proto udp dport 6001 action redirect dev nosuch9
	assert_failure
	assert_output --partial "No such device"
}

@test "flow errors: EEXIST, ENOENT, null uuid, ENOSPC — and nothing changes" {
	run nctl flow add dev veth0 tuple proto udp dport 53 action drop uuid 11111111-1111-1111-1111-111111111111
	assert_success
	run nctl flow add dev veth0 tuple proto udp dport 53 action pass
	assert_failure
	assert_output --partial "File exists"
	assert_output --partial "same descriptor"
	run nctl flow add dev veth0 tuple proto udp dport 54 action drop uuid 11111111-1111-1111-1111-111111111111
	assert_failure
	assert_output --partial "File exists"
	run nctl flow del dev veth0 uuid 22222222-2222-2222-2222-222222222222
	assert_failure
	assert_output --partial "No such file or directory"
	run nctl flow del dev veth0 uuid 00000000-0000-0000-0000-000000000000
	assert_failure
	assert_output --partial "Invalid argument"
	run nctl flow add dev veth0 tuple proto udp dport 55 action drop uuid 00000000-0000-0000-0000-000000000000
	assert_failure
	assert_output --partial "Invalid argument"
	run nctl flow add dev veth9 tuple proto udp dport 55 action drop
	assert_failure
	assert_output --partial "No such device or address"
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 1
	# a small table fills up
	nctl detach dev veth0
	nctl attach dev veth0 max-flows 2 >/dev/null
	nctl flow add dev veth0 tuple proto udp dport 1 action drop >/dev/null
	nctl flow add dev veth0 tuple proto udp dport 2 action drop >/dev/null
	run nctl flow add dev veth0 tuple proto udp dport 3 action drop
	assert_failure
	assert_output --partial "No space left on device"
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 2
}

@test "flow del removes the classification" {
	run nctl flow add dev veth0 tuple proto icmp action drop
	assert_success
	local u=${output#uuid }
	run inb ping -c 1 -W 1 $IP_A
	assert_failure
	run nctl flow del dev veth0 uuid "$u"
	assert_success
	run inb ping -c 1 -W 2 $IP_A
	assert_success
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 0
}

@test "bpftool shows the pinned maps with named fields" {
	run nctl flow add dev veth0 tuple proto udp dport 9000 action drop
	assert_success
	run ina bpftool map dump pinned "$PIN_ROOT/veth0/flows_tuple4"
	assert_success
	assert_output --partial '"dport":'
	assert_output --partial '"flow_id":'
	run ina bpftool map dump pinned "$PIN_ROOT/veth0/netif_stats"
	assert_success
	assert_output --partial '"rx_packets":'
	assert_output --partial '"bad_maddr":'
	run ina bpftool link show pinned "$PIN_ROOT/veth0/xdp_link"
	assert_success
	assert_output --partial xdp
}
