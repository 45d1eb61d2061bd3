#!/usr/bin/env bats
# netifctl as iproute2 users type it: unambiguous prefixes (and the errors
# of ambiguous ones), -j compact and -j -p indented, -s for counters, u64
# values printed as unsigned in text and JSON, -batch with -j, help.

load helpers

setup() {
	setup_topology
	start_netifd
	nctl attach dev veth0 >/dev/null
}

teardown() {
	teardown_topology
}

# A JSON value by python's reader, which keeps integers exact (jq 1.6 reads doubles).
json_get() { python3 -c 'import json, sys; v = json.load(sys.stdin); print(eval("v" + sys.argv[1]))' "$1"; }

@test "u64: llink id 18446744073709551615 shows as itself in text and -j, not -1" {
	run nctl llink add dev veth0 id 18446744073709551615 vlan 10 qset default rx 1 tx 1
	assert_success
	run nctl llink show dev veth0
	assert_success
	assert_output --partial "llink 18446744073709551615 internal"
	refute_output --partial "llink -1"
	run nctl -j llink show dev veth0
	assert_success
	assert_output --partial '"id":18446744073709551615,'
	assert_equal "$(echo "$output" | json_get '[1]["id"]')" 18446744073709551615
	# a flow scoped to it carries the same id
	run nctl flow add dev veth0 llink 18446744073709551615 ethertype 0x88b5 action drop
	assert_success
	run nctl flow show dev veth0
	assert_output --partial " llink 18446744073709551615 "
	assert_equal "$(nctl -j flow show dev veth0 | json_get '[0]["llink"]')" 18446744073709551615
	run nctl flow del dev veth0 uuid "$(nctl -j flow show dev veth0 | jq -r '.[0].uuid')"
	assert_success
	run nctl llink del dev veth0 id 18446744073709551615
	assert_success
	assert_equal "$(nctl -j llink show dev veth0 | jq length)" 1
}

@test "prefixes: fl sh, fl a ... tu pr udp dp, l sh and st sh work as the whole words" {
	run nctl fl a de veth0 tu pr udp dp 9000 ac drop
	assert_success
	assert_output --regexp '^uuid [0-9a-f-]{36}$'
	local u=${output#uuid }
	run nctl fl sh dev veth0
	assert_success
	assert_output "uuid $u tuple dir in proto udp dport 9000 action drop"
	assert_equal "$(nctl -j fl li d veth0)" "$(nctl -j flow show dev veth0)"
	run nctl l sh dev veth0
	assert_success
	assert_output --partial "llink 0 "
	run nctl st sh dev veth0
	assert_success
	assert_output --partial "rx_packets"
	run nctl fl del dev veth0 uu "$u"
	assert_success
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 0
	# options too: -js is -json, -stat is -statistics, --json is -json
	run nctl -js -stat --json fl sh dev veth0
	assert_success
	assert_output '[]'
}

@test "prefixes: an ambiguous one is an error naming the candidates, and changes nothing" {
	run nctl s dev veth0
	assert_failure
	assert_output --partial 'command "s" is ambiguous: show, set, stats'
	run nctl f sh dev veth0
	assert_failure
	assert_output --partial 'command "f" is ambiguous: flow, filter'
	run nctl flow add dev veth0 tuple proto udp s 9 action drop
	assert_failure
	assert_output --partial 'argument "s" is ambiguous: src, sport, shape'
	run nctl llink add dev veth0 id 7 qset default r 1 tx 1
	assert_failure
	assert_output --partial 'argument "r" is ambiguous: rx, rx-base, rate'
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 0
	assert_equal "$(nctl -j llink show dev veth0 | jq length)" 1
}

@test "exact words: values and filter kinds take no prefix" {
	run nctl flow add dev veth0 tuple proto udp dport 9 action dr
	assert_failure
	assert_output --partial "action must be pass, drop"
	run nctl flow add dev veth0 tuple proto ud dport 9 action drop
	assert_failure
	assert_output --partial "proto must be"
	run nctl set dev veth0 default-action dr
	assert_failure
	run nctl filter add dev veth0 dr icmp
	assert_failure
	assert_output --partial 'unknown argument "dr"'
	run nctl filter add dev veth0 cou
	assert_failure
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 0
	assert_equal "$(nctl -j filter show dev veth0 | jq length)" 0
	assert_equal "$(nctl -j show dev veth0 | jq -r '.[0].default_action')" pass
}

@test "-j is compact, -j -p indented, the same JSON" {
	nctl flow add dev veth0 tuple proto udp dport 9 action drop >/dev/null
	local cmd
	for cmd in "show dev veth0" "flow show dev veth0" "llink show dev veth0" "stats show dev veth0"; do
		# shellcheck disable=SC2086
		run nctl -j $cmd
		assert_success
		assert_equal "${#lines[@]}" 1
		refute_output --partial ': '
		local compact=$output
		# shellcheck disable=SC2086
		run nctl -j -p $cmd
		assert_success
		[ "${#lines[@]}" -gt 3 ]
		assert_equal "${lines[1]:0:2}" "  "
		# the same members in the same order (counters may move between the two)
		assert_equal "$(echo "$output" | jq -c '[paths]')" "$(echo "$compact" | jq -c '[paths]')"
	done
	# a command that answers with an ack prints no JSON
	run nctl -j set dev veth0 default-action pass
	assert_success
	assert_output ''
}

@test "-s: counters in flow, llink, filter and port show only with it" {
	run nctl flow add dev veth0 tuple proto udp dport 9000 action drop
	local u=${output#uuid }
	local i
	for i in 1 2 3; do inb bash -c "echo x > /dev/udp/$IP_A/9000"; done
	run nctl flow show dev veth0
	assert_equal "${#lines[@]}" 1
	refute_output --partial packets
	run nctl -s flow show dev veth0
	assert_equal "${#lines[@]}" 2
	assert_regex "${lines[1]}" '^    packets 3 bytes [0-9]+ drops 3 \(rate-limited 0\)$'
	assert_equal "$(nctl -j flow show dev veth0 | jq '.[0] | has("packets")')" false
	assert_equal "$(nctl -s -j flow show dev veth0 | jq '.[0].packets')" 3
	run nctl llink show dev veth0
	refute_output --partial rx_packets
	run nctl -s llink show dev veth0
	assert_output --partial "    rx "
	assert_output --partial "rx_packets"
	assert_equal "$(nctl -s -j llink show dev veth0 | jq '.[0] | has("rx_packets")')" true
	nctl filter add dev veth0 count >/dev/null
	run nctl filter show dev veth0
	assert_output "filter 1 count dir both"
	run nctl -s filter show dev veth0
	assert_output --regexp '^filter 1 count dir both packets [0-9]+ drops 0$'
	bg_in "$NS_A" "$NETIFCAT" -S "$SOCK" -q dev veth0 port 2
	wait_for '[ "$(nctl -j port show dev veth0 | jq length)" = 1 ]'
	run nctl port show dev veth0
	assert_output --regexp '^port 2 pid [0-9]+ rx-slots [0-9]+ tx-slots [0-9]+$'
	run nctl -s port show dev veth0
	assert_equal "${#lines[@]}" 2
	assert_equal "${lines[1]}" "    rx 0 packets 0 ring-full drops  tx 0 packets 0 rejected"
}

@test "-s show adds the netif's counters, -s -s all of them; -j -s has them all" {
	inb ping -c 2 -i 0.2 -W 2 $IP_A >/dev/null
	run nctl show dev veth0
	# the netif and its mode; link; rings and flows; policy; the kernel features it uses
	assert_equal "${#lines[@]}" 5
	assert_output --regexp $'\n    features( [a-z-]+)+'
	refute_output --partial rx_packets
	run nctl -s show dev veth0
	assert_equal "${#lines[@]}" 7
	assert_output --regexp $'\n    rx_packets [0-9]+ rx_bytes [0-9]+ '
	assert_output --regexp $'\n    tx_packets [0-9]+ tx_bytes [0-9]+ '
	run nctl -s -s show dev veth0
	[ "${#lines[@]}" -gt 40 ]
	assert_output --regexp $'\n    reinject_fail +0'
	run nctl -s -j show dev veth0
	[ "$(echo "$output" | jq '.[0].stats.rx_packets')" -ge 2 ]
	assert_equal "$(echo "$output" | jq '.[0].stats | length')" \
		"$(nctl -j stats show dev veth0 | jq '.stats | length')"
	assert_equal "$(nctl -j show dev veth0 | jq '.[0] | has("stats")')" false
}

@test "-batch -j prints one JSON document per command that answers" {
	cat >"$TMP/batch" <<-EOF
		flow add dev veth0 tuple proto udp dport 1000 action drop uuid 11111111-1111-1111-1111-111111111111
		set dev veth0 default-action pass
		fl sh dev veth0
	EOF
	run nctl -j -batch "$TMP/batch"
	assert_success
	assert_equal "${#lines[@]}" 2
	assert_equal "$(echo "${lines[0]}" | jq -r .uuid)" 11111111-1111-1111-1111-111111111111
	assert_equal "$(echo "${lines[1]}" | jq -r '.[0].dport')" 1000
}

@test "help: every command form on one line, each object's own help, every option" {
	run "$NETIFCTL" -h
	assert_success
	local form
	for form in "attach dev IF" "detach dev IF" "show [dev IF]" "set dev IF" "stats show dev IF" \
		"flow add dev IF" "flow delete dev IF uuid U" "flow show dev IF" "llink add dev IF" \
		"llink delete dev IF id LINKID" "llink show dev IF" "filter add dev IF" \
		"filter delete dev IF id N" "filter show dev IF" "port show dev IF"; do
		assert_output --partial "  $form"
	done
	local opt
	for opt in -j -json -p -pretty -s -stats -statistics "-S SOCKET" -b "-batch FILE" -h -help --help; do
		assert_output --partial " $opt"
	done
	run nctl flow help
	assert_success
	assert_line --index 0 --partial "Usage: netifctl flow add dev IF"
	assert_output --partial "MATCH  :="
	refute_output --partial "llink add"
	run nctl help
	assert_success
	assert_output --partial "Commands:"
}
