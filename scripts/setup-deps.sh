#!/usr/bin/env bash
# Idempotent installation of every Debian package netif needs to build, test,
# benchmark and demo. Safe to run repeatedly: packages already present are skipped.
#   scripts/setup-deps.sh [EXTRA_PACKAGE...]   (e.g. clang-19 for make check-clang19)
set -euo pipefail

PACKAGES=(
	make gcc clang llvm pkg-config libclang-rt-14-dev
	libbpf-dev bpftool libxdp-dev libmnl-dev libelf-dev zlib1g-dev
	libcmocka-dev libjansson-dev uuid-dev uthash-dev libpcap-dev bats bats-support bats-assert bats-file
	iproute2 netsniff-ng iperf3 tcpdump nftables xdp-tools gnuplot-nox
	ethtool iputils-ping jq util-linux kmod python3 stress-ng
	libsystemd-dev systemd scdoc groff-base mandoc man-db bsdextrautils bash-completion
	libmicrohttpd-dev libyaml-dev prometheus curl
	debhelper dpkg-dev fakeroot
	# the kernel matrix (tests/kernels/): Debian kernels booted under qemu
	qemu-system-x86 busybox-static cpio xz-utils debian-archive-keyring
	"$@"
)

missing=()
for pkg in "${PACKAGES[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "ok installed"; then
		missing+=("$pkg")
	fi
done

if [ "${#missing[@]}" -eq 0 ]; then
	echo "setup-deps: all ${#PACKAGES[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "setup-deps: missing packages: ${missing[*]} (run as root to install)" >&2
	exit 1
fi

echo "setup-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
