#!/usr/bin/env bats
# netifd under valgrind through a whole session: every feature touched once,
# then a --cleanup stop. No invalid access, no uninitialised syscall data,
# no leak.

load helpers

setup() {
	command -v valgrind >/dev/null || skip "valgrind not installed"
	setup_topology numtxqueues 4 numrxqueues 4
}

teardown() {
	teardown_topology
}

@test "netifd is valgrind-clean across attach, flows, llinks, filters, channels and detach" {
	local supp="$BATS_TEST_DIRNAME/../valgrind.supp"

	ip netns exec "$NS_A" valgrind --suppressions="$supp" --leak-check=full \
		--errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
		"$NETIFD" -f -S "$SOCK" -P "$PIN_ROOT" --cleanup >"$TMP/valgrind.log" 2>&1 &
	NETIFD_PID=$!
	local i
	for i in $(seq 1 300); do
		nctl show >/dev/null 2>&1 && break
		sleep 0.1
	done

	run nctl attach dev veth0
	assert_success
	run nctl flow add dev veth0 tuple proto udp dport 9000 action port 2
	assert_success
	run nctl flow add dev veth0 tuple proto tcp dport 80 action drop rate 1mbit
	assert_success
	run nctl flow add dev veth0 dir out tuple proto udp sport 9 action pass shape 10mbit
	assert_success
	run nctl llink add dev veth0 id 5 vlan 5 qset default wmm rx 1 tx 4 rate 10mbit
	assert_success
	run nctl filter add dev veth0 pcap "$TMP/cap.pcap"
	assert_success
	run nctl filter add dev veth0 drop udp port 7
	assert_success
	run nctl attach dev veth0
	assert_failure

	ina "$NETIFCAT" -S "$SOCK" dev veth0 port 2 -c 3 -q &
	local cat=$!
	for i in $(seq 1 100); do
		[ "$(nctl -j port show dev veth0 | jq length)" = 1 ] && break
		sleep 0.1
	done
	for i in 1 2 3; do
		inb bash -c "echo x > /dev/udp/$IP_A/9000"
	done
	run inb ping -c 3 -i 0.2 -W 2 $IP_A
	assert_success
	wait $cat

	run nctl stats show dev veth0
	assert_success
	run nctl llink show dev veth0
	assert_success
	run nctl llink del dev veth0 id 5
	assert_success
	run nctl filter del dev veth0 id 1
	assert_success

	kill -TERM "$NETIFD_PID"
	# not "run wait": run's subshell cannot wait for our child
	local rc=0
	wait "$NETIFD_PID" || rc=$?
	NETIFD_PID=
	if [ "$rc" -ne 0 ]; then
		cat "$TMP/valgrind.log" >&2
	fi
	[ "$rc" -eq 0 ]
	grep -q "All heap blocks were freed" "$TMP/valgrind.log"
	grep -q "ERROR SUMMARY: 0 errors" "$TMP/valgrind.log"
}
