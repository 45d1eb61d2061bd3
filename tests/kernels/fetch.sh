#!/usr/bin/env bash
# Make one Debian kernel ready to boot: fetch.sh SERIES (6.1, 6.12, 5.10).
# Prints the kernel release (e.g. 6.1.0-57-amd64) whose directory
# $NETIF_KERNEL_CACHE/k/<release>/ holds boot/vmlinuz-* and lib/modules/
# (depmod run). Idempotent; concurrent runs wait for each other.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=tests/kernels/lib.sh
. "$here/lib.sh"

series=${1:?usage: fetch.sh SERIES}
regex=$(kernel_pkg_regex "$series") || { kmsg "unknown kernel series $series"; exit 2; }
# the kernel release of a package is its name without "linux-image-"
rel_regex="^${regex#^linux-image-}"

apt_update() {
	local stamp=$KAPT/lists/.updated
	# once every six hours is plenty: kernel ABIs change every few weeks
	if [ -e "$stamp" ] && [ -n "$(find "$stamp" -mmin -360)" ]; then
		return 0
	fi
	# shellcheck disable=SC2046
	if apt-get $(kapt_opts) -qq update >"$KAPT/update.log" 2>&1; then
		touch "$stamp"
	else
		kmsg "apt-get update failed (see $KAPT/update.log); using cached kernels"
		return 1
	fi
}

# Newest package of the series the archive can deliver.
newest_package() {
	local pkg names policy
	# shellcheck disable=SC2046
	names=$(apt-cache $(kapt_opts) pkgnames linux-image- 2>/dev/null | grep -E "$regex" | sort -V -r)
	for pkg in $names; do
		# some listed names are only Provided; take the first real candidate
		# shellcheck disable=SC2046
		policy=$(apt-cache $(kapt_opts) policy "$pkg" 2>/dev/null)
		if grep -q 'Candidate: [0-9]' <<<"$policy"; then
			echo "$pkg"
			return 0
		fi
	done
}

# Keep the two newest releases of the series: a run still booting the
# older one (another checkout) must not lose its modules under it.
prune() {
	local d
	for d in "$KCACHE"/k/*/; do
		d=$(basename "$d")
		case "$d" in *.tmp) continue ;; esac
		echo "$d"
	done | grep -E "$rel_regex" | sort -V -r | tail -n +3 | while read -r d; do
		kmsg "removing old kernel $d"
		rm -rf "${KCACHE:?}/k/$d"
	done
}

newest_cached() {
	local d
	for d in "$KCACHE"/k/*/; do
		[ -e "$d/.ready" ] && basename "$d"
	done | grep -E "$rel_regex" | sort -V | tail -1
}

# Download, extract (boot/ and lib/modules/ only), index the modules.
prepare() {
	local pkg=$1 rel=${1#linux-image-} kdir tmp deb
	kdir=$KCACHE/k/$rel
	[ -e "$kdir/.ready" ] && return 0
	mkdir -p "$KCACHE/debs"
	kmsg "downloading $pkg"
	# shellcheck disable=SC2046
	(cd "$KCACHE/debs" && apt-get $(kapt_opts) -qq download "$pkg" >/dev/null) || return 1
	deb=$(ls -t "$KCACHE/debs/${pkg}_"*.deb | head -1)
	tmp=$kdir.tmp
	rm -rf "$tmp"
	mkdir -p "$tmp"
	dpkg-deb -x "$deb" "$tmp"
	rm -rf "$tmp/usr"
	depmod -b "$tmp" "$rel"
	touch "$tmp/.ready"
	rm -rf "$kdir"
	mv "$tmp" "$kdir"
	rm -f "$deb"
}

kcache_lock
kapt_init
pkg=
if apt_update; then
	pkg=$(newest_package)
fi
if [ -n "$pkg" ] && ! prepare "$pkg"; then
	kmsg "cannot prepare $pkg"
	pkg=
fi
if [ -n "$pkg" ]; then
	rel=${pkg#linux-image-}
	prune
else
	rel=$(newest_cached)
fi
kcache_unlock
if [ -z "$rel" ]; then
	kmsg "no $series kernel available (no network and none cached in $KCACHE)"
	exit 1
fi
echo "$rel"
