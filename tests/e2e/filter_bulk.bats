#!/usr/bin/env bats
# Bulk TCP through every filter kind, in both directions, bytes verified.
#
# Sent by the host (A -> B), TCP hands the egress hook multi-segment (GSO)
# packets, TSO and GSO on or off; netifd must split each copy into the
# frames the kernel would have sent (pcap/count: mirrored, the original
# goes on; drop/external: stolen, segmented, sent on after the chain).
# Received by the host (B -> A), frames go up through AF_XDP and are
# re-injected, and A's ACKs take the egress path. A random 8 MiB file is
# sent with a plain TCP client and its SHA-256 compared on arrival.

load helpers

FILE_MB=8
# at least this many full-sized frames carry the file
MIN_FRAMES=$(((FILE_MB << 20) / 1500))

setup() {
	setup_topology
	# B's veth would hand A unfinished checksums (see exception.bats)
	inb ethtool -K veth1 tx off >/dev/null
	start_netifd
	nctl attach dev veth0 >/dev/null
	head -c $((FILE_MB << 20)) /dev/urandom >"$TMP/data"
	WANT=$(sha256sum <"$TMP/data" | cut -d' ' -f1)
}

teardown() {
	teardown_topology
}

# A TCP receiver in namespace $1 on port 5301: the SHA-256 and byte count
# of one connection's data, and the seconds between accept and EOF, into $2.
recv_bg() {
	bg_in "$1" timeout 60 "$PYTHON" -c '
import hashlib, socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("0.0.0.0", 5301))
s.listen(1)
c, _ = s.accept()
t0, h, n = time.monotonic(), hashlib.sha256(), 0
while True:
    d = c.recv(1 << 20)
    if not d:
        break
    h.update(d)
    n += len(d)
with open(sys.argv[1], "w") as f:
    f.write("%s %d %.3f\n" % (h.hexdigest(), n, time.monotonic() - t0))
' "$2"
	wait_for "ip netns exec $1 ss -Htln 'sport = :5301' | grep -q ."
}

# Send the file from namespace $1 to $2 and check what arrived: bulk FROM_NS TO_IP TO_NS
bulk() {
	local from=$1 ip=$2 to=$3 got sum n secs
	recv_bg "$to" "$TMP/got"
	run ip netns exec "$from" timeout 40 "$PYTHON" -c '
import socket, sys
c = socket.create_connection((sys.argv[1], 5301), timeout=30)
with open(sys.argv[2], "rb") as f:
    c.sendfile(f)
c.shutdown(socket.SHUT_WR)
c.recv(1)
' "$ip" "$TMP/data"
	assert_success
	wait_for '[ -s "$TMP/got" ]'
	read -r sum n secs <"$TMP/got"
	awk -v n="$n" -v s="$secs" -v d="$BATS_TEST_DESCRIPTION" \
		'BEGIN { printf "# %s: %d bytes in %.2f s, %.0f Mbit/s\n", d, n, s, n * 8 / s / 1e6 }' >&3
	assert_equal "$n" $((FILE_MB << 20))
	assert_equal "$sum" "$WANT"
	assert_equal "$(stat_of veth0 egress_seg_fail)" 0
	assert_equal "$(stat_of veth0 tx_exc_too_big)" 0
}

# The host's own TCP, out through the egress hook: multi-segment packets were split
host_sends() {
	bulk "$NS_A" $IP_B "$NS_B"
	wait_for '[ "$(stat_of veth0 egress_segmented)" -gt 0 ]'
	[ "$(stat_of veth0 egress_segments)" -gt "$(stat_of veth0 egress_segmented)" ]
}

host_receives() {
	bulk "$NS_B" $IP_A "$NS_A"
	[ "$(stat_of veth0 reinject_rx)" -gt $MIN_FRAMES ]
	assert_equal "$(stat_of veth0 reinject_fail)" 0
}

pcap_filter() {
	nctl filter add dev veth0 pcap "$TMP/bulk.pcap" >/dev/null
}

# the capture holds wire frames only: every TCP frame fits the MTU
pcap_check() {
	local frames big
	nctl filter del dev veth0 id "$(nctl -j filter show dev veth0 | jq '.[0].id')"
	frames=$(tcpdump -nr "$TMP/bulk.pcap" -e 'tcp port 5301' 2>/dev/null)
	[ "$(echo "$frames" | grep -c .)" -gt $MIN_FRAMES ]
	# "... ethertype IPv4 (0x0800), length N: ..." is the frame's length
	big=$(echo "$frames" | awk '{ for (i = 1; i < NF; i++) if ($i == "length") { sub(":", "", $(i + 1));
		if ($(i + 1) + 0 > 1514) n++; break } } END { print n + 0 }')
	assert_equal "$big" 0
}

@test "bulk TCP, host sends, through a pcap filter: mirrored, the capture holds wire frames" {
	pcap_filter
	host_sends
	[ "$(stat_of veth0 egress_mirrored)" -gt 0 ]
	assert_equal "$(stat_of veth0 exc_tx)" 0 # the originals went out, nothing was sent twice
	pcap_check
}

@test "bulk TCP, host receives, through a pcap filter" {
	pcap_filter
	host_receives
	pcap_check
}

@test "bulk TCP, host sends, through a count filter" {
	nctl filter add dev veth0 count >/dev/null
	host_sends
	[ "$(nctl -s -j filter show dev veth0 | jq '.[0].packets')" -gt $MIN_FRAMES ]
}

@test "bulk TCP, host receives, through a count filter" {
	nctl filter add dev veth0 count >/dev/null
	host_receives
	[ "$(nctl -s -j filter show dev veth0 | jq '.[0].packets')" -gt $MIN_FRAMES ]
}

@test "bulk TCP, host sends, through a drop filter: stolen, segmented, sent on" {
	nctl filter add dev veth0 drop 'udp port 9' >/dev/null
	host_sends
	assert_equal "$(stat_of veth0 egress_mirrored)" 0
	[ "$(stat_of veth0 exc_tx)" -gt $MIN_FRAMES ]
	# and it still drops what it matches, on the way out
	ina bash -c "for i in 1 2 3; do echo x > /dev/udp/$IP_B/9; done"
	wait_for '[ "$(nctl -s -j filter show dev veth0 | jq ".[0].drops")" -ge 3 ]'
}

@test "bulk TCP, host receives, through a drop filter" {
	nctl filter add dev veth0 drop 'udp port 9' >/dev/null
	host_receives
}

ext_filter() {
	ip netns exec "$NS_A" "$NETIFCAT" -S "$SOCK" -q dev veth0 filter audit drop 'udp port 9' \
		>"$TMP/ext.log" 2>&1 3>&- &
	wait_for '[ "$(nctl -j filter show dev veth0 | jq length)" = 1 ]'
}

@test "bulk TCP, host sends, through an external filter process (netifcat)" {
	ext_filter
	host_sends
	[ "$(stat_of veth0 exc_tx)" -gt $MIN_FRAMES ]
}

@test "bulk TCP, host receives, through an external filter process (netifcat)" {
	ext_filter
	host_receives
}

@test "bulk TCP with TSO and GSO off: still multi-segment packets, still split" {
	ina ethtool -K veth0 tso off gso off >/dev/null
	nctl filter add dev veth0 drop 'udp port 9' >/dev/null
	host_sends
	# netifd leaves the device's offloads as the user set them
	run ina ethtool -k veth0
	assert_output --partial "tcp-segmentation-offload: off"
	nctl filter del dev veth0 id "$(nctl -j filter show dev veth0 | jq '.[0].id')"
	ina ethtool -K veth0 tso on gso on >/dev/null
	nctl filter add dev veth0 count >/dev/null
	run ina ethtool -k veth0
	assert_output --partial "tcp-segmentation-offload: on"
}
