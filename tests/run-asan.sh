#!/usr/bin/env bash
# The unit and e2e tiers on userspace built with ASan and UBSan (make
# check-asan): every sanitizer report of netifd, netifctl, netifcat or a
# test binary is written under a log directory, and each report counts as
# a failure. valgrind cannot run an ASan binary: memcheck.bats is left out.
# Usage: tests/run-asan.sh ASAN_BUILD
set -u
build=$1
dir=$(dirname "$0")
logs=$(mktemp -d /tmp/netif-asan.XXXXXX)
chmod 1777 "$logs" # unprivileged clients of the tests write there too
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export ASAN_OPTIONS="log_path=$logs/asan:detect_leaks=1:abort_on_error=0:print_summary=1"
export UBSAN_OPTIONS="log_path=$logs/ubsan:print_stacktrace=1:halt_on_error=1"
export E2E_EXCLUDE='^memcheck\.bats$'
TIERS="unit e2e" TIER_NOTE=" (ASan, UBSan)" "$dir"/run-all.sh "$build" "$tmp/total"
total_p=0
total_f=1
[ -s "$tmp/total" ] && read -r total_p total_f <"$tmp/total"
reports=0
for r in "$logs"/*; do
	[ -s "$r" ] || continue
	reports=$((reports + 1))
	echo "not ok - sanitizer report $(basename "$r"):"
	sed 's/^/#   /' "$r" | head -40
done
[ "$reports" -eq 0 ] && echo "ok - no sanitizer report" && total_p=$((total_p + 1))
total_f=$((total_f + reports))
echo "$total_p passed, $total_f failed"
[ "$total_f" -eq 0 ] && rm -rf "$logs"
[ "$total_f" -eq 0 ]
