#!/usr/bin/env bash
# make demo: a guided tour of netif on a throw-away topology.
#
#   ns "client" (10.66.0.2, fd66::2) --veth-- ns "server" (10.66.0.1, fd66::1)
#                                              netifd attached here
#
# Everything the demo creates (namespaces, bpffs mount, netifd, temp files)
# is removed on exit, also on failure or Ctrl-C.
set -euo pipefail

BUILD=$(cd "${1:-build}" && pwd)
ID="netifdemo$$"
NS_S="${ID}s"
NS_C="${ID}c"
TMP=$(mktemp -d /tmp/netif-demo.XXXXXX)
SOCK=$TMP/netifd.sock
PIN=$TMP/bpffs/netif
NETIFD_PID=

cleanup() {
	set +e
	[ -n "$NETIFD_PID" ] && kill -TERM "$NETIFD_PID" 2>/dev/null && wait "$NETIFD_PID" 2>/dev/null
	ip netns del "$NS_S" 2>/dev/null
	ip netns del "$NS_C" 2>/dev/null
	umount "$TMP/bpffs" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

if [ "$(id -u)" -ne 0 ]; then
	echo "make demo needs root (network namespaces, XDP, bpffs)" >&2
	exit 1
fi

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }
S() { ip netns exec "$NS_S" "$@"; }
C() { ip netns exec "$NS_C" "$@"; }
ctl() { S "$BUILD/netifctl" -S "$SOCK" "$@"; }

say "topology: two namespaces joined by a veth pair"
ip netns add "$NS_S"
ip netns add "$NS_C"
ip link add veth0 netns "$NS_S" type veth peer veth1 netns "$NS_C"
S ip addr add 10.66.0.1/24 dev veth0
C ip addr add 10.66.0.2/24 dev veth1
S ip addr add fd66::1/64 dev veth0 nodad
C ip addr add fd66::2/64 dev veth1 nodad
S ip link set lo up
C ip link set lo up
S ip link set veth0 up
C ip link set veth1 up
# a wire delivers finished checksums; a veth sender would leave them to
# "hardware", which the exception path cannot see (docs/exception-path.md)
C ethtool -K veth1 tx off >/dev/null
MAC_S=$(S ip -j link show veth0 | jq -r '.[0].address')
echo "server veth0 $MAC_S 10.66.0.1 fd66::1  <->  client veth1 10.66.0.2 fd66::2"

say "start netifd (pins on a dedicated bpffs: ip netns exec remounts /sys)"
mkdir -p "$TMP/bpffs"
mount -t bpf bpf "$TMP/bpffs"
# not through S(): $! must be netifd itself, not a subshell
ip netns exec "$NS_S" "$BUILD/netifd" -f -v -S "$SOCK" -P "$PIN" >"$TMP/netifd.log" 2>&1 &
NETIFD_PID=$!
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done

say "attach the dataplane (XDP native on veth, TC egress on clsact)"
run ctl attach dev veth0 mode auto
run ctl show dev veth0

say "flows of every table type, most specific wins"
run ctl flow add dev veth0 tuple proto udp dport 5353 action drop
run ctl flow add dev veth0 tuple proto tcp src 10.66.0.2 dport 5201 action pass rate 200mbit
run ctl flow add dev veth0 ula local fd66::1 remote fd66::2 action pass
run ctl flow add dev veth0 ethertype 0x88b5 action drop
run ctl flow add dev veth0 dir out tuple proto icmp action pass

say "traffic: ping, ping6, UDP to a dropped port, TCP (iperf3, policed at 200 Mbit/s), custom ethertype"
C ping -c 3 -i 0.2 -q 10.66.0.1 | tail -2
C ping -6 -c 3 -i 0.2 -q fd66::1 | tail -2
for i in 1 2 3 4 5; do C bash -c 'echo demo > /dev/udp/10.66.0.1/5353' 2>/dev/null || true; done
S iperf3 -s -1 -D >/dev/null
sleep 0.3
C iperf3 -c 10.66.0.1 -t 2 -O 1 -f m 2>/dev/null | grep -E "receiver" || true
cat >"$TMP/etype.trafgen" <<EOF
{ $(echo "$MAC_S" | sed 's/^/0x/; s/:/, 0x/g'), 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, c16(0x88b5), fill(0xab, 46) }
EOF
C trafgen --dev veth1 --conf "$TMP/etype.trafgen" -n 10 -q >/dev/null 2>&1 || true

say "per-flow counters"
run ctl -s flow show dev veth0

say "exception path: a pcap filter sees both directions while traffic keeps flowing"
run ctl filter add dev veth0 pcap "$TMP/capture.pcap"
C ping -c 2 -i 0.2 -q 10.66.0.1 | tail -1
sleep 1.2
run tcpdump -nr "$TMP/capture.pcap" -c 6 2>/dev/null || true
run ctl -s filter show dev veth0

say "netif counters (fast path and agent)"
ctl stats show dev veth0 | awk 'NR == 1 || $2 != 0'

say "the same state, straight from the pinned maps with bpftool"
run S bpftool map dump pinned "$PIN/veth0/flows_tuple4" | sed -n 1,40p
run S bpftool map show pinned "$PIN/veth0/netif_stats"

say "detach: the interface is left as it was found"
run ctl detach dev veth0
run S tc qdisc show dev veth0
S ip -d link show dev veth0 | grep -c xdp >/dev/null && echo "xdp still attached?!" || echo "no XDP program on veth0"
say "done (netifd log: $(wc -l <"$TMP/netifd.log") lines)"
