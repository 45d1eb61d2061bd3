#!/bin/bash
# PID 1 of a kernel-matrix guest, on the host's root (see initramfs-init).
# Reads the job the host wrote into the "results" 9p share, runs the test
# tiers it names with the tree's own runner, leaves TAP and counts there,
# and powers the guest off. Never returns.
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8
R=/run/netif-results

off() {
	sync
	echo o >/proc/sysrq-trigger
	sleep 30
}

mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts 2>/dev/null ||
	{ mkdir -p /dev/pts && mount -t devpts devpts /dev/pts; }
mkdir -p /dev/shm && mount -t tmpfs -o mode=1777 shm /dev/shm
mount -t bpf bpf /sys/fs/bpf
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
ln -sf /proc/self/fd /dev/fd
mkdir -p $R
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=512000 results $R; then
	echo "netif-guest: cannot mount the results share"
	off
fi
ip link set lo up
hostname netif-guest
# shellcheck disable=SC1091
. $R/job
{
	echo "kernel $(uname -r)"
	echo "started $(date +%s)"
} >$R/info

# tiers as the host runs them; the e2e files are those the job lists
for tier in $TIERS; do
	start=$(date +%s)
	case "$tier" in
	cmd)
		# a command of the job's (debugging: boot.sh with NETIF_GUEST_CMD)
		bash -c "$CMD" >"$R/cmd.tap" 2>&1
		if [ $? -eq 0 ]; then echo "1 0 0"; else echo "0 1 0"; fi >"$R/cmd.count"
		;;
	e2e)
		NETIF_E2E_FILES="$E2E_FILES" "$TOP"/tests/run-tier.sh e2e "$BUILD" "$R/$tier.count" \
			>"$R/$tier.tap" 2>&1
		;;
	*)
		"$TOP"/tests/run-tier.sh "$tier" "$BUILD" "$R/$tier.count" >"$R/$tier.tap" 2>&1
		;;
	esac
	echo "$tier $(($(date +%s) - start))" >>$R/times
done
# what netifd makes of this kernel, for the matrix summary
"$BUILD"/netifd --features >$R/features 2>&1
echo "done" >>$R/info
off
