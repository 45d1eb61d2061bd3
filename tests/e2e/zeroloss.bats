#!/usr/bin/env bats
# Zero loss, counted. A known number of frames at a steady 120 kpps (the
# live-frames generator on the peer, half to a pass flow, half to a drop
# flow) while the agent or the device's neighbours change under them:
#   (a) netifd killed with SIGKILL and started again;
#   (b) netifd stopped and a netifd with different programs started (the
#       in-place upgrade: the same sources built with -mcpu=v2);
#   (c) another netif on the same host attached and detached;
#   (d) 10,000 flows added and deleted on the same netif (netifctl -batch).
# In each: frames sent = delivered (nftables counter at A's IP input) +
# dropped by the drop flow (its own counter), with nothing unexplained;
# no frame of the drop flow is delivered; the netif's and the flows'
# counters count every frame across the change (no reset). Frames the
# generator's veth could not hand to the peer are counted by the kernel
# (xdp_xmit_err) and reported apart: they never reached netif.

load helpers

PPS=60000 # per flow: 120 kpps in all

setup() {
	setup_topology
	start_netifd
	nctl attach dev veth0 mode native >/dev/null
	PASS=$(nctl flow add dev veth0 tuple proto udp dport 9 action pass | awk '/^uuid/ { print $2 }')
	DROP=$(nctl flow add dev veth0 tuple proto udp dport 10 action drop | awk '/^uuid/ { print $2 }')
	ina nft -f - <<'EOF'
table inet nifzl {
	chain in {
		type filter hook input priority 0; policy accept;
		udp dport 9 counter
		udp dport 10 counter
	}
}
EOF
}

teardown() {
	teardown_topology
}

nft_count() { # packets counted for UDP port $1 at A's IP input
	ina nft -j list chain inet nifzl in |
		jq "[.nftables[].rule | select(.expr) | select(.expr[0].match.right == $1) | .expr[1].counter.packets] | add"
}

xmit_err() { # frames the generator's veth could not pass on (kernel counters)
	inb ethtool -S veth1 | awk '/xdp_xmit_err/ { s += $2 } END { print s + 0 }'
}

# Start both generators (SECS seconds' worth of frames each at PPS), run the
# event (shell code) a second in, wait for the generators, check the account.
# SECS is generous: on a busy machine a restart or 20,000 flow changes take
# several seconds, and the change must happen wholly under traffic.
#   zero_loss NAME SECS EVENT
zero_loss() {
	local name=$1 SECS=$2 event=$3 n=$(($2 * PPS)) rx0 p0 d0 e0 g9 g10 rx p d e got9 got10 lost t
	rx0=$(stat_of veth0 rx_packets)
	p0=$(flow_field veth0 "$PASS" packets)
	d0=$(flow_field veth0 "$DROP" packets)
	e0=$(xmit_err)
	ip netns exec "$NS_B" nice -n -15 "$LIVEGEN" veth1 "$MAC_A" $IP_B $IP_A 9 $((SECS + 20)) \
		$FRAME $PPS $n >"$TMP/gen9" 2>&1 3>&- &
	g9=$!
	ip netns exec "$NS_B" nice -n -15 "$LIVEGEN" veth1 "$MAC_A" $IP_B $IP_A 10 $((SECS + 20)) \
		$FRAME $PPS $n >"$TMP/gen10" 2>&1 3>&- &
	g10=$!
	sleep 1
	t=$EPOCHREALTIME
	eval "$event"
	t=$(awk -v a="$t" -v b="$EPOCHREALTIME" 'BEGIN { printf "%.2f", b - a }')
	# the change happened under traffic, from start to end
	if ! kill -0 "$g9" 2>/dev/null || ! kill -0 "$g10" 2>/dev/null; then
		echo "# ($name) took $t s: longer than the traffic" >&3
		return 1
	fi
	wait "$g9"
	wait "$g10"
	sleep 0.5
	echo "# ($name) generators: $(cat "$TMP/gen9") | $(cat "$TMP/gen10")" >&3
	grep -q "^sent $n " "$TMP/gen9"
	grep -q "^sent $n " "$TMP/gen10"
	rx=$(($(stat_of veth0 rx_packets) - rx0))
	p=$(($(flow_field veth0 "$PASS" packets) - p0))
	d=$(($(flow_field veth0 "$DROP" packets) - d0))
	e=$(($(xmit_err) - e0))
	got9=$(nft_count 9)
	got10=$(nft_count 10)
	lost=$((2 * n - e - got9 - d))
	echo "# ($name, the change took $t s) sent $((2 * n)) at $((2 * PPS)) pps: delivered $got9 + dropped by the drop flow $d" \
		"+ not passed on by the generator's veth $e; unexplained $lost;" \
		"drop flow delivered $got10; netif rx $rx, pass flow $p" >&3
	echo "$name $t $((2 * n)) $got9 $d $e $lost $got10" >>"${ZL_REPORT:-/dev/null}"
	assert_equal "$lost" 0
	assert_equal "$got10" 0
	# counters continued across the change: every frame that reached netif is in them
	assert_equal "$p" "$got9"
	# and nothing else happened to them (the rest: a few of B's own neighbour discovery frames)
	[ "$rx" -ge $((got9 + d)) ] && [ "$rx" -le $((got9 + d + 20)) ]
}

# A netifd whose programs differ from the running ones: the same sources
# compiled for BPF ISA v2, so the instructions (and the program tags) differ
# while every map keeps its layout.
build_variant() {
	local top
	top=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
	VB=$TMP/vbuild
	cp -a "$BUILD" "$VB"
	# objects, skeletons (kept as secondary files: make would not remake them
	# from a missing object), every room that embeds them (its .d names a
	# skeleton), the binary
	rm -f "$VB"/bpf/netif_xdp.{bpf.o,skel.h} "$VB"/tc/netif_tc{,_nokctx}.{bpf.o,skel.h} "$VB/netifd" \
		$(grep -l 'skel\.h' "$VB"/userspace/netifd/*.d | sed 's/\.d$/.o/')
	make -s -C "$top" BUILD="$VB" BPF_EXTRA=-mcpu=v2 "$VB/netifd" >"$TMP/vbuild.log" 2>&1
	! cmp -s "$BUILD/bpf/netif_xdp.bpf.o" "$VB/bpf/netif_xdp.bpf.o"
}

@test "zero loss (a): netifd killed with SIGKILL and restarted" {
	zero_loss kill9 15 'kill -KILL "$NETIFD_PID"; wait "$NETIFD_PID" 2>/dev/null || true; NETIFD_PID=; start_netifd'
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 2
}

@test "zero loss (b): netifd stopped, a netifd with different programs started (in-place upgrade)" {
	local id0
	build_variant
	id0=$(ina bpftool -j link show pinned "$PIN_ROOT/veth0/xdp_link" | jq .prog_id)
	zero_loss upgrade 20 'stop_netifd; NETIFD=$VB/netifd start_netifd'
	grep -q "programs upgraded in place" "$TMP/netifd.log" || { cat "$TMP/netifd.log" "$TMP/vbuild.log" | tail -n 30 >&3; false; }
	# the XDP link now runs another program
	[ "$(ina bpftool -j link show pinned "$PIN_ROOT/veth0/xdp_link" | jq .prog_id)" != "$id0" ]
}

@test "zero loss (c): another netif on the same host attached and detached" {
	ip link add veth2 netns "$NS_A" type veth peer veth3 netns "$NS_B"
	ip -n "$NS_A" link set veth2 up
	ip -n "$NS_B" link set veth3 up
	zero_loss neighbour 20 'nctl attach dev veth2 >/dev/null; nctl flow add dev veth2 tuple proto udp dport 9 action drop >/dev/null; nctl detach dev veth2'
	assert_equal "$(nctl -j show | jq length)" 1
}

@test "zero loss (d): 10,000 flows added and deleted on the same netif" {
	local i
	for i in $(seq 10000); do
		printf 'flow add dev veth0 tuple proto udp dport %d action drop uuid 00000000-0000-4000-8000-%012d\n' \
			$((20000 + i)) "$i"
	done >"$TMP/add.batch"
	sed 's/^flow add dev veth0 .* uuid /flow del dev veth0 uuid /' "$TMP/add.batch" >"$TMP/del.batch"
	zero_loss flows10k 25 'nctl -batch "$TMP/add.batch" >/dev/null && nctl -batch "$TMP/del.batch"'
	assert_equal "$(nctl -j flow show dev veth0 | jq length)" 2
	[ "$(stat_of veth0 flow_add)" -ge 10002 ]
	[ "$(stat_of veth0 flow_del)" -ge 10000 ]
}
