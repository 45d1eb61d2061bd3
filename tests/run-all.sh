#!/usr/bin/env bash
# Run every test tier (or those of $TIERS) and end with the summed
# "N passed, N failed" line; with RESULT_FILE the sums go there
# ("passed failed") instead, for a caller that adds its own (run-asan.sh).
# Usage: tests/run-all.sh BUILD_DIR [RESULT_FILE]
set -u
build=$1
result=${2:-}
dir=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total_p=0
total_f=0
for tier in ${TIERS:-unit bpf fuzz e2e ops}; do
	echo "=== $tier${TIER_NOTE:-}"
	"$dir"/run-tier.sh "$tier" "$build" "$tmp/$tier"
	if [ -s "$tmp/$tier" ]; then
		read -r p f <"$tmp/$tier"
	else
		p=0
		f=1
	fi
	total_p=$((total_p + p))
	total_f=$((total_f + f))
done
if [ -n "$result" ]; then
	echo "$total_p $total_f" >"$result"
	exit 0
fi
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
