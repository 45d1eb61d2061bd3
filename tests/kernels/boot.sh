#!/usr/bin/env bash
# Boot one Debian kernel under qemu (TCG, no KVM) on the host's root and run
# test tiers inside it:
#   boot.sh [-r RESULT_FILE] SERIES BUILD_DIR TIER...
# TIER is unit, bpf or e2e (e2e runs the files in $NETIF_E2E_FILES, default:
# the ones that do not measure time), or cmd: run $NETIF_GUEST_CMD (debugging). Prints each tier's TAP and a line
# "<series> <tier>: N passed, N failed, N skipped"; RESULT_FILE gets
# "passed failed skipped" summed over the tiers. Exits non-zero on failure.
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
# shellcheck source=tests/kernels/lib.sh
. "$here/lib.sh"

result=
if [ "${1:-}" = -r ]; then
	result=$2
	shift 2
fi
series=${1:?usage: boot.sh [-r RESULT] SERIES BUILD_DIR TIER...}
build=$(cd "${2:?build dir}" && pwd)
shift 2
tiers="$*"
# Files that judge function, not time (ratelimit measures rates; memcheck
# runs valgrind, far too slow under emulation).
E2E_DEFAULT="attach.bats flows.bats llink.bats exception.bats kernels.bats"
e2e_files=${NETIF_E2E_FILES:-$E2E_DEFAULT}
# TCG is slow and the machine shared: generous, but a hung guest must end
GUEST_TIMEOUT=${NETIF_GUEST_TIMEOUT:-1500}
GUEST_MEM=${NETIF_GUEST_MEM:-2G}

write_result() {
	[ -n "$result" ] && echo "$1 $2 $3" >"$result"
	return 0
}

fail_early() {
	echo "not ok - kernel $series: $*"
	echo "$series: 0 passed, 1 failed, 0 skipped"
	write_result 0 1 0
	exit 1
}

command -v qemu-system-x86_64 >/dev/null || fail_early "qemu-system-x86_64 is not installed"
[ -x /bin/busybox ] || fail_early "busybox is not installed"
rel=$("$here/fetch.sh" "$series") || fail_early "no kernel package available"
kdir=$KCACHE/k/$rel

tmp=$(mktemp -d /tmp/netif-guest.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/results" "$tmp/initrd"

# The initramfs: busybox, what mounts the host root, our init.
build_initrd() {
	local d=$tmp/initrd m base
	mkdir -p "$d"/bin "$d"/modules "$d"/proc "$d"/sys "$d"/dev "$d"/lower "$d"/rw "$d"/newroot
	cp /bin/busybox "$d/bin/busybox"
	for m in virtio_pci 9pnet_virtio 9p overlay; do
		modprobe -d "$kdir" -S "$rel" --show-depends "$m" || return 1
	done | awk '$1 == "insmod" && !seen[$2]++ { print $2 }' >"$tmp/modlist"
	while read -r m; do
		base=$(basename "$m")
		base=${base%.xz}
		# busybox insmod takes plain objects
		case "$m" in
		*.xz) xz -dc "$m" >"$d/modules/$base" ;;
		*) cp "$m" "$d/modules/$base" ;;
		esac
		echo "$base" >>"$d/modules/order"
	done <"$tmp/modlist"
	install -m 755 "$here/initramfs-init" "$d/init"
	(cd "$d" && find . | cpio -o -H newc --quiet | gzip -1) >"$tmp/initrd.img"
}
build_initrd || fail_early "cannot build the initramfs for $rel"

cat >"$tmp/results/job" <<EOF
TOP='$top'
BUILD='$build'
TIERS='$tiers'
E2E_FILES='$e2e_files'
EOF
# a debugging command for the "cmd" tier, quoted for the job file
printf 'CMD=%q\n' "${NETIF_GUEST_CMD:-true}" >>"$tmp/results/job"

start=$(date +%s)
timeout --foreground -k 10 "$GUEST_TIMEOUT" qemu-system-x86_64 \
	-machine q35 -accel tcg,thread=multi -cpu max -smp 2 -m "$GUEST_MEM" \
	-nographic -no-reboot -nic none -monitor none \
	-serial "file:$tmp/console.log" \
	-kernel "$kdir/boot/vmlinuz-$rel" -initrd "$tmp/initrd.img" \
	-append "console=ttyS0 panic=-1 loglevel=4 rdinit=/init netif.modules=$kdir/lib/modules netif.guest=$here/guest.sh netif.keep=$top:$build" \
	-virtfs "local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap" \
	-virtfs "local,path=$tmp/results,mount_tag=results,security_model=none" \
	</dev/null >"$tmp/qemu.log" 2>&1
qrc=$?
elapsed=$(($(date +%s) - start))

passed=0
failed=0
skipped=0
for tier in $tiers; do
	if [ -s "$tmp/results/$tier.tap" ]; then
		# TAP lines keep their shape ("ok 3 [5.10] name"), the rest become comments
		sed -e "/^\(not \)\?ok /!s/^/# [$series] /" \
			-e "s/^\(\(not \)\?ok [0-9]*\( -\)\?\) /\1 [$series] /" "$tmp/results/$tier.tap"
	fi
	if [ -s "$tmp/results/$tier.count" ]; then
		read -r p f s <"$tmp/results/$tier.count"
		s=${s:-0}
	else
		p=0 f=1 s=0
		echo "not ok - [$series] $tier tier did not report (guest rc $qrc after ${elapsed}s)"
	fi
	echo "$series $tier: $p passed, $f failed, $s skipped"
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
done
if ! grep -q '^done' "$tmp/results/info" 2>/dev/null; then
	echo "# guest console (last lines):"
	tail -30 "$tmp/console.log" | sed 's/^/#   /'
	tail -5 "$tmp/qemu.log" | sed 's/^/#   /'
	[ "$failed" -gt 0 ] || failed=1
fi
if [ -s "$tmp/results/features" ]; then
	sed "s/^/# [$series] /" "$tmp/results/features"
	[ -n "${NETIF_FEATURES_OUT:-}" ] && cp "$tmp/results/features" "$NETIF_FEATURES_OUT"
fi
echo "# [$series] $rel: ${elapsed}s in the guest"
write_result "$passed" "$failed" "$skipped"
[ "$failed" -eq 0 ]
