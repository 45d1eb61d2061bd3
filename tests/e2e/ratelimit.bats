#!/usr/bin/env bats
# Token-bucket policing (XDP ingress, TC egress), HTB shaping, egress flows,
# and leaving the device's tc and link state as found. Accuracy is judged
# by the dataplane's own counters (bucket, flow, HTB class) over measured
# windows with the offered load verified, so a busy machine cannot fail it;
# iperf3's end-to-end view is `make bench` (tests/bench/accuracy.sh).

load helpers

setup() {
	setup_topology
	start_netifd
	nctl attach dev veth0 >/dev/null
}

teardown() {
	teardown_topology
}

# Police ingress at R Mbit/s. Frames of FRAME bytes are offered at three
# times the rate by the live-frames generator; over the window what the
# bucket admitted (frames seen at the hook less its rate-limit drops) must
# be the rate over the window, less the credit the bucket put aside (read
# from the bucket at both edges), within 2% and a few frames. The bucket
# is 500 ms deep: on a busy machine the hook itself can pause (ksoftirqd
# starved), and a pause longer than the depth is lost to any bucket —
# such a run is not judged and runs again.
# End-to-end TCP/UDP accuracy with iperf3 is a benchmark
# (tests/bench/accuracy.sh), not a test: it measures the receiver too.

burst_of() { # bytes: 500 ms of R Mbit/s, at least three frames
	local b=$(($1 * 1000000 / 8 / 2))
	[ "$b" -lt $((3 * FRAME)) ] && b=$((3 * FRAME))
	echo "$b"
}
depth_s() { awk -v b="$(burst_of "$1")" -v r="$1" 'BEGIN { print b * 8 / (r * 1e6) }'; }

# police_window RATE_MBIT SECS DPORT SEEN_SPEC DROPPED_SPEC BUCKET (input | flow:ID)
police_window() {
	local r=$1 secs=$2 port=$3 pps seen drop dc t gap rc
	pps=$((r * 3000000 / (FRAME * 8)))
	[ "$pps" -lt 500 ] && pps=500
	livegen_bg $((secs + 8)) "$port" "$pps"
	sleep 0.5
	read -r seen drop dc t gap < <(window "$secs" "$4" "$5" "credit:$6")
	stop_gen
	rate_judge $((r * 1000000)) $(((seen - drop) * FRAME * 8)) $((seen * FRAME * 8)) \
		"$t" 2 $((4 * FRAME * 8)) "$gap" "$(depth_s "$r")" "$dc" >&3 && rc=0 || rc=$?
	[ "$drop" -gt 0 ] || [ "$rc" -eq 2 ] || rc=1
	return "$rc"
}

police_at() {
	local r=$1 secs=4
	nctl set dev veth0 input-rate ${r}mbit burst "$(burst_of "$r")"
	judged police_window "$r" "$secs" 9 stats:rx_packets stats:drop_rate_limited input
}

# Shape egress of veth0 at R Mbit/s (HTB). The host floods UDP (GSO
# batches of up to 2 ms of rate); what left the device (its tx_bytes, all
# through the shaper's class) over the window must be the rate within 3%
# plus the class's burst, with what reached the egress hook (netif's
# tx_bytes) at least 1.2x the rate.
# shape_window RATE_MBIT SECS PORT
shape_window() {
	local r=$1 secs=$2 port=$3 segs sent tx t gap
	segs=$((r * 1000000 / 500 / 8 / FRAME))
	[ "$segs" -lt 1 ] && segs=1
	[ "$segs" -gt 40 ] && segs=40
	udp_flood_bg "$NS_A" $IP_B "$port" $((secs + 8)) "$segs"
	sleep 0.5
	# offered: what reached the egress hook; sent: what the device sent, i.e. what the shaper let go
	read -r sent tx t gap < <(window "$secs" file:/sys/class/net/veth0/statistics/tx_bytes stats:tx_bytes)
	stop_gen
	# The class may send its burst (1 ms or two frames) and one GSO batch
	# beyond the rate. Its queue (1000 packets) outlasts a pause of the
	# sender, and the class makes up for short pauses of its own output
	# (measured: within 0.2% with 100 ms pauses); one over 0.5 s is not judged.
	# The device counts a GSO packet as one skb (headers once); the shaper
	# and the wire count every segment's: SEGS x FRAME for 42 + SEGS x 1400.
	rate_judge $((r * 1000000)) $((sent * 8 * segs * FRAME / (42 + segs * 1400))) $((tx * 8)) "$t" 3 \
		$(((segs + 2) * FRAME * 8 + r * 1000)) "$gap" 0.5 >&3
}

tc_rate() { # the rate as tc prints it
	if [ "$1" -ge 1000 ]; then echo "$(($1 / 1000))Gbit"; else echo "${1}Mbit"; fi
}

shape_at() {
	local r=$1 secs=3
	nctl set dev veth0 shape ${r}mbit
	run ina tc class show dev veth0
	assert_output --partial "rate $(tc_rate "$r")"
	judged shape_window "$r" "$secs" 9
}

@test "ingress police 1 Mbit/s: admitted = rate x window within 2% (bucket counters and credit)" { police_at 1; }
@test "ingress police 10 Mbit/s: admitted = rate x window within 2% (bucket counters and credit)" { police_at 10; }
@test "ingress police 100 Mbit/s: admitted = rate x window within 2% (bucket counters and credit)" { police_at 100; }
@test "ingress police 1 Gbit/s: admitted = rate x window within 2% (bucket counters and credit)" { police_at 1000; }
@test "egress shape 1 Mbit/s: sent within 3% (device counters)" { shape_at 1; }
@test "egress shape 10 Mbit/s: sent within 3% (device counters)" { shape_at 10; }
@test "egress shape 100 Mbit/s: sent within 3% (device counters)" { shape_at 100; }
@test "egress shape 1 Gbit/s: sent within 3% (device counters)" { shape_at 1000; }

@test "per-flow rate: only the flow's traffic is policed, and the flow counts its drops" {
	run nctl flow add dev veth0 tuple proto udp dport 9 action pass rate 10mbit burst "$(burst_of 10)"
	assert_success
	FLOW=$(uuid_from_output)
	FID=$(flow_field veth0 "$FLOW" flow_id)
	# other traffic, 20,000 frames at 200 Mbit/s beside the flow's, is not limited
	ip netns exec "$NS_B" "$LIVEGEN" veth1 "$MAC_A" $IP_B $IP_A 5201 10 $FRAME 17000 20000 \
		>>"$TMP/livegen.log" 2>&1 3>&- &
	local other=$!
	judged police_window 10 4 9 "flow:$FID:packets" "flow:$FID:drops" "flow:$FID"
	wait "$other"
	[ "$(flow_field veth0 "$FLOW" drops)" -gt 0 ]
	assert_equal "$(stat_of veth0 drop_rate_limited)" "$(flow_field veth0 "$FLOW" drops)"
	[ "$(stat_of veth0 flow_not_found)" -ge 20000 ]
}

# egress_police_window: the host floods (a second-deep bucket: the host's
# own sender pauses longer than the hook); the dir out flow's counters and
# its bucket's credit judge
egress_police_window() {
	local seen drop dc t gap
	udp_flood_bg "$NS_A" $IP_B 5201 10 1
	sleep 0.5
	read -r seen drop dc t gap < <(window 4 "flow:$FID:packets" "flow:$FID:drops" "credit:flow:$FID")
	stop_gen
	rate_judge 10000000 $(((seen - drop) * FRAME * 8)) $((seen * FRAME * 8)) "$t" 2 \
		$((4 * FRAME * 8)) "$gap" 1 "$dc" >&3
}

@test "egress flows: dir out drop, per-flow egress rate, counters" {
	local tx0
	tx0=$(stat_of veth0 tx_packets)
	run ina ping -c 2 -i 0.2 -W 2 $IP_B
	assert_success
	[ "$(stat_of veth0 tx_packets)" -ge $((tx0 + 2)) ]
	run nctl flow add dev veth0 dir out tuple proto icmp dst $IP_B action drop
	assert_success
	local u=${output#uuid }
	run ina ping -c 2 -i 0.2 -W 1 $IP_B
	assert_failure
	[ "$(flow_field veth0 "$u" packets)" -ge 2 ]
	[ "$(stat_of veth0 tx_drop_policy)" -ge 2 ]
	# A's echo replies to B are outbound ICMP to B too
	run inb ping -c 1 -W 1 $IP_A
	assert_failure
	nctl flow del dev veth0 uuid "$u"
	run ina ping -c 1 -W 2 $IP_B
	assert_success
	# outbound police: local address is the source
	run nctl flow add dev veth0 dir out tuple proto udp src $IP_A dport 5201 action pass rate 10mbit \
		burst 1250000
	assert_success
	FLOW=$(uuid_from_output)
	FID=$(flow_field veth0 "$FLOW" flow_id)
	judged egress_police_window
	[ "$(stat_of veth0 tx_drop_rate_limited)" -gt 0 ]
}

@test "egress flow shape: the flow is queued to its own HTB class" {
	run nctl flow add dev veth0 dir out tuple proto udp dport 5201 action pass shape 20mbit
	assert_success
	run ina tc class show dev veth0
	assert_output --partial "rate 20Mbit"
	judged shape_window 20 3 5201
	[ "$(stat_of veth0 tx_shaped)" -gt 0 ]
	# ping is not shaped into that class
	run ina ping -c 1 -W 2 $IP_B
	assert_success
}

@test "egress: a multicast source MAC is refused and counted as bad_maddr" {
	local body
	# the qdisc path (-q) so the frame meets the clsact egress program
	body="0x33, 0x33, 0x00, 0x00, 0x00, 0x01, 0x01, 0x00, 0x5e, 0x00, 0x00, 0x07, 0x88, 0xb5, fill(0x11, 46)"
	echo "{ $body }" >"$TMP/mc.trafgen"
	ina trafgen --dev veth0 --conf "$TMP/mc.trafgen" -n 3 -q >/dev/null 2>&1
	wait_for '[ "$(stat_of veth0 bad_maddr)" -ge 3 ]'
	[ "$(stat_of veth0 tx_drop)" -ge 3 ]
}

tc_state() {
	{
		ina tc qdisc show dev veth0
		ina tc filter show dev veth0 ingress
		ina tc filter show dev veth0 egress
		ina tc class show dev veth0
		ina ip -d link show dev veth0
	} 2>&1 | sed 's/ \(rx\|tx\)_\w* [0-9]*//g'
}

@test "attach then detach leaves tc and ip link as found (with a user's clsact filter)" {
	nctl detach dev veth0
	ina tc qdisc add dev veth0 clsact
	ina tc filter add dev veth0 ingress pref 7 u32 match u32 0 0 flowid 1:1
	ina tc filter add dev veth0 egress pref 7 u32 match u32 0 0 flowid 1:1
	local before
	before=$(tc_state)
	nctl attach dev veth0 >/dev/null
	nctl set dev veth0 shape 100mbit input-rate 50mbit
	nctl flow add dev veth0 dir out tuple proto udp dport 9 action pass shape 1mbit >/dev/null
	run ina tc filter show dev veth0 egress
	assert_output --partial "pref 7"
	nctl detach dev veth0
	assert_equal "$(tc_state)" "$before"
}

@test "attach then detach on a bare device removes everything netif added" {
	nctl detach dev veth0
	local before
	before=$(tc_state)
	nctl attach dev veth0 >/dev/null
	nctl set dev veth0 shape 100mbit
	run ina tc qdisc show dev veth0
	assert_output --partial clsact
	assert_output --partial htb
	nctl detach dev veth0
	assert_equal "$(tc_state)" "$before"
}

@test "shape needs the root qdisc: a user's root qdisc is EBUSY and stays" {
	ina tc qdisc add dev veth0 root handle 5: tbf rate 10mbit burst 32kb latency 50ms
	local before
	before=$(tc_state)
	run nctl set dev veth0 shape 10mbit
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_output --partial "root qdisc"
	run nctl flow add dev veth0 dir out tuple proto udp dport 9 action pass shape 1mbit
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_equal "$(tc_state)" "$before"
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 0
	# policing does not need the root
	run nctl set dev veth0 input-rate 10mbit
	assert_success
}

@test "bad rates and sizes are EINVAL with a message and change nothing" {
	nctl set dev veth0 input-rate 10mbit
	run nctl set dev veth0 input-rate 10furlongs
	assert_failure
	assert_output --partial "rate"
	run nctl set dev veth0 input-rate 500tbit
	assert_failure
	assert_output --partial "Invalid argument"
	run nctl set dev veth0 input-rate 1mbit burst 9999gb
	assert_failure
	assert_output --partial "Invalid argument"
	run nctl flow add dev veth0 tuple proto udp dport 9 action pass rate -5mbit
	assert_failure
	assert_equal "$(nctl -j show dev veth0 | jq '.[0].input_rate')" 10000000
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 0
}

@test "a default burst derived from a fast rate is clamped to the 4 GiB maximum, not refused" {
	local max=$((1 << 32))
	# one second of 100 Gbit/s is 12.5 GB, more than a burst may be
	run nctl flow add dev veth0 tuple proto udp dport 9 action pass rate 100gbit
	assert_success
	assert_equal "$(nctl -j flow show dev veth0 | jq '.[0].burst')" "$max"
	run nctl set dev veth0 input-rate 400gbit
	assert_success
	assert_equal "$(nctl -j show dev veth0 | jq '.[0].input_burst')" "$max"
	run nctl llink add dev veth0 id 7 vlan 7 qset default rx 1 tx 1 rate 100gbit
	assert_success
	assert_equal "$(nctl -j llink show dev veth0 | jq '.[] | select(.id == 7) | .qsets[0].burst')" "$max"
	# a burst the user gives is still checked as given
	run nctl flow add dev veth0 tuple proto udp dport 10 action pass rate 100gbit burst 5gb
	assert_failure
	assert_output --partial "out of range"
}
