#!/usr/bin/env bash
# Run every test tier (or those of $TIERS) and end with the summed
# "N passed, N failed" line; with RESULT_FILE the sums go there
# ("passed failed skipped") instead, for a caller that adds its own
# (run-asan.sh). After the host tiers, the unit and BPF tiers run again in
# a qemu guest of each kernel in $NETIF_CHECK_KERNELS (default 6.1,
# Debian 12's: a change that breaks it cannot pass); see tests/kernels/ and
# docs/kernels.md.
# Usage: tests/run-all.sh BUILD_DIR [RESULT_FILE]
set -u
build=$1
result=${2:-}
dir=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total_p=0
total_f=0
total_s=0

add() {
	# $1: result file ("passed failed [skipped]") or missing: the runner died
	local p=0 f=1 s=0
	if [ -s "$1" ]; then
		read -r p f s <"$1"
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	total_s=$((total_s + ${s:-0}))
}

for tier in ${TIERS:-unit bpf fuzz e2e ops}; do
	echo "=== $tier${TIER_NOTE:-}"
	"$dir"/run-tier.sh "$tier" "$build" "$tmp/$tier"
	add "$tmp/$tier"
done
for k in ${NETIF_CHECK_KERNELS-6.1}; do
	echo "=== guest $k: unit bpf"
	start=$SECONDS
	"$dir"/kernels/boot.sh -r "$tmp/guest-$k" "$k" "$build" unit bpf
	add "$tmp/guest-$k"
	echo "=== guest $k: $((SECONDS - start)) s"
done
if [ -n "$result" ]; then
	echo "$total_p $total_f $total_s" >"$result"
	exit 0
fi
[ "$total_s" -gt 0 ] && echo "($total_s skipped: this kernel cannot run them; see the reasons above)"
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
