#!/usr/bin/env bash
# The kernel matrix (make check-kernels): the unit tier, the BPF tier and
# the e2e files that do not measure time, on this machine's kernel and in
# qemu guests of Debian's 6.1 (bookworm), 6.12 (bookworm-security) and 5.10
# (bullseye) kernels; then the BPF tier with clang-19's objects, here and
# on 6.1 and 5.10. Prints a summary per kernel, with the features each one
# lacks and the tests of what netifd refuses there.
#   matrix.sh BUILD_DIR [CLANG19_BUILD_DIR]
# NETIF_MATRIX_KERNELS narrows the guests (default "6.1 6.12 5.10").
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=$(cd "${1:?usage: matrix.sh BUILD_DIR [CLANG19_BUILD_DIR]}" && pwd)
build19=${2:-}
[ -n "$build19" ] && build19=$(cd "$build19" && pwd)
kernels=${NETIF_MATRIX_KERNELS-6.1 6.12 5.10}
# a TCG guest on a busy machine takes an hour or more for the e2e files
export NETIF_GUEST_TIMEOUT=${NETIF_GUEST_TIMEOUT:-10800}
export NETIF_E2E_FILES=${NETIF_E2E_FILES:-attach.bats flows.bats llink.bats exception.bats kernels.bats}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
rows=()
total_f=0
start_all=$(date +%s)

# row NAME LOGFILE RESULTFILE SECONDS FEATURESFILE
row() {
	local p=0 f=1 s=0
	[ -s "$3" ] && read -r p f s <"$3"
	s=${s:-0}
	total_f=$((total_f + f))
	rows+=("$1|$p|$f|$s|$4|$2|$5")
}

host_tiers() {
	local name=$1 b=$2 out=$3 tiers=$4 t p f s P=0 F=0 S=0
	for t in $tiers; do
		"$top"/tests/run-tier.sh "$t" "$b" "$tmp/host.$t" >>"$out" 2>&1
		p=0 f=1 s=0
		[ -s "$tmp/host.$t" ] && read -r p f s <"$tmp/host.$t"
		P=$((P + p)) F=$((F + f)) S=$((S + ${s:-0}))
	done
	echo "$P $F $S" >"$tmp/$name.count"
}

run_host() {
	local name=$1 b=$2 tiers=$3 t0
	t0=$(date +%s)
	echo "=== $name: $tiers"
	host_tiers "$name" "$b" "$tmp/$name.log" "$tiers"
	"$b"/netifd --features >"$tmp/$name.features" 2>&1
	grep -E '^(not )?ok|^[a-z0-9]+: [0-9]+ passed' "$tmp/$name.log" | grep -vE '^ok ' | tail -20
	row "$name" "$tmp/$name.log" "$tmp/$name.count" $(($(date +%s) - t0)) "$tmp/$name.features"
}

run_guest() {
	local name=$1 series=$2 b=$3 t0
	shift 3
	t0=$(date +%s)
	echo "=== $name: $*"
	NETIF_FEATURES_OUT="$tmp/$name.features" \
		"$here"/boot.sh -r "$tmp/$name.count" "$series" "$b" "$@" >"$tmp/$name.log" 2>&1
	grep -E '^not ok|^[0-9.]+ [a-z0-9]+: [0-9]+ passed|in the guest' "$tmp/$name.log" | tail -20
	row "$name" "$tmp/$name.log" "$tmp/$name.count" $(($(date +%s) - t0)) "$tmp/$name.features"
}

run_host "host $(uname -r)" "$build" "unit bpf e2e"
for k in $kernels; do
	run_guest "$k" "$k" "$build" unit bpf e2e
done
if [ -n "$build19" ]; then
	run_host "host clang-19" "$build19" "bpf"
	for k in $kernels; do
		case "$k" in 6.1 | 5.10) run_guest "$k clang-19" "$k" "$build19" bpf ;; esac
	done
fi

echo
echo "=== kernel matrix ($(($(date +%s) - start_all)) s)"
printf '%-28s %7s %7s %7s %6s  %s\n' kernel passed failed skipped time result
for r in "${rows[@]}"; do
	IFS='|' read -r name p f s secs log feat <<<"$r"
	rel=$(grep -m1 '^kernel ' "$feat" 2>/dev/null | cut -d' ' -f2)
	printf '%-28s %7s %7s %7s %5ss  %s\n' "$name${rel:+ ($rel)}" "$p" "$f" "$s" "$secs" \
		"$([ "$f" -eq 0 ] && echo green || echo RED)"
done
echo
# what each kernel lacks, and the tests of netifd's refusals there
for r in "${rows[@]}"; do
	IFS='|' read -r name p f s secs log feat <<<"$r"
	case "$name" in *clang-19*) continue ;; esac
	missing=$(awk '$2 == "no" { printf "%s%s (Linux %s)", n++ ? ", " : "", $1, $4 }' "$feat" 2>/dev/null)
	[ -n "$missing" ] || continue
	echo "$name lacks: $missing"
	grep -E '^(not )?ok .*(EOPNOTSUPP|without re-injection)' "$log" | sed 's/^/    /'
	grep -E '^(not )?ok .*# skip' "$log" | sed 's/^/    skipped: /'
done
[ "$total_f" -eq 0 ]
