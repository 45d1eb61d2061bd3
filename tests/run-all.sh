#!/usr/bin/env bash
# Run every test tier and end with the summed "N passed, N failed" line.
set -u
build=$1
dir=$(dirname "$0")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
total_p=0
total_f=0
for tier in unit bpf fuzz e2e ops; do
	echo "=== $tier"
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
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ]
