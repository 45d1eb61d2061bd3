#!/usr/bin/env bash
# Run one test tier and print TAP, then "<tier>: N passed, N failed, N skipped".
# Usage: tests/run-tier.sh unit|bpf|e2e|ops|fuzz BUILD_DIR [RESULT_FILE]
# fuzz runs the fuzzers of $FUZZ_BUILD (default build-fuzz) for
# $FUZZ_CHECK_SECONDS (default 30) each; E2E_EXCLUDE (a regex) leaves
# matching e2e or ops files out, NETIF_E2E_FILES (names) runs only those
# (the kernel matrix runs the e2e files that do not time).
# The counts are also written to RESULT_FILE ("passed failed skipped") for
# run-all.sh. A skipped test (TAP "# SKIP", with its reason in the output)
# is neither passed nor failed.
set -u
tier=$1
build=$(cd "$2" && pwd)
result=${3:-}
top=$(cd "$(dirname "$0")/.." && pwd)
log=$(mktemp)
trap 'rm -f "$log"' EXIT

passed=0
failed=0
skipped=0

count() {
	# $1: TAP file, $2: exit status of the producer
	local p f s
	# a "# SKIP" directive is a skip whatever precedes it (cmocka writes "not ok")
	s=$(grep -ciE '^(not )?ok .*# skip' "$1" || true)
	p=$(grep -E '^ok ' "$1" | grep -civE '# skip' || true)
	f=$(grep -E '^not ok ' "$1" | grep -civE '# skip' || true)
	# a runner that died without reporting a failure still failed
	if [ "$2" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $3 exited with status $2 without reporting a failure"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	skipped=$((skipped + s))
}

case "$tier" in
unit|bpf)
	shopt -s nullglob
	bins=("$build"/tests/"$tier"/test_*)
	for t in "${bins[@]}"; do
		[ -x "$t" ] || continue
		case "$t" in *.o|*.d) continue ;; esac
		echo "# $tier: $(basename "$t")"
		# streamed as it runs (a slow guest shows progress), kept for the count
		CMOCKA_MESSAGE_OUTPUT=TAP NETIF_BUILD="$build" "$t" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
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
		if [ "$tier" = e2e ] && [ -n "${NETIF_E2E_FILES:-}" ]; then
			for f in $NETIF_E2E_FILES; do files+=("$top/tests/e2e/$f"); done
		else
			for f in "$top"/tests/"$tier"/*.bats; do
				[ -n "${E2E_EXCLUDE:-}" ] && [[ $(basename "$f") =~ $E2E_EXCLUDE ]] && continue
				files+=("$f")
			done
		fi
		NETIF_BUILD="$build" bats --tap --timing "${files[@]}" 2>&1 | tee "$log"
		rc=${PIPESTATUS[0]}
		count "$log" "$rc" "bats"
	fi
	;;
fuzz)
	fb=${FUZZ_BUILD:-build-fuzz}
	case "$fb" in /*) ;; *) fb=$top/$fb ;; esac
	"$top"/tests/fuzz/run.sh "$fb" "${FUZZ_CHECK_SECONDS:-30}" 2>&1 | tee "$log"
	rc=${PIPESTATUS[0]}
	count "$log" "$rc" "tests/fuzz/run.sh"
	;;
*)
	echo "usage: $0 unit|bpf|e2e|ops|fuzz BUILD_DIR [RESULT_FILE]" >&2
	exit 2
	;;
esac

echo "$tier: $passed passed, $failed failed, $skipped skipped"
[ -n "$result" ] && echo "$passed $failed $skipped" >"$result"
[ "$failed" -eq 0 ]
