#!/usr/bin/env bash
# Run one test tier and print TAP, then "<tier>: N passed, N failed".
# Usage: tests/run-tier.sh unit|bpf|e2e|ops|fuzz BUILD_DIR [RESULT_FILE]
# fuzz runs the fuzzers of $FUZZ_BUILD (default build-fuzz) for
# $FUZZ_CHECK_SECONDS (default 30) each; E2E_EXCLUDE (a regex) leaves
# matching e2e or ops files out.
# The counts are also written to RESULT_FILE ("passed failed") for run-all.sh.
set -u
tier=$1
build=$(cd "$2" && pwd)
result=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

passed=0
failed=0

count() {
	# $1: TAP file, $2: exit status of the producer
	local p f
	p=$(grep -cE '^ok ' "$1" || true)
	f=$(grep -cE '^not ok ' "$1" || true)
	# a runner that died without reporting a failure still failed
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $3 exited with status $2 without reporting a failure"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
}

case "$tier" in
unit|bpf)
	shopt -s nullglob
	bins=("$build"/tests/"$tier"/test_*)
	for t in "${bins[@]}"; do
		[ -x "$t" ] || continue
		case "$t" in *.o|*.d) continue ;; esac
		echo "# $tier: $(basename "$t")"
		CMOCKA_MESSAGE_OUTPUT=TAP NETIF_BUILD="$build" "$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		count "$log" "$rc" "$(basename "$t")"
	done
	if [ "${#bins[@]}" -eq 0 ]; then
		echo "not ok - no $tier test binaries in $build/tests/$tier"
		failed=$((failed + 1))
	fi
	;;
e2e|ops)
	if [ "$(id -u)" -ne 0 ]; then
		echo "not ok - $tier tests need root"
		failed=$((failed + 1))
	else
		files=()
		for f in "$top"/tests/"$tier"/*.bats; do
			[ -n "${E2E_EXCLUDE:-}" ] && [[ $(basename "$f") =~ $E2E_EXCLUDE ]] && continue
			files+=("$f")
		done
		NETIF_BUILD="$build" bats --tap "${files[@]}" >"$log" 2>&1
		rc=$?
		cat "$log"
		count "$log" "$rc" "bats"
	fi
	;;
fuzz)
	fb=${FUZZ_BUILD:-build-fuzz}
	case "$fb" in /*) ;; *) fb=$top/$fb ;; esac
	"$top"/tests/fuzz/run.sh "$fb" "${FUZZ_CHECK_SECONDS:-30}" >"$log" 2>&1
	rc=$?
	cat "$log"
	count "$log" "$rc" "tests/fuzz/run.sh"
	;;
*)
	echo "usage: $0 unit|bpf|e2e|ops|fuzz BUILD_DIR [RESULT_FILE]" >&2
	exit 2
	;;
esac

echo "$tier: $passed passed, $failed failed"
[ -n "$result" ] && echo "$passed $failed" >"$result"
[ "$failed" -eq 0 ]
