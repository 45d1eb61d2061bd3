#!/usr/bin/env bats
# netifd.yaml(5) applied to a real netifd: export -> apply -> export is the
# same file; applying a file twice changes nothing (uuids and counters
# kept); a change that fails half-way leaves everything as it was; errors
# name the file, line and field; --dry-run changes nothing; --config and
# SIGHUP; and a reload under traffic loses no frame.

load helpers

setup() {
	setup_topology
	ip -n "$NS_A" link add veth2 type veth peer veth3
	ip -n "$NS_A" link set veth2 up
	ip -n "$NS_A" link set veth3 up
}

teardown() {
	teardown_topology
}

# A host file using every kind of object
host_file() {
	cat >"$1" <<-EOF
		netifs:
		  veth0:
		    mode: native
		    max-flows: 4096
		    default-action: pass
		    input-rate: 1gbit
		    unknown-vlan: pass
		    llinks:
		      - id: 7
		        vlan: 10
		        qsets:
		          - {default: true, rx: 1, tx: 1, rate: 100mbit}
		    flows:
		      - {tuple: {proto: icmp, type: 8}, action: pass}
		      - {tuple: {proto: udp, dport: 53}, action: drop}
		      - {tuple: {proto: tcp, src: $IP_B, dport: 22}, action: pass, rate: 10mbit, burst: 64kb}
		      - {dir: out, tuple: {proto: tcp, sport: 80}, action: pass}
		      - {llink: 7, ethertype: 0x88b5, action: exception, qset-hint: {llink: 7, qset: 0}}
		      - {ula: {local: '$IP6_A', remote: '$IP6_B'}, action: pass}
		      - {ethertype: 0x88b6, action: redirect, redirect-dev: veth2}
		    filters:
		      - {kind: count, dir: rx}
		      - {kind: drop, expr: udp port 9}
		  veth2: {}
	EOF
}

@test "export, apply the export, export again: the same file, and the apply changes nothing" {
	start_netifd
	host_file "$TMP/host.yaml"
	run nctl apply "$TMP/host.yaml"
	assert_success
	assert_line --partial "+ veth0 netif"
	assert_line --partial "+ veth2 netif"
	assert_line "14 changes"
	nctl export >"$TMP/e1.yaml"
	run nctl apply "$TMP/e1.yaml"
	assert_success
	assert_output "no changes"
	nctl export >"$TMP/e2.yaml"
	run diff "$TMP/e1.yaml" "$TMP/e2.yaml"
	assert_success
	# what the file said is what runs
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 7
	assert_equal "$(nctl -j show dev veth0 | jq -r '.[0] | "\(.mode) \(.max_flows) \(.input_rate) \(.unknown_vlan)"')" \
		"native 4096 1000000000 pass"
	assert_equal "$(nctl -j llink show dev veth0 | jq -r '.[] | select(.id == 7) | .vlan')" 10
	assert_equal "$(nctl -j filter show dev veth0 | jq -r 'map(.kind) | join(",")')" "count,drop"
	# one netif alone: its export applies to it alone as no change
	nctl export dev veth0 >"$TMP/v0.yaml"
	run nctl apply "$TMP/v0.yaml" dev veth0
	assert_output "no changes"
	# and after a restart (re-adoption from the pins) the export is still the same
	stop_netifd
	start_netifd
	nctl export >"$TMP/e3.yaml"
	run diff "$TMP/e1.yaml" "$TMP/e3.yaml"
	assert_success
}

@test "applying a file again keeps every flow's uuid and counters; a changed flow keeps both too" {
	start_netifd
	cat >"$TMP/h.yaml" <<-EOF
		netifs:
		  veth0:
		    flows:
		      - {tuple: {proto: icmp, type: 8}, action: pass}
		      - {tuple: {proto: udp, dport: 53}, action: drop}
	EOF
	nctl apply "$TMP/h.yaml" >/dev/null
	inb ping -c 5 -i 0.1 -q $IP_A >/dev/null
	nctl -s -j flow show dev veth0 | jq -S 'sort_by(.uuid)' >"$TMP/before.json"
	assert_equal "$(jq '.[] | select(.proto == "icmp") | .packets' "$TMP/before.json")" 5
	run nctl apply "$TMP/h.yaml"
	assert_output "no changes"
	nctl -s -j flow show dev veth0 | jq -S 'sort_by(.uuid)' >"$TMP/after.json"
	run diff "$TMP/before.json" "$TMP/after.json"
	assert_success
	# a rate added to the icmp flow changes it in place: same uuid, same counters
	sed -i 's/type: 8}, action: pass}/type: 8}, action: pass, rate: 1mbit}/' "$TMP/h.yaml"
	run nctl apply "$TMP/h.yaml"
	assert_success
	assert_line --regexp '^~ veth0 flow [0-9a-f-]+: rate: 0bit -> 1Mbit \(line 4\)$'
	local uuid
	uuid=$(jq -r '.[] | select(.proto == "icmp") | .uuid' "$TMP/before.json")
	assert_equal "$(flow_field veth0 "$uuid" packets)" 5
	assert_equal "$(flow_field veth0 "$uuid" rate)" 1000000
}

@test "a change that fails in the middle of the file leaves the whole state as it was" {
	start_netifd
	host_file "$TMP/host.yaml"
	nctl apply "$TMP/host.yaml" >/dev/null
	inb ping -c 3 -i 0.1 -q $IP_A >/dev/null
	nctl export >"$TMP/before.yaml"
	nctl -s -j flow show dev veth0 | jq -S 'sort_by(.uuid)' >"$TMP/flows_before.json"
	nctl -j stats show dev veth0 | jq '.stats | {flow_add, flow_del, llink_add, llink_remove}' >"$TMP/stats_before.json"
	# settings, an llink, flows removed, changed and added, and in the middle a
	# shaped flow: the device's root qdisc is not the kernel's default, so shaping
	# fails there, after everything before it took effect
	ina tc qdisc add dev veth0 root tbf rate 1gbit burst 100k latency 50ms
	cat >"$TMP/bad.yaml" <<-EOF
		netifs:
		  veth0:
		    mode: native
		    max-flows: 4096
		    default-action: drop
		    input-rate: 500mbit
		    llinks:
		      - id: 8
		        vlan: 20
		        qsets:
		          - {default: true, rx: 1, tx: 1}
		    flows:
		      - {tuple: {proto: udp, dport: 53}, action: pass, rate: 1mbit}
		      - {tuple: {proto: udp, dport: 54}, action: drop}
		      - {llink: 8, ethertype: 0x88b7, action: drop}
		      - {dir: out, tuple: {proto: tcp, sport: 443}, action: pass, shape: 10mbit}
		      - {tuple: {proto: udp, dport: 55}, action: drop}
		    filters:
		      - {kind: count}
	EOF
	run nctl apply "$TMP/bad.yaml"
	assert_failure
	assert_output --regexp "^Error: Device or resource busy: $TMP/bad.yaml:16:9: netifs.veth0.flows\[3\]: .*root qdisc"
	nctl export >"$TMP/after.yaml"
	run diff "$TMP/before.yaml" "$TMP/after.yaml"
	assert_success
	nctl -s -j flow show dev veth0 | jq -S 'sort_by(.uuid)' >"$TMP/flows_after.json"
	run diff "$TMP/flows_before.json" "$TMP/flows_after.json"
	assert_success
	run diff "$TMP/stats_before.json" <(nctl -j stats show dev veth0 | jq '.stats | {flow_add, flow_del, llink_add, llink_remove}')
	assert_success
	# veth2, left out of the bad file, is still attached
	nctl show dev veth2 >/dev/null
	# the same file applies once the qdisc is gone
	ina tc qdisc del dev veth0 root
	run nctl apply "$TMP/bad.yaml"
	assert_success
	assert_line "- veth2 netif"
	run nctl show dev veth2
	assert_failure
}

@test "a bad file changes nothing, and the error names the file, line and field" {
	start_netifd
	host_file "$TMP/host.yaml"
	nctl apply "$TMP/host.yaml" >/dev/null
	nctl export >"$TMP/before.yaml"
	local f=$TMP/x.yaml
	check() { # check EXPECTED-ERROR-REGEXP (the file in $f)
		run nctl apply "$f"
		assert_failure
		assert_output --regexp "$1"
		nctl export | diff "$TMP/before.yaml" -
	}
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 4096\n    flows:\n      - {tuple: {proto: udp, dport: 70000}, action: drop}\n' >"$f"
	check "^Error: Invalid argument: $f:6:37: netifs.veth0.flows\[0\].tuple.dport: 70000 out of range \[1, 65535\]$"
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 4096\n    flows:\n      - {ethertype: 0x0800, action: drop}\n' >"$f"
	check "$f:6:9: netifs.veth0.flows\[0\]: ethertype 0x0800 cannot be claimed"
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 8192\n' >"$f"
	check "$f:4:5: netifs.veth0.max-flows: veth0 is attached with 4096, the file says 8192"
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 4096\n    rx-slots: 1000\n' >"$f"
	check "$f:5:5: netifs.veth0.rx-slots: rx-slots 1000 must be a power of two"
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 4096\n    llinks:\n      - {id: 3, qsets: [{default: true, rx: 1, tx: 2}]}\n' >"$f"
	check "$f:6:9: netifs.veth0.llinks\[0\]: qset 0: tx queues 0..1 exceed the device's 1"
	printf 'netifs:\n  nosuch0: {}\n' >"$f"
	check "^Error: No such device or address: $f:2:3: netifs.nosuch0: no such interface: nosuch0$"
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 4096\n    flows:\n      - {tuple: {proto: udp, dport: 5}, action: drop}\n      - {tuple: {proto: udp, dport: 5}, action: pass}\n' >"$f"
	check "$f:7:9: netifs.veth0.flows\[1\]: the same match as the flow of line 6"
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 4096\n    flows:\n      - {ethertype: 0x88b5, action: redirect, redirect-dev: nosuch1}\n' >"$f"
	check "$f:6:9: netifs.veth0.flows\[0\]: redirect device nosuch1 does not exist"
	printf 'netifs:\n  veth0:\n    mode: native\n    max-flows: 4096\n    filters:\n      - {kind: drop, expr: "udp prt 9"}\n' >"$f"
	check "$f:6:9: netifs.veth0.filters\[0\]: bad filter expression"
	printf 'netifs:\n  veth0:\n    speed: 10\n' >"$f"
	check "$f:3:5: netifs.veth0.speed: unknown key \"speed\""
	printf 'netifs: {veth0: {}\n' >"$f"
	check "$f:2:1: netifs: not YAML"
	# a usage error needs no netifd
	run "$NETIFCTL" -S "$TMP/none.sock" apply
	assert_failure
	assert_output --partial "apply needs a file"
}

@test "apply --dry-run prints the changes and makes none" {
	start_netifd
	host_file "$TMP/host.yaml"
	run nctl apply --dry-run "$TMP/host.yaml"
	assert_success
	assert_line "14 changes (dry run: nothing was changed)"
	assert_line "+ veth0 flow (new): {tuple: {proto: udp, dport: 53}, action: drop} (line 15)"
	run nctl -j show
	assert_output "[]"
	nctl apply "$TMP/host.yaml" >/dev/null
	sed -i 's/dport: 53}, action: drop}/dport: 53}, action: pass}/; /kind: count/d' "$TMP/host.yaml"
	run nctl -j apply -n "$TMP/host.yaml"
	assert_success
	assert_equal "$(echo "$output" | jq -c 'map({op, ifname, object, line})')" \
		'[{"op":"change","ifname":"veth0","object":"flow","line":15},{"op":"remove","ifname":"veth0","object":"filter","line":null},{"op":"remove","ifname":"veth0","object":"filter","line":null},{"op":"add","ifname":"veth0","object":"filter","line":22}]'
	assert_equal "$(nctl -j flow show dev veth0 | jq -r '.[] | select(.dport == 53) | .action')" drop
}

@test "netifd --config applies the file at start; SIGHUP applies it again; a bad one is logged and changes nothing" {
	host_file "$TMP/host.yaml"
	start_netifd --config "$TMP/host.yaml"
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 7
	grep -q "start: $TMP/host.yaml applied, 14 change(s)" "$TMP/netifd.log"
	sed -i 's/dport: 53}, action: drop}/dport: 53}, action: pass}/' "$TMP/host.yaml"
	kill -HUP "$NETIFD_PID"
	wait_for "grep -q 'reload: $TMP/host.yaml applied, 1 change(s)' $TMP/netifd.log"
	assert_equal "$(nctl -j flow show dev veth0 | jq -r '.[] | select(.dport == 53) | .action')" pass
	nctl export >"$TMP/before.yaml"
	echo "netifs: {veth0: {flows: [{tuple: {proto: udp}, action: jump}]}}" >"$TMP/host.yaml"
	kill -HUP "$NETIFD_PID"
	wait_for "grep -q 'reload: $TMP/host.yaml:1:.*\"jump\" is not .*; the running state is unchanged' $TMP/netifd.log"
	nctl export | diff "$TMP/before.yaml" -
	# a file that does not parse at start leaves the adopted state and netifd runs
	stop_netifd
	start_netifd --config "$TMP/host.yaml"
	nctl export | diff "$TMP/before.yaml" -
	grep -q "start: .*the running state is unchanged" "$TMP/netifd.log"
}

# Frames of the one tuple flow the traffic hits: all delivered to veth0 are its
# (none misclassified while the configuration changes), and none unexplained.
@test "reloads under traffic lose no frame" {
	inb ethtool -K veth1 tx off >/dev/null
	cat >"$TMP/a.yaml" <<-EOF
		netifs:
		  veth0:
		    mode: native
		    flows:
		      - {tuple: {proto: udp, dst: $IP_A, dport: 9}, action: drop}
		      - {tuple: {proto: udp, dport: 53}, action: drop}
		    filters: []
	EOF
	# the same flow of the traffic, changed in place, and around it
	# hundreds of flows and an llink added and removed
	{
		printf 'netifs:\n  veth0:\n    mode: native\n    default-action: drop\n'
		printf '    llinks:\n      - {id: 7, vlan: 10, qsets: [{default: true, rx: 1, tx: 1}]}\n'
		printf '    flows:\n'
		printf '      - {tuple: {proto: udp, dst: %s, dport: 9}, action: drop, rate: 10gbit}\n' "$IP_A"
		for i in $(seq 1 300); do
			printf '      - {tuple: {proto: tcp, src: 10.66.%d.%d, dport: 80}, action: pass}\n' $((i / 250)) $((i % 250))
		done
	} >"$TMP/b.yaml"
	cp "$TMP/a.yaml" "$TMP/host.yaml"
	start_netifd --config "$TMP/host.yaml"
	local uuid
	uuid=$(nctl -j flow show dev veth0 | jq -r '.[] | select(.dport == 9) | .uuid')
	bg_in "$NS_B" sh -c "\"$BUILD/tests/bench/livegen\" veth1 $MAC_A $IP_B $IP_A 9 4 64 250000 >$TMP/gen.out"
	local i
	for i in 1 2 3 4; do
		sleep 0.6
		cp "$TMP/$([ $((i % 2)) = 1 ] && echo b || echo a).yaml" "$TMP/host.yaml"
		kill -HUP "$NETIFD_PID"
	done
	wait_for "grep -q sent $TMP/gen.out"
	wait_for "[ \$(grep -c 'reload: .* applied' $TMP/netifd.log) = 4 ]"
	grep 'reload: .* applied' "$TMP/netifd.log" >&3
	# every reload changed something (the traffic's flow among them)
	run grep -c 'reload: .* applied, 0 change' "$TMP/netifd.log"
	assert_output 0
	local sent xmit err pkts drops limited policy
	sent=$(awk '{print $2}' "$TMP/gen.out")
	xmit=$(inb ethtool -S veth1 | awk '/tx_queue_0_xdp_xmit:/ {print $2}')
	err=$(inb ethtool -S veth1 | awk '/tx_queue_0_xdp_xmit_errors:/ {print $2}')
	pkts=$(flow_field veth0 "$uuid" packets)
	drops=$(flow_field veth0 "$uuid" drops)
	limited=$(flow_field veth0 "$uuid" rate_limited)
	policy=$(stat_of veth0 drop_policy)
	echo "$(cat "$TMP/gen.out"); veth xmit $xmit, ring full $err; the flow: $pkts packets," \
		"$drops dropped, $limited over its rate; drop_policy $policy" >&3
	# traffic ran through the reloads: the generator is paced at 250k pps and
	# shares two CPUs with netifd applying 300 changes a reload, so on a busy
	# machine it falls short of its pace (89k seen); what is judged is that
	# none of what it did send was lost or misjudged, below
	[ "$(awk '{print $4}' "$TMP/gen.out")" -ge 20000 ]
	# every frame sent reached veth0 or was counted by the veth as not taken
	assert_equal $((xmit + err)) "$sent"
	# every frame veth0 took matched the flow (never the default action while the
	# file changed), none over its rate, all dropped by its action: unexplained 0
	assert_equal "$pkts" "$xmit"
	assert_equal "$drops" "$pkts"
	assert_equal "$limited" 0
	[ "$policy" -ge "$pkts" ]
	assert_equal "$(nctl -j flow show dev veth0 | jq -r '.[] | select(.dport == 9) | .uuid')" "$uuid"
}
