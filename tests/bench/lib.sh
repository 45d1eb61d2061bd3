# shellcheck shell=bash
# Set-up shared by the benchmark scripts: two namespaces joined by a veth
# pair -- veth0 in NS_R, where netif (or the baseline) receives, and veth1 in
# NS_G, where the traffic comes from -- a private bpffs, netifd, and one
# cleanup. The caller sets BUILD and traps EXIT to bench_cleanup (or its own
# cleanup calling it); background processes go in BENCH_PIDS.

R() { ip netns exec "$NS_R" "$@"; }
G() { ip netns exec "$NS_G" "$@"; }
ctl() { R "$BUILD/netifctl" -S "$SOCK" "$@"; }

# bench_topology TAG NET: veth0 gets NET.1/24, veth1 NET.2/24 (a 10.x net).
# DEV_R and DEV_G rename the pair (a name unique on the host, where a
# script must tell its own kernel threads apart). Sets NS_R NS_G TMP SOCK
# MAC_R MAC_G.
bench_topology() {
	local tag=$1 net=$2
	local r=${DEV_R:-veth0} g=${DEV_G:-veth1}

	NS_R="nifb$tag$$r"
	NS_G="nifb$tag$$g"
	# no dot in it: libbpf turns dots of pin paths into underscores
	TMP=$(mktemp -d "/tmp/netif-bench-$tag-XXXXXX")
	SOCK=$TMP/netifd.sock
	ip netns add "$NS_R"
	ip netns add "$NS_G"
	ip link add "$r" netns "$NS_R" type veth peer "$g" netns "$NS_G"
	R ip addr add "$net.1/24" dev "$r"
	G ip addr add "$net.2/24" dev "$g"
	R ip link set lo up
	G ip link set lo up
	R ip link set "$r" up
	G ip link set "$g" up
	MAC_R=$(R cat /sys/class/net/"$r"/address)
	MAC_G=$(G cat /sys/class/net/"$g"/address)
	mkdir -p "$TMP/bpffs"
	mount -t bpf bpf "$TMP/bpffs"
}

# Start netifd in NS_R on the private bpffs and wait for its socket.
# Started with ip netns exec itself, not through R: a backgrounded function
# is a subshell, and $! would be that subshell rather than netifd.
# NETIFD_CPU pins it to one CPU (taskset), at nice -10.
bench_start_netifd() {
	ip netns exec "$NS_R" ${NETIFD_CPU:+nice -n -10 taskset -c "$NETIFD_CPU"} "$BUILD/netifd" -f -S "$SOCK" \
		-P "$TMP/bpffs/netif" >"$TMP/netifd.log" 2>&1 &
	NETIFD_PID=$!
	for _ in $(seq 100); do
		ctl show >/dev/null 2>&1 && return 0
		sleep 0.05
	done
	echo "netifd did not start:" >&2
	cat "$TMP/netifd.log" >&2
	return 1
}

# (under set -e: netifd ends by SIGTERM, so wait reports 143)
bench_stop_netifd() {
	if [ -n "${NETIFD_PID:-}" ]; then
		kill "$NETIFD_PID" 2>/dev/null || true
		wait "$NETIFD_PID" 2>/dev/null || true
		NETIFD_PID=
	fi
	return 0
}

bench_cleanup() {
	set +e
	local pid
	for pid in ${BENCH_PIDS:-} ${PROF_PID:-}; do
		kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
	done
	bench_stop_netifd
	[ -n "${NS_R:-}" ] && ip netns del "$NS_R" 2>/dev/null
	[ -n "${NS_G:-}" ] && ip netns del "$NS_G" 2>/dev/null
	if [ -n "${TMP:-}" ]; then
		umount "$TMP/bpffs" 2>/dev/null
		rm -rf "$TMP"
	fi
	return 0
}

# Where netifd's time goes, when NETIF_BENCH_PROFILE names a directory:
# bench_prof_start NAME samples every CPU (perf, the cpu-clock software
# event: these VMs have no PMU) until bench_prof_stop, which prints the
# symbols that take over 4% of netifd's own samples, with their callees and
# alone (kernel and user: the verifier runs in netifd's bpf() calls). Without NETIF_BENCH_PROFILE both do nothing.
bench_prof_start() {
	[ -n "${NETIF_BENCH_PROFILE:-}" ] || return 0
	mkdir -p "$NETIF_BENCH_PROFILE"
	PROF_FILE=$NETIF_BENCH_PROFILE/$1.data
	perf record -q -e cpu-clock -F 4000 -a -g -o "$PROF_FILE" >/dev/null 2>&1 &
	PROF_PID=$!
	sleep 0.3 # perf is sampling before the work starts
}

bench_prof_stop() {
	[ -n "${PROF_PID:-}" ] || return 0
	kill -INT "$PROF_PID" 2>/dev/null
	wait "$PROF_PID" 2>/dev/null || true
	PROF_PID=
	echo "profile $(basename "$PROF_FILE" .data): netifd's samples, with callees (children) and self, over 4%"
	perf report -q -i "$PROF_FILE" --stdio --comm netifd --children --sort sym -g none \
		--percentage relative --percent-limit 4 2>/dev/null | awk 'NF && n++ < 24 { printf "    %s\n", $0 }'
}
