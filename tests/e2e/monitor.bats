#!/usr/bin/env bats
# netifctl monitor: netifd's event bus as a live stream, in text and one
# JSON object a line -- attach/detach, flows, llinks, filters, settings,
# channels, link changes -- for every netif or one; and a monitor that does
# not read never holds netifd up: it loses events, counted, and is told.

load helpers

setup() {
	setup_topology
	start_netifd
}

teardown() {
	teardown_topology
}

# A monitor in the background, its output in $TMP/$1, its pid in MON_PID:
#   mon_bg NAME [ARGS...]
mon_bg() {
	local out=$TMP/$1
	shift
	ip netns exec "$NS_A" "$NETIFCTL" -S "$SOCK" "$@" monitor ${MON_DEV:+dev $MON_DEV} \
		>"$out" 2>&1 3>&- &
	MON_PID=$!
}

# Wait until every monitor named has subscribed: poke MTU changes until each shows one.
mon_sync() {
	local f i mtu=1400
	for i in $(seq 1 50); do
		ip -n "$NS_A" link set veth0 mtu $((mtu + i))
		for f in "$@"; do grep -q "mtu $((mtu + i))\|\"mtu\":$((mtu + i))" "$TMP/$f" || continue 2; done
		ip -n "$NS_A" link set veth0 mtu 1500
		return 0
	done
	echo "monitors $* did not start" >&2
	return 1
}

@test "monitor shows every kind of change, in text and one JSON object a line" {
	nctl attach dev veth0 >/dev/null
	mon_bg text
	mon_bg json -j
	mon_sync text json
	local uuid
	uuid=$(nctl flow add dev veth0 tuple proto udp dport 53 action drop | awk '{print $2}')
	nctl llink add dev veth0 id 7 vlan 10 qset default rx 1 tx 1
	nctl filter add dev veth0 count >/dev/null
	nctl set dev veth0 default-action drop input-rate 10mbit
	ip -n "$NS_A" link set veth0 mtu 1400
	ip -n "$NS_A" link set veth0 address 02:00:00:00:77:01
	ip -n "$NS_B" link set veth1 down
	# the carrier change reaches netifd through the kernel's linkwatch, which
	# may hold a non-urgent event up to a second: wait for it, not for a time
	wait_for "jq -se 'any(.[]; .event == \"link\" and .state == \"down\")' $TMP/json"
	bg_in "$NS_A" "$NETIFCAT" -S "$SOCK" -q dev veth0 port 3
	wait_for "nctl -j port show dev veth0 | jq -e 'length == 1'"
	ip netns pids "$NS_A" | xargs -r ps -o pid=,comm= -p | awk '$2 == "netifcat" {print $1}' | xargs -r kill
	wait_for "nctl -j port show dev veth0 | jq -e 'length == 0'"
	nctl flow del dev veth0 uuid "$uuid"
	nctl llink del dev veth0 id 7
	nctl filter del dev veth0 id 1
	nctl detach dev veth0
	wait_for "grep -q '\"event\":\"detach\"' $TMP/json"
	# the JSON stream: one object per line, in the order the changes were made
	run jq -r 'select(.event != "link") | .event' "$TMP/json"
	assert_success
	local events
	events=$(echo "$output" | paste -sd, -)
	assert_equal "$events" "flow add,llink add,filter add,set,channel open,channel close,flow delete,llink delete,filter delete,detach"
	# what each says
	run jq -c "select(.event == \"flow add\") | .flow | {uuid, proto, dport, action}" "$TMP/json"
	assert_output "{\"uuid\":\"$uuid\",\"proto\":\"udp\",\"dport\":53,\"action\":\"drop\"}"
	run jq -c 'select(.event == "llink add") | .llink | {id, vlan}' "$TMP/json"
	assert_output '{"id":7,"vlan":10}'
	run jq -c 'select(.event == "set") | {default_action, input_rate}' "$TMP/json"
	assert_output '{"default_action":"drop","input_rate":10000000}'
	run jq -c 'select(.event == "channel open") | {port, pid: (.pid > 0)}' "$TMP/json"
	assert_output '{"port":3,"pid":true}'
	jq -se 'any(.[]; .event == "link" and .mtu == 1400)' "$TMP/json" >/dev/null
	jq -se 'any(.[]; .event == "link" and .mac == "02:00:00:00:77:01")' "$TMP/json" >/dev/null
	jq -se 'any(.[]; .event == "link" and .state == "down")' "$TMP/json" >/dev/null
	# the text stream reads like the commands
	grep -q "^flow add dev veth0 uuid $uuid tuple dir in proto udp dport 53 action drop" "$TMP/text"
	grep -q "^llink add dev veth0 id 7 vlan 10 qsets 0x" "$TMP/text"
	grep -q "^filter add dev veth0 id 1 count dir both" "$TMP/text"
	grep -q "^set dev veth0 default-action drop unknown-vlan default input-rate 10Mbit" "$TMP/text"
	grep -q "^link dev veth0 down mtu 1400 link/ether 02:00:00:00:77:01" "$TMP/text"
	grep -q "^channel open dev veth0 port 3 pid [0-9]" "$TMP/text"
	grep -q "^detach dev veth0$" "$TMP/text"
}

@test "monitor dev IF shows only that netif, attach included; a failed change shows nothing" {
	ip -n "$NS_A" link add veth2 type veth peer veth3
	ip -n "$NS_A" link set veth2 up
	ip -n "$NS_A" link set veth3 up
	nctl attach dev veth0 >/dev/null
	MON_DEV=veth2 mon_bg only
	mon_bg all
	mon_sync all
	# the monitor of veth2 hears its attach, though veth2 was not attached when it started
	nctl attach dev veth2 >/dev/null
	nctl flow add dev veth2 ethertype 0x88b5 action drop >/dev/null
	nctl flow add dev veth0 ethertype 0x88b6 action drop >/dev/null
	# refused: the same descriptor again; no event may tell of it
	run nctl flow add dev veth2 ethertype 0x88b5 action pass
	assert_failure
	nctl detach dev veth2
	wait_for "grep -q '^detach dev veth2' $TMP/only"
	wait_for "grep -q '^detach dev veth2' $TMP/all"
	run cat "$TMP/only"
	assert_line --index 0 --regexp '^attach dev veth2 uuid .* mode '
	assert_line --index 1 --regexp '^flow add dev veth2 .* ethertype 0x88b5 action drop'
	assert_line --index 2 'detach dev veth2'
	assert_equal "${#lines[@]}" 3
	grep -q 'ethertype 0x88b6' "$TMP/all"
	assert_equal "$(grep -c '^flow add' "$TMP/all")" 2
}

@test "a monitor that does not read never blocks netifd; it is told how many events it lost" {
	nctl attach dev veth0 >/dev/null
	local pid
	mon_bg slow -j
	pid=$MON_PID
	mon_bg fast -j
	mon_sync slow fast
	# the slow one stops reading altogether (ip netns exec became netifctl): its socket fills up
	kill -STOP "$pid"
	local i
	for i in $(seq 1 1500); do
		echo "flow add dev veth0 ethertype $((0x9000 + i)) action drop uuid 00000000-0000-4000-8000-$(printf %012d "$i")"
		echo "flow delete dev veth0 uuid 00000000-0000-4000-8000-$(printf %012d "$i")"
	done >"$TMP/batch"
	local t0=$SECONDS
	nctl -batch "$TMP/batch" >/dev/null
	# 3000 changes while one monitor does not read: netifd went on at its own pace
	echo "3000 changes in $((SECONDS - t0)) s with a stopped monitor" >&3
	[ $((SECONDS - t0)) -lt 30 ]
	nctl show dev veth0 >/dev/null
	# once it reads again and has caught up, it is told what it lost, counted,
	# without waiting for another event; then it hears the next one
	kill -CONT "$pid"
	wait_for "grep -q '\"event\":\"lost\"' $TMP/slow"
	nctl flow add dev veth0 ethertype 0x88b5 action drop >/dev/null
	wait_for "grep -q '\"ethertype\":\"0x88b5\"' $TMP/slow"
	wait_for "grep -q '\"ethertype\":\"0x88b5\"' $TMP/fast"
	local got lost
	got=$(grep -c '"event":"flow' "$TMP/slow")
	lost=$(jq -s 'map(select(.event == "lost") | .lost) | add // 0' "$TMP/slow")
	echo "slow monitor: $got flow events, $lost lost" >&3
	[ "$lost" -gt 0 ]
	# every event is either delivered or counted as lost, and the last one is there
	assert_equal $((got + lost)) 3001
	assert_equal "$(tail -1 "$TMP/slow" | jq -r .flow.ethertype)" 0x88b5
	# the monitor that read lost nothing
	assert_equal "$(grep -c '"event":"flow' "$TMP/fast")" 3001
	run grep -c '"event":"lost"' "$TMP/fast"
	assert_output 0
}
