#!/usr/bin/env bats
# Logical links and queue sets: XNU's validation and errors, VLAN selection
# of the llink on real frames, flows scoped to an llink, the unknown-VLAN
# policy, per-qset policing, and TX queue steering by qset and WMM service
# class on a multi-queue veth pair.

load helpers

setup() {
	setup_topology numtxqueues 4 numrxqueues 4
	start_netifd
	nctl attach dev veth0 >/dev/null
}

teardown() {
	teardown_topology
}

mac_bytes() { echo "$1" | sed 's/^/0x/; s/:/, 0x/g'; }

# Send COUNT frames with an 802.1Q tag (VID, or none when VID is "-") and the
# experimental ethertype 0x88b5 from NS_B to veth0, PAYLOAD bytes (46):
#   send_tagged VID COUNT [PAYLOAD]
send_tagged() {
	local vid=$1 n=$2 len=${3:-46} tag=""
	[ "$vid" != - ] && tag="0x81, 0x00, c16($vid),"
	echo "{ $(mac_bytes "$MAC_A"), $(mac_bytes "$MAC_B"), $tag 0x88, 0xb5, fill(0x42, $len) }" \
		>"$TMP/tagged.trafgen"
	inb trafgen --dev veth1 --conf "$TMP/tagged.trafgen" -n "$n" -q >/dev/null 2>&1
}

# (-s: with the llink's and its qsets' counters)
llink_field() { nctl -s -j llink show dev veth0 | jq -r ".[] | select(.id == $1) | .$2"; }
nllinks() { nctl -j llink show dev veth0 | jq length; }

@test "the default llink exists from attach with one default qset over all queues" {
	run nctl -j llink show dev veth0
	assert_success
	assert_equal "$(echo "$output" | jq '.[0].id')" 0
	assert_equal "$(echo "$output" | jq -r '.[0].flags[0]')" default
	assert_equal "$(echo "$output" | jq '.[0].version')" 1
	assert_equal "$(echo "$output" | jq '.[0].qsets | length')" 1
	assert_equal "$(echo "$output" | jq '.[0].qsets[0].tx_queues')" 4
	# the qset id carries the llink's internal id in its upper half
	local iid qid
	iid=$(echo "$output" | jq -r '.[0].internal_id')
	qid=$(echo "$output" | jq -r '.[0].qsets[0].id')
	assert_equal "$qid" "$(printf '0x%04x0000' "$iid")"
}

@test "llink add/show/del with two qsets; internal ids are unique and non-zero" {
	run nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1 qset wmm rx 1 tx 4
	assert_success
	run nctl llink add dev veth0 id 8 vlan 200 qset default low-latency rx 2 tx 2 rx-base 2 tx-base 2
	assert_success
	assert_equal "$(nllinks)" 3
	assert_equal "$(llink_field 7 vlan)" 100
	assert_equal "$(llink_field 7 state)" init
	assert_equal "$(llink_field 7 'qsets | length')" 2
	assert_equal "$(llink_field 7 'qsets[1].flags[0]')" wmm
	assert_equal "$(llink_field 8 'qsets[0].rx_base')" 2
	local ids
	ids=$(nctl -j llink show dev veth0 | jq -r '.[].internal_id' | sort -u | grep -vc '^0x0000$')
	assert_equal "$ids" 3
	run nctl llink show dev veth0
	assert_output --partial "llink 7"
	assert_output --partial "vlan 100"
	[ "$(stat_of veth0 llink_add)" -ge 2 ]
	run nctl llink del dev veth0 id 7
	assert_success
	assert_equal "$(nllinks)" 2
	[ "$(stat_of veth0 llink_remove)" -ge 1 ]
}

@test "llink validation: XNU's errors, counted, and nothing changes" {
	nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1
	local before
	before=$(nctl -j llink show dev veth0 | jq -c '[.[] | {id, vlan, qsets: [.qsets[].id]}]')
	# duplicate link id
	run nctl llink add dev veth0 id 7 vlan 101 qset default rx 1 tx 1
	assert_failure
	assert_output --partial "Invalid argument"
	[ "$(stat_of veth0 llink_dup_id)" -ge 1 ]
	# link id 0 is the default llink
	run nctl llink add dev veth0 id 0 vlan 102 qset default rx 1 tx 1
	assert_failure
	assert_output --partial "Invalid argument"
	# vlan taken by another llink
	run nctl llink add dev veth0 id 9 vlan 100 qset default rx 1 tx 1
	assert_failure
	# no default qset, two default qsets
	run nctl llink add dev veth0 id 9 vlan 103 qset rx 1 tx 1
	assert_failure
	assert_output --partial "exactly one default qset"
	run nctl llink add dev veth0 id 9 vlan 103 qset default rx 1 tx 1 qset default rx 1 tx 1
	assert_failure
	assert_output --partial "more than one default qset"
	# default qset without rx queues, a qset without tx queues
	run nctl llink add dev veth0 id 9 vlan 103 qset default rx 0 tx 1
	assert_failure
	assert_output --partial "at least one rx queue"
	run nctl llink add dev veth0 id 9 vlan 103 qset default rx 1 tx 1 qset rx 1 tx 0
	assert_failure
	assert_output --partial "at least one tx queue"
	# WMM needs exactly four tx queues
	run nctl llink add dev veth0 id 9 vlan 103 qset default wmm rx 1 tx 3
	assert_failure
	assert_output --partial "exactly 4 tx queues"
	# bounds
	run nctl llink add dev veth0 id 9 vlan 4095 qset default rx 1 tx 1
	assert_failure
	assert_output --partial "out of range"
	run nctl llink add dev veth0 id 9 vlan 103 qset default rx 1 tx 2 tx-base 3
	assert_failure
	assert_output --partial "exceed the device"
	run nctl llink add dev veth0 id 9 vlan 103
	assert_failure
	[ "$(stat_of veth0 llink_add_bad_params)" -ge 5 ]
	# removal: unknown is ENOENT, the default llink is EINVAL
	run nctl llink del dev veth0 id 4242
	assert_failure
	assert_output --partial "No such file or directory"
	[ "$(stat_of veth0 llink_remove_unknown)" -ge 1 ]
	run nctl llink del dev veth0 id 0
	assert_failure
	assert_output --partial "default llink cannot be removed"
	assert_equal "$(nctl -j llink show dev veth0 | jq -c '[.[] | {id, vlan, qsets: [.qsets[].id]}]')" "$before"
	# not attached
	run nctl llink add dev lo id 9 qset default rx 1 tx 1
	assert_failure
}

@test "ingress: the VLAN selects the llink; untagged and VID 0 go to the default llink" {
	nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1
	nctl llink add dev veth0 id 8 vlan 200 qset default rx 1 tx 1
	send_tagged 100 5
	send_tagged 200 3
	send_tagged - 4
	send_tagged 0 2
	wait_for '[ "$(llink_field 7 rx_packets)" -eq 5 ]'
	assert_equal "$(llink_field 8 rx_packets)" 3
	[ "$(llink_field 0 rx_packets)" -ge 6 ]
	assert_equal "$(llink_field 7 'qsets[0].rx_packets')" 5
	[ "$(stat_of veth0 rx_vlan)" -ge 8 ]
}

@test "flows scoped to an llink match only that llink's traffic; its llink cannot go first" {
	nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1
	run nctl flow add dev veth0 llink 7 ethertype 0x88b5 action drop
	assert_success
	local u=${output#uuid }
	send_tagged 100 4
	send_tagged - 3
	wait_for '[ "$(flow_field veth0 "$u" packets)" -eq 4 ]'
	run nctl flow add dev veth0 llink 99 ethertype 0x88b5 action drop
	assert_failure
	assert_output --partial "No such file or directory"
	run nctl llink del dev veth0 id 7
	assert_failure
	assert_output --partial "delete them first"
	nctl flow del dev veth0 uuid "$u"
	run nctl llink del dev veth0 id 7
	assert_success
}

@test "unknown VLAN policy: default llink, pass, or drop — counted" {
	nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1
	local d0
	d0=$(llink_field 0 rx_packets)
	send_tagged 300 3
	wait_for '[ "$(stat_of veth0 llink_unknown_vlan)" -eq 3 ]'
	[ "$(llink_field 0 rx_packets)" -ge $((d0 + 3)) ]
	nctl set dev veth0 unknown-vlan drop
	local drops
	drops=$(stat_of veth0 drop)
	send_tagged 300 2
	wait_for '[ "$(stat_of veth0 llink_unknown_vlan)" -eq 5 ]'
	[ "$(stat_of veth0 drop)" -ge $((drops + 2)) ]
	nctl set dev veth0 unknown-vlan pass
	send_tagged 300 1
	wait_for '[ "$(stat_of veth0 llink_unknown_vlan)" -eq 6 ]'
	run nctl set dev veth0 unknown-vlan sideways
	assert_failure
	assert_output --partial "unknown-vlan must be default, pass or drop"
	assert_equal "$(nctl -j show dev veth0 | jq -r '.[0].unknown_vlan')" pass
}

@test "per-qset ingress police: a slow qset drops its excess and counts it" {
	nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1 rate 64kbit burst 2kb
	# 40 frames of 1 KB against a 2 KB bucket refilling at 8 KB/s
	send_tagged 100 40 1000
	wait_for '[ "$(llink_field 7 rx_packets)" -ge 1 ]'
	[ "$(llink_field 7 'qsets[0].drops')" -gt 20 ]
	[ "$(stat_of veth0 drop_rate_limited)" -gt 20 ]
	# untagged traffic is not limited
	run inb ping -c 3 -i 0.2 -W 2 $IP_A
	assert_success
}

# TX queue of the last packets: per-queue counters of an mq root's children
txq_packets() {
	ina tc -s -j qdisc show dev veth0 |
		jq -r ".[] | select(.parent == \"1:$(($1 + 1))\") | .packets"
}

# Ping B from A with a TOS byte and print the TX queue that carried the
# echo requests. Ten of them, so that what else leaves meanwhile (an ARP
# request, IPv6 neighbour discovery and MLD reports: a few frames, best
# effort) cannot look like a queue the pings used.
queue_of_tos() {
	local tos=$1 q before=() after
	for q in 0 1 2 3; do before[q]=$(txq_packets $q); done
	ina ping -c 10 -i 0.05 -W 1 -Q "$tos" $IP_B >/dev/null
	for q in 0 1 2 3; do
		after=$(txq_packets $q)
		[ "$after" -ge $((before[q] + 10)) ] && echo $q
	done
}

@test "WMM qset: packets leave on the TX queue of their service class (VO, VI, BE, BK)" {
	ina tc qdisc replace dev veth0 root handle 1: mq
	# XPS would choose the queue itself; TC's choice must win
	local f
	for f in 0 1 2 3; do
		ina sh -c "echo 0 > /sys/class/net/veth0/queues/tx-$f/xps_cpus"
	done
	nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1 qset wmm rx 1 tx 4
	local q
	q=$(llink_field 7 'qsets[1].id')
	run nctl flow add dev veth0 dir out tuple proto icmp dst $IP_B action pass qset-hint "$q"
	assert_success
	assert_equal "$(queue_of_tos 0xb8)" 0 # EF: voice
	assert_equal "$(queue_of_tos 0xa0)" 1 # CS5: video
	assert_equal "$(queue_of_tos 0x00)" 2 # best effort
	assert_equal "$(queue_of_tos 0x20)" 3 # CS1: background
	[ "$(stat_of veth0 nondef_qset_used)" -ge 40 ]
	[ "$(llink_field 7 'qsets[1].tx_packets')" -ge 40 ]
	[ "$(stat_of veth0 tx_queue_mapped)" -ge 40 ]
}

@test "qset hints: an unknown qset is refused; a stale one falls back to the default qset, counted" {
	run nctl flow add dev veth0 dir out tuple proto icmp dst $IP_B action pass qset-hint 0x12340001
	assert_failure
	assert_output --partial "no qset"
	nctl llink add dev veth0 id 7 vlan 100 qset default rx 1 tx 1 qset rx 1 tx 1 tx-base 2
	local q
	q=$(llink_field 7 'qsets[1].id')
	nctl flow add dev veth0 dir out tuple proto icmp dst $IP_B action pass qset-hint "$q" >/dev/null
	run ina ping -c 2 -i 0.2 -W 2 $IP_B
	assert_success
	[ "$(stat_of veth0 nondef_qset_used)" -ge 2 ]
	nctl llink del dev veth0 id 7
	local def
	def=$(stat_of veth0 def_qset_used)
	run ina ping -c 2 -i 0.2 -W 2 $IP_B
	assert_success
	[ "$(stat_of veth0 qset_hint_not_useful)" -ge 2 ]
	[ "$(stat_of veth0 def_qset_used)" -ge $((def + 2)) ]
}
