#!/usr/bin/env bats
# Security: hostile peers of the control socket, hostile channel clients
# and filter processes, capture files, failing open when netifd is gone,
# least privilege. Every test plays the attacker of issue 11 against a
# live netifd (see docs/security.md).

load helpers

CTL_ABUSE=${CTL_ABUSE:-$BUILD/tests/tools/ctl_abuse}
NOBODY="setpriv --reuid=65534 --regid=65534 --clear-groups"

setup() {
	setup_topology
	inb ethtool -K veth1 tx off >/dev/null
	start_netifd
	nctl attach dev veth0 >/dev/null
}

teardown() {
	# a global sysctl a test changed goes back first, whatever happened
	[ -n "${SYMLINKS_SAVED:-}" ] && sysctl -qw fs.protected_symlinks="$SYMLINKS_SAVED"
	teardown_topology
}

# CPU seconds (user + system) netifd used so far.
netifd_cpu() {
	awk -v hz="$(getconf CLK_TCK)" '{ printf "%.2f\n", ($14 + $15) / hz }' "/proc/$NETIFD_PID/stat"
}

# Wait (30 s at most: the flood holds its connections 8 s) for the flood's report.
flood_report() {
	local i
	for i in $(seq 1 300); do
		grep -q opened "$TMP/bg.log" && return 0
		sleep 0.1
	done
	return 1
}

# Restart netifd under an fd limit: restart_netifd_nofile N
restart_netifd_nofile() {
	stop_netifd
	ip netns exec "$NS_A" prlimit --nofile="$1" "$NETIFD" -f -v -S "$SOCK" -P "$PIN_ROOT" \
		>>"$TMP/netifd.log" 2>&1 &
	NETIFD_PID=$!
	wait_for 'nctl show dev veth0'
}

@test "control: a request claiming nlmsg_len >= 2^31 is refused, netifd survives" {
	run ina $NOBODY "$CTL_ABUSE" "$SOCK" huge-len
	assert_success
	assert_equal "$(echo "$output" | grep -c ': -22$')" 4
	kill -0 "$NETIFD_PID"
	run nctl show dev veth0
	assert_success
}

@test "control: a peer that sends 3000 GETs and never reads delays nobody (< 100 ms)" {
	bg_in "$NS_A" $NOBODY timeout 30 "$CTL_ABUSE" "$SOCK" noread 3000 20
	sleep 1
	run ina timeout 20 "$CTL_ABUSE" "$SOCK" latency 20 veth0
	assert_success
	echo "slowest show of 20 next to the non-reader: $output ms" >&3
	awk -v ms="$output" 'BEGIN { exit !(ms < 100) }'
	# and a dump of every netif too
	run ina timeout 20 "$CTL_ABUSE" "$SOCK" latency 5
	assert_success
	awk -v ms="$output" 'BEGIN { exit !(ms < 100) }'
}

@test "control: an unprivileged connection flood is capped without spinning; root is served" {
	restart_netifd_nofile 1024
	bg_in "$NS_A" $NOBODY timeout 30 "$CTL_ABUSE" "$SOCK" flood 1100 8
	sleep 3
	local t0 t1
	t0=$(netifd_cpu)
	sleep 3
	t1=$(netifd_cpu)
	echo "netifd CPU during the flood: $t0 s -> $t1 s over 3 s" >&3
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.6) }'
	run ina timeout 10 "$CTL_ABUSE" "$SOCK" latency 5 veth0
	assert_success
	awk -v ms="$output" 'BEGIN { exit !(ms < 100) }'
	flood_report
	run grep opened "$TMP/bg.log"
	echo "flood: $output" >&3
	# 16 connections per user; every other one was accepted and closed
	local opened closed
	opened=$(echo "$output" | awk '{ print $2 }')
	closed=$(echo "$output" | awk '{ print $4 }')
	[ "$closed" -ge $((opened - 16)) ]
}

@test "control: out of descriptors, connections are accepted and closed without spinning" {
	# leave netifd 20 descriptors more than it uses: the connection cap is not reached first
	local nfd
	nfd=$(ls "/proc/$NETIFD_PID/fd" | wc -l)
	prlimit --pid "$NETIFD_PID" --nofile=$((nfd + 20))
	bg_in "$NS_A" timeout 30 "$CTL_ABUSE" "$SOCK" flood 400 8
	sleep 3
	local t0 t1
	t0=$(netifd_cpu)
	sleep 3
	t1=$(netifd_cpu)
	echo "netifd CPU with its descriptors used up: $t0 s -> $t1 s over 3 s" >&3
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.6) }'
	flood_report
	run grep opened "$TMP/bg.log"
	echo "flood: $output" >&3
	# all but the 20 that fit were accepted and closed
	local opened closed
	opened=$(echo "$output" | awk '{ print $2 }')
	closed=$(echo "$output" | awk '{ print $4 }')
	[ "$opened" -gt 64 ]
	[ "$closed" -ge $((opened - 25)) ]
	grep -q "out of file descriptors" "$TMP/netifd.log"
	# the flood is gone: everyone is served again
	run ina timeout 10 "$CTL_ABUSE" "$SOCK" latency 3 veth0
	assert_success
}

@test "control: at the connection cap the listener rests (no spin), and resumes" {
	restart_netifd_nofile 300
	# the cap is the fd limit less a headroom (here 300 - 128): root's own flood reaches it
	bg_in "$NS_A" timeout 30 "$CTL_ABUSE" "$SOCK" flood 400 8
	sleep 3
	local t0 t1
	t0=$(netifd_cpu)
	sleep 3
	t1=$(netifd_cpu)
	echo "netifd CPU at the connection cap: $t0 s -> $t1 s over 3 s" >&3
	awk -v a="$t0" -v b="$t1" 'BEGIN { exit !(b - a < 0.6) }'
	grep -q "not accepting new connections" "$TMP/netifd.log"
	flood_report
	wait_for "ina timeout 5 '$CTL_ABUSE' '$SOCK' latency 1 veth0"
	grep -q "accepting new connections" "$TMP/netifd.log"
}

RING_ABUSE=${RING_ABUSE:-$BUILD/tests/tools/ring_abuse}
FORGED_MAC=02:66:6f:72:67:65

# Capture what arrives on B's veth1 into $TMP/$1.pcap: capture_b NAME [FILTER...]
capture_b() {
	local name=$1
	shift
	bg_in "$NS_B" timeout 60 tcpdump -i veth1 -Q in -U -w "$TMP/$name.pcap" "$@"
	wait_for "[ -s '$TMP/$name.pcap' ]"
	sleep 0.5
}

stop_capture() {
	sleep 0.5
	ip netns pids "$NS_B" | xargs -r ps -o pid=,comm= -p | awk '$2 == "tcpdump" { print $1 }' |
		xargs -r kill -INT
	sleep 0.5
}

# Frames in a pcap matching a tcpdump filter: pcap_count FILE FILTER...
pcap_count() {
	local f=$1
	shift
	tcpdump -nn -r "$f" "$@" 2>/dev/null | wc -l
}

# The largest captured length in a pcap file (python: tcpdump cannot tell).
pcap_max_caplen() {
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
off, m = 24, 0
while off + 16 <= len(d):
    cap = struct.unpack_from("<I", d, off + 8)[0]
    m = max(m, cap)
    off += 16 + cap
print(m)' "$1"
}

@test "shared memory: a port client rewriting submitted frames forges nothing onto the wire" {
	nctl flow add dev veth0 tuple proto udp dport 7000 action port 2 >/dev/null
	capture_b wire
	run ina "$RING_ABUSE" "$SOCK" veth0 port 2 4 "$MAC_B" $IP_A $IP_B 7000 7001
	assert_success
	echo "racing port client: $output" >&3
	stop_capture
	local good forged
	good=$(pcap_count "$TMP/wire.pcap" ether src "$MAC_A" and udp port 7001)
	forged=$(pcap_count "$TMP/wire.pcap" ether src $FORGED_MAC or ether proto 0x88b5)
	echo "on the wire: $good valid, $forged forged; chan_tx $(stat_of veth0 chan_tx)," \
		"chan_tx_invalid $(stat_of veth0 chan_tx_invalid)" >&3
	[ "$good" -gt 100 ]
	assert_equal "$forged" 0
	[ "$(stat_of veth0 chan_tx_invalid)" -gt 0 ]
	kill -0 "$NETIFD_PID"
}

@test "shared memory: a filter rewriting returned slots leaks nothing and redirects nothing" {
	bg_in "$NS_A" "$RING_ABUSE" "$SOCK" veth0 filter hostile 5
	wait_for '[ "$(nctl -j filter show dev veth0 | jq length)" = 1 ]'
	nctl filter add dev veth0 pcap "$TMP/after.pcap" >/dev/null
	# a client on port 2: no frame may be steered to it
	ip netns exec "$NS_A" "$NETIFCAT" -S "$SOCK" -q dev veth0 port 2 >"$TMP/port2.log" 2>&1 3>&- &
	wait_for '[ "$(nctl -j port show dev veth0 | jq length)" = 1 ]'
	capture_b reflected ether src "$MAC_B"
	inb ping -c 1500 -i 0.002 -W 1 $IP_A >/dev/null || true
	wait_for '! nctl -j filter show dev veth0 | jq -e ".[] | select(.kind == \"external\")"'
	stop_capture
	kill -0 "$NETIFD_PID"
	nctl filter del dev veth0 id "$(nctl -j filter show dev veth0 | jq '.[0].id')"
	local maxcap n
	maxcap=$(pcap_max_caplen "$TMP/after.pcap")
	n=$(pcap_count "$TMP/after.pcap")
	echo "capture after the hostile filter: $n frames, largest $maxcap bytes;" \
		"filter_drop $(stat_of veth0 filter_drop); reflected to B:" \
		"$(pcap_count "$TMP/reflected.pcap")" >&3
	[ "$n" -gt 10 ]
	[ "$maxcap" -le 2048 ]
	assert_equal "$(nctl -s -j port show dev veth0 | jq '.[0].rx_packets')" 0
	assert_equal "$(pcap_count "$TMP/reflected.pcap")" 0
}

# ---- capture files ----------------------------------------------------------------

nfilters() { nctl -j filter show dev veth0 | jq length; }

@test "captures: a link planted in a sticky directory is refused (fs.protected_symlinks=0)" {
	SYMLINKS_SAVED=$(sysctl -n fs.protected_symlinks)
	sysctl -qw fs.protected_symlinks=0
	mkdir -m 1777 "$TMP/sticky"
	mkdir -m 700 "$TMP/rootonly"
	ina $NOBODY ln -s "$TMP/rootonly/victim.pcap" "$TMP/sticky/cap.pcap"
	run nctl filter add dev veth0 pcap "$TMP/sticky/cap.pcap"
	assert_failure
	assert_output --partial "symbolic link"
	assert_file_not_exist "$TMP/rootonly/victim.pcap"
	assert_equal "$(nfilters)" 0
}

@test "captures: another user's file, a readable file, a hard link and a FIFO are refused; a new one is 0600" {
	mkdir -m 1777 "$TMP/sticky"
	# writable by anyone, so only the owner check can refuse it
	ina $NOBODY sh -c "umask 0; touch '$TMP/sticky/users.pcap'"
	run nctl filter add dev veth0 pcap "$TMP/sticky/users.pcap"
	assert_failure
	assert_output --partial "belongs to uid 65534"
	touch "$TMP/readable.pcap"
	chmod 644 "$TMP/readable.pcap"
	run nctl filter add dev veth0 pcap "$TMP/readable.pcap"
	assert_failure
	assert_output --partial "accessible to others"
	install -m 600 /dev/null "$TMP/one.pcap"
	ln "$TMP/one.pcap" "$TMP/two.pcap"
	run nctl filter add dev veth0 pcap "$TMP/two.pcap"
	assert_failure
	assert_output --partial "links"
	mkfifo -m 600 "$TMP/fifo.pcap"
	run timeout 5 ip netns exec "$NS_A" "$NETIFCTL" -S "$SOCK" filter add dev veth0 pcap "$TMP/fifo.pcap"
	assert_failure
	assert_output --partial "not a regular file"
	assert_equal "$(nfilters)" 0
	run nctl filter add dev veth0 pcap "$TMP/new.pcap"
	assert_success
	assert_equal "$(stat -c '%a %u' "$TMP/new.pcap")" "600 0"
}

@test "captures: after a restart a filter writes only to the very file it was writing" {
	mkdir -m 700 "$TMP/rootonly"
	nctl filter add dev veth0 pcap "$TMP/cap.pcap" >/dev/null
	inb ping -c 2 -i 0.2 $IP_A >/dev/null
	stop_netifd
	# a link where the file was: not followed
	mv "$TMP/cap.pcap" "$TMP/cap.orig"
	ln -s "$TMP/rootonly/victim.pcap" "$TMP/cap.pcap"
	start_netifd
	assert_equal "$(nfilters)" 0
	assert_file_not_exist "$TMP/rootonly/victim.pcap"
	grep -q "cannot be restored.*symbolic link" "$TMP/netifd.log"
	# another file of root's in its place: not the one it was writing
	stop_netifd
	rm "$TMP/cap.pcap"
	install -m 600 /dev/null "$TMP/cap.pcap"
	start_netifd
	assert_equal "$(nfilters)" 0
	grep -q "no longer the file" "$TMP/netifd.log"
	# the very file back: the filter is restored and appends to it
	stop_netifd
	mv -f "$TMP/cap.orig" "$TMP/cap.pcap"
	local before
	before=$(pcap_count "$TMP/cap.pcap")
	start_netifd
	assert_equal "$(nfilters)" 1
	inb ping -c 2 -i 0.2 $IP_A >/dev/null
	stop_netifd
	[ "$(pcap_count "$TMP/cap.pcap")" -gt "$before" ]
}

# ---- counters -----------------------------------------------------------------------

@test "filters: packet and drop counters survive a restart" {
	nctl filter add dev veth0 count >/dev/null
	nctl filter add dev veth0 drop icmp >/dev/null
	inb ping -c 5 -i 0.2 -W 1 $IP_A >/dev/null || true
	local pk dr
	pk=$(nctl -s -j filter show dev veth0 | jq '.[] | select(.kind == "count") | .packets')
	dr=$(nctl -s -j filter show dev veth0 | jq '.[] | select(.kind == "drop") | .drops')
	[ "$pk" -ge 5 ]
	[ "$dr" -ge 5 ]
	stop_netifd
	start_netifd
	[ "$(nctl -s -j filter show dev veth0 | jq '.[] | select(.kind == "count") | .packets')" -ge "$pk" ]
	[ "$(nctl -s -j filter show dev veth0 | jq '.[] | select(.kind == "drop") | .drops')" -ge "$dr" ]
}

# ---- failing open -----------------------------------------------------------------

kill9_netifd() {
	kill -9 "$NETIFD_PID"
	wait "$NETIFD_PID" 2>/dev/null || true
	NETIFD_PID=
}

@test "fail open: netifd killed -9 with a filter installed, egress pings keep flowing, ingress falls back" {
	nctl filter add dev veth0 count >/dev/null
	run ina ping -c 3 -i 0.2 -W 1 $IP_B
	assert_success
	kill9_netifd
	run ina ping -c 5 -i 0.2 -W 1 $IP_B
	assert_success
	assert_output --partial "5 received"
	start_netifd
	echo "tx_exc_agent_down $(stat_of veth0 tx_exc_agent_down), exc_no_socket" \
		"$(stat_of veth0 exc_no_socket)" >&3
	# the requests went out without an agent, the replies came in without one
	[ "$(stat_of veth0 tx_exc_agent_down)" -ge 5 ]
	[ "$(stat_of veth0 exc_no_socket)" -ge 5 ]
}

# The largest delay, in seconds, between an ICMP echo request's send time
# (the timeval iputils ping puts in its payload) and its arrival in a pcap.
ping_max_lag() {
	python3 -c '
import struct, sys
d = open(sys.argv[1], "rb").read()
off, lag, n = 24, 0.0, 0
while off + 16 <= len(d):
    sec, usec, cap, _ = struct.unpack_from("<IIII", d, off)
    p = d[off + 16: off + 16 + cap]
    off += 16 + cap
    if len(p) >= 58 and p[12:14] == b"\x08\x00" and p[23] == 1 and p[34] == 8:
        ts, tus = struct.unpack_from("<qq", p, 42)
        lag = max(lag, sec + usec / 1e6 - (ts + tus / 1e6))
        n += 1
print("%d %.3f" % (n, lag))' "$1"
}

@test "fail open: packets queued for a stopped agent are dropped at restart, never sent late" {
	nctl filter add dev veth0 count >/dev/null
	# no ARP through the stopped agent: only the echo requests are at stake
	ip -n "$NS_A" neigh replace $IP_B lladdr "$MAC_B" dev veth0 nud permanent
	capture_b late icmp
	kill -STOP "$NETIFD_PID"
	# the first second goes to the stopped agent; after that egress fails open
	run ina ping -c 20 -i 0.1 -W 1 $IP_B
	echo "ping while netifd is stopped: $(echo "$output" | grep received)" >&3
	sleep 2
	kill9_netifd
	start_netifd
	sleep 1
	stop_capture
	run ping_max_lag "$TMP/late.pcap"
	echo "echo requests at B: ${output% *}, largest delay ${output#* } s;" \
		"egress_exc_stale $(stat_of veth0 egress_exc_stale)" >&3
	[ "${output% *}" -ge 5 ]
	awk -v lag="${output#* }" 'BEGIN { exit !(lag < 1.5) }'
	[ "$(stat_of veth0 egress_exc_stale)" -ge 1 ]
}

# ---- least privilege ----------------------------------------------------------------

@test "privileges: netifd keeps CAP_BPF, CAP_PERFMON, CAP_NET_ADMIN, CAP_NET_RAW, CAP_IPC_LOCK only" {
	local st
	st=$(cat "/proc/$NETIFD_PID/status")
	echo "$st" | grep -E '^(Cap|NoNewPrivs)' >&3
	# 1 << 39 | 1 << 38 | 1 << 14 | 1 << 13 | 1 << 12
	echo "$st" | grep -q '^CapEff:	000000c000007000$'
	echo "$st" | grep -q '^CapPrm:	000000c000007000$'
	echo "$st" | grep -q '^CapBnd:	000000c000007000$'
	echo "$st" | grep -q '^CapInh:	0000000000000000$'
	echo "$st" | grep -q '^CapAmb:	0000000000000000$'
	echo "$st" | grep -q '^NoNewPrivs:	1$'
	# and everything still works with that: a filter (AF_XDP, re-injection, egress copies)
	nctl filter add dev veth0 count >/dev/null
	run inb ping -c 3 -i 0.2 -W 2 $IP_A
	assert_success
	[ "$(stat_of veth0 reinject_rx)" -ge 3 ]
	[ "$(stat_of veth0 egress_exc_rx)" -ge 3 ]
}

@test "privileges: a leftover netif_tc filter is recognised without CAP_SYS_ADMIN" {
	nctl filter add dev veth0 count >/dev/null
	kill9_netifd
	# what an agent killed mid-detach leaves: the TC filter, no pins, no XDP
	umount "$TMP/bpffs"
	mount -t bpf bpf "$TMP/bpffs"
	ina tc filter show dev veth0 egress | grep -q netif_tc
	start_netifd
	run nctl attach dev veth0
	assert_success
	run ina tc filter show dev veth0 egress
	assert_equal "$(echo "$output" | grep -c 'netif_tc')" 1
}

@test "privileges: --admin-group members may change state, captures only into --capture-dir" {
	stop_netifd
	mkdir -m 700 "$TMP/caps"
	start_netifd --admin-group nogroup --capture-dir "$TMP/caps/"
	local member="setpriv --reuid=65534 --regid=65534 --clear-groups"
	local supp="setpriv --reuid=65534 --regid=4321 --groups=65534"
	local other="setpriv --reuid=65534 --regid=4321 --clear-groups"
	run ina $member "$NETIFCTL" -S "$SOCK" flow add dev veth0 tuple proto udp dport 9 action drop
	assert_success
	run ina $supp "$NETIFCTL" -S "$SOCK" flow add dev veth0 tuple proto udp dport 10 action drop
	assert_success
	run ina $other "$NETIFCTL" -S "$SOCK" flow add dev veth0 tuple proto udp dport 11 action drop
	assert_failure
	assert_output --partial "needs root or the admin group"
	run ina $member "$NETIFCTL" -S "$SOCK" filter add dev veth0 pcap "$TMP/elsewhere.pcap"
	assert_failure
	assert_output --partial "go directly into $TMP/caps"
	assert_file_not_exist "$TMP/elsewhere.pcap"
	run ina $member "$NETIFCTL" -S "$SOCK" filter add dev veth0 pcap "$TMP/caps/../escape.pcap"
	assert_failure
	run ina $member "$NETIFCTL" -S "$SOCK" filter add dev veth0 pcap "$TMP/caps/cap.pcap"
	assert_success
	assert_equal "$(stat -c '%a %u' "$TMP/caps/cap.pcap")" "600 0"
	# root is not held to the capture directory
	run nctl filter add dev veth0 pcap "$TMP/root.pcap"
	assert_success
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 2
}
