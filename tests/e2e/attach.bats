#!/usr/bin/env bats
# netif lifecycle: attach/detach with XNU's errors, provider parameters,
# modes, privileges, restart and re-adoption, link events, CLI conveniences.

load helpers

setup() {
	setup_topology
	start_netifd
}

teardown() {
	teardown_topology
}

xdp_mode_of() { ina ip -d -j link show "$1" | jq -r '.[0].xdp.mode // "none"'; }

@test "attach prints a uuid, show lists the netif, detach removes it" {
	run nctl attach dev veth0
	assert_success
	assert_output --regexp '^uuid [0-9a-f-]{36}$'
	local uuid=${output#uuid }
	run nctl -j show dev veth0
	assert_success
	assert_equal "$(echo "$output" | jq -r '.[0].uuid')" "$uuid"
	assert_equal "$(echo "$output" | jq -r '.[0].mode')" native
	assert_equal "$(echo "$output" | jq -r '.[0].rx_slots')" 1024
	assert_equal "$(echo "$output" | jq -r '.[0].tx_slots')" 512
	assert_equal "$(echo "$output" | jq -r '.[0].buf_size')" 2048
	assert_equal "$(xdp_mode_of veth0)" 1
	run nctl detach dev veth0 uuid "$uuid"
	assert_success
	run nctl -j show
	assert_output '[]'
	assert_equal "$(xdp_mode_of veth0)" none
	assert_file_not_exists "$PIN_ROOT/veth0/netif_cfg"
}

@test "attach: missing interface is ENXIO, attaching twice is EBUSY" {
	run nctl attach dev nosuch0
	assert_failure
	assert_output --partial "No such device or address"
	assert_output --partial "nosuch0"
	run nctl attach dev veth0
	assert_success
	run nctl attach dev veth0
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_output --partial "already attached"
}

@test "attach: provider parameters out of XNU's ranges are EINVAL naming the parameter" {
	local bad
	for bad in "rx-slots 1" "rx-slots 32768" "tx-slots 0" "tx-slots 100000" \
		   "buf-size 127" "buf-size 16385" "rx-slots 1000" "max-flows 0"; do
		# shellcheck disable=SC2086
		run nctl attach dev veth0 $bad
		assert_failure
		assert_output --partial "Invalid argument"
		assert_output --partial "${bad%% *}"
	done
	run nctl -j show
	assert_output '[]'
	run nctl attach dev veth0 rx-slots 2 tx-slots 16384 buf-size 128 max-flows 16
	assert_success
	run nctl -j show dev veth0
	assert_equal "$(echo "$output" | jq -r '.[0] | "\(.rx_slots) \(.tx_slots) \(.buf_size) \(.max_flows)"')" "2 16384 128 16"
}

@test "detach: wrong uuid ESRCH, null uuid EINVAL, not attached ENXIO" {
	run nctl detach dev veth0
	assert_failure
	assert_output --partial "No such device or address"
	run nctl attach dev veth0
	assert_success
	run nctl detach dev veth0 uuid 11111111-2222-3333-4444-555555555555
	assert_failure
	assert_output --partial "No such process"
	run nctl detach dev veth0 uuid 00000000-0000-0000-0000-000000000000
	assert_failure
	assert_output --partial "Invalid argument"
	# nothing changed
	run nctl -j show
	assert_equal "$(echo "$output" | jq length)" 1
	run nctl detach dev veth0
	assert_success
}

@test "modes: compat is generic XDP, native on a device without it is ENODEV, auto falls back" {
	run nctl attach dev veth0 mode compat
	assert_success
	assert_equal "$(nctl -j show dev veth0 | jq -r '.[0].mode')" compat
	assert_equal "$(xdp_mode_of veth0)" 2
	run nctl detach dev veth0
	assert_success
	# loopback has no native XDP
	run nctl attach dev lo mode native
	assert_failure
	assert_output --partial "No such device"
	assert_output --partial "native XDP"
	run nctl attach dev lo mode auto
	assert_success
	assert_equal "$(nctl -j show dev lo | jq -r '.[0].mode')" compat
}

@test "another XDP program on the device: EBUSY, and it is left alone" {
	ina bpftool prog load "$BUILD/tests/bench/xdp_pass.bpf.o" "$TMP/bpffs/other"
	ina bpftool net attach xdpdrv pinned "$TMP/bpffs/other" dev veth0
	local before
	before=$(ina ip -d -j link show veth0 | jq -c '.[0].xdp')
	run nctl attach dev veth0
	assert_failure
	assert_output --partial "Device or resource busy"
	assert_output --partial "XDP program"
	assert_equal "$(ina ip -d -j link show veth0 | jq -c '.[0].xdp')" "$before"
}

@test "changes need root; reading does not" {
	run nctl attach dev veth0
	assert_success
	local nobody="setpriv --reuid=65534 --regid=65534 --clear-groups"
	run ina $nobody "$NETIFCTL" -S "$SOCK" flow add dev veth0 tuple proto udp dport 9 action drop
	assert_failure
	assert_output --partial "Operation not permitted"
	run ina $nobody "$NETIFCTL" -S "$SOCK" detach dev veth0
	assert_failure
	run ina $nobody "$NETIFCTL" -S "$SOCK" show dev veth0
	assert_success
	run ina $nobody "$NETIFCTL" -S "$SOCK" stats show dev veth0
	assert_success
}

@test "set default-action drop drops unmatched traffic; pass restores it" {
	run nctl attach dev veth0
	assert_success
	run inb ping -c 1 -W 2 $IP_A
	assert_success
	run nctl set dev veth0 default-action drop
	assert_success
	run inb ping -c 2 -i 0.2 -W 1 $IP_A
	assert_failure
	[ "$(stat_of veth0 drop_policy)" -ge 2 ]
	run nctl set dev veth0 default-action bogus
	assert_failure
	run nctl set dev veth0 default-action pass
	assert_success
	run inb ping -c 1 -W 2 $IP_A
	assert_success
}

@test "restart: the dataplane keeps running without netifd and is re-adopted" {
	run nctl attach dev veth0
	assert_success
	local uuid=${output#uuid }
	run nctl flow add dev veth0 tuple proto icmp action drop
	assert_success
	local flow=${output#uuid }
	stop_netifd
	# no agent: the flow still drops
	run inb ping -c 2 -i 0.2 -W 1 $IP_A
	assert_failure
	start_netifd
	run nctl -j show dev veth0
	assert_equal "$(echo "$output" | jq -r '.[0].uuid')" "$uuid"
	assert_equal "$(flow_field veth0 "$flow" action)" drop
	[ "$(flow_field veth0 "$flow" packets)" -ge 2 ]
	grep -q "re-adopted veth0" "$TMP/netifd.log"
	run nctl flow del dev veth0 uuid "$flow"
	assert_success
	run inb ping -c 1 -W 2 $IP_A
	assert_success
}

@test "--cleanup detaches everything on stop" {
	stop_netifd
	start_netifd --cleanup
	run nctl attach dev veth0
	assert_success
	stop_netifd
	assert_equal "$(xdp_mode_of veth0)" none
	assert_file_not_exists "$PIN_ROOT/veth0/netif_cfg"
}

@test "link events: a deleted interface is detached and unpinned, a new MAC is used" {
	ina ip link add veth2 type veth peer veth3
	ina ip link set veth2 up
	ina ip link set veth3 up
	run nctl attach dev veth0
	assert_success
	run nctl attach dev veth2
	assert_success
	ina ip link del veth2
	wait_for 'nctl -j show | jq -e "length == 1"'
	assert_file_not_exists "$PIN_ROOT/veth2/netif_cfg"
	ina ip link set veth0 address 02:11:22:33:44:55
	wait_for '[ "$(nctl -j show dev veth0 | jq -r ".[0].mac")" = 02:11:22:33:44:55 ]'
	run bash -c "ip netns exec $NS_A bpftool map dump pinned $PIN_ROOT/veth0/netif_cfg | jq -c '.[0].value.mac'"
	assert_output '[2,17,34,51,68,85]'
}

@test "-batch runs commands in order and stops at the first failure" {
	cat >"$TMP/batch" <<-EOF
		attach dev veth0
		flow add dev veth0 tuple proto udp dport 1000 action drop
		flow add dev veth0 ethertype 0x0800 action drop
		flow add dev veth0 tuple proto udp dport 1001 action drop
	EOF
	run nctl -batch "$TMP/batch"
	assert_failure
	assert_output --partial "Command failed $TMP/batch:3"
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 1
}

@test "-j output parses; help lists every command" {
	run nctl attach dev veth0
	assert_success
	run nctl -j stats show dev veth0
	assert_success
	echo "$output" | jq -e '.ifname == "veth0" and (.stats.rx_packets | type) == "number"'
	run "$NETIFCTL" -h
	assert_success
	local c
	for c in attach detach show set stats flow llink filter port; do
		assert_output --partial "  $c "
	done
}
