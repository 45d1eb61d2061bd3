#!/usr/bin/env bash
# Run every fuzzer of FUZZ_BUILD for SECONDS each, from its committed seed
# corpus (tests/fuzz/corpus/NAME, read only: what a run finds goes to a
# scratch directory), and print TAP: one line per fuzzer with its
# execution count, "not ok" on any crash, leak or sanitizer report.
# Usage: tests/fuzz/run.sh FUZZ_BUILD SECONDS [NAME...]
set -u
build=$1
secs=$2
shift 2
top=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

shopt -s nullglob
names=("$@")
if [ "${#names[@]}" -eq 0 ]; then
	for f in "$top"/tests/fuzz/fuzz_*.c; do
		n=$(basename "$f" .c)
		names+=("${n#fuzz_}")
	done
fi
echo "1..${#names[@]}"
i=0
rc=0
for n in "${names[@]}"; do
	i=$((i + 1))
	bin=$build/fuzz_$n
	seeds=$top/tests/fuzz/corpus/$n
	if [ ! -x "$bin" ]; then
		echo "not ok $i - fuzz_$n: not built ($bin)"
		rc=1
		continue
	fi
	mkdir -p "$work/$n" "$build/crashes"
	"$bin" -max_total_time="$secs" -print_final_stats=1 -timeout=10 -rss_limit_mb=4096 \
		-artifact_prefix="$build/crashes/$n-" "$work/$n" "$seeds" >"$work/$n.log" 2>&1
	status=$?
	execs=$(awk '/stat::number_of_executed_units/ { print $NF }' "$work/$n.log")
	corpus=$(ls "$work/$n" "$seeds" 2>/dev/null | wc -l)
	if [ "$status" -eq 0 ]; then
		echo "ok $i - fuzz_$n: ${execs:-0} executions in ${secs} s, no crash (corpus $corpus)"
	else
		echo "not ok $i - fuzz_$n: exit status $status after ${execs:-?} executions"
		grep -E "ERROR|SUMMARY|runtime error|Test unit written" "$work/$n.log" | head -20 | sed 's/^/#   /'
		rc=1
	fi
done
exit $rc
