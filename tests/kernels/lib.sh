# Shared by the kernel-matrix scripts (sourced, not run).
#
# Debian kernel packages are fetched with apt-get through a private apt
# directory (own sources list, state, lists and cache) so the system's apt
# configuration is never read for sources nor changed. Everything lives in
# $NETIF_KERNEL_CACHE, outside the tree, shared by every checkout and run:
#
#   apt/            the private apt directory
#   debs/           downloaded linux-image-*.deb
#   k/<release>/    an extracted package (boot/vmlinuz-*, lib/modules/*, depmod run)
#   k/<release>/initrd.img  the guest's busybox initramfs (9p, virtio, overlay)
#
# Kernels are named by their series: 6.1 (bookworm), 6.12 (bookworm-security),
# 5.10 (bullseye). The newest package of a series the archive offers is used;
# without network, the newest one already in the cache.

NETIF_KERNEL_CACHE=${NETIF_KERNEL_CACHE:-/var/cache/netif-kernels}
KCACHE=$NETIF_KERNEL_CACHE
KAPT=$KCACHE/apt
DEBIAN_MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
DEBIAN_SECURITY=${DEBIAN_SECURITY:-http://deb.debian.org/debian-security}

# series -> extended regex of the binary package names that belong to it
kernel_pkg_regex() {
	case "$1" in
	6.1) echo '^linux-image-6\.1\.0-[0-9]+-amd64$' ;;
	6.12) echo '^linux-image-6\.12\.[0-9]+\+deb12-amd64$' ;;
	5.10) echo '^linux-image-5\.10\.0-[0-9]+-amd64$' ;;
	*) return 1 ;;
	esac
}

KERNEL_SERIES_ALL="6.1 6.12 5.10"

kapt_opts() {
	echo "-o Dir::Etc::SourceList=$KAPT/sources.list -o Dir::Etc::SourceParts=$KAPT/empty.d" \
		"-o Dir::Etc::Preferences=$KAPT/preferences -o Dir::Etc::PreferencesParts=$KAPT/empty.d" \
		"-o Dir::Etc::Parts=$KAPT/empty.d -o Dir::State=$KAPT/state -o Dir::State::Lists=$KAPT/lists" \
		"-o Dir::State::status=$KAPT/state/status -o Dir::Cache=$KAPT/cache" \
		"-o Debug::NoLocking=1 -o APT::Architecture=amd64 -o APT::Sandbox::User=root" \
		"-o Acquire::Languages=none -o Acquire::Retries=3"
}

kapt_init() {
	mkdir -p "$KAPT"/empty.d "$KAPT"/state "$KAPT"/lists/partial "$KAPT"/cache/archives/partial
	: >"$KAPT"/preferences
	[ -e "$KAPT"/state/status ] || : >"$KAPT"/state/status
	local key=/usr/share/keyrings/debian-archive-keyring.gpg
	cat >"$KAPT"/sources.list <<EOF
deb [signed-by=$key] $DEBIAN_MIRROR bookworm main
deb [signed-by=$key] $DEBIAN_SECURITY bookworm-security main
deb [signed-by=$key] $DEBIAN_MIRROR bullseye main
deb [signed-by=$key] $DEBIAN_SECURITY bullseye-security main
EOF
}

# Serialize work on the cache between concurrent runs (other checkouts).
kcache_lock() {
	mkdir -p "$KCACHE"
	exec 9>"$KCACHE/.lock"
	flock 9
}

kcache_unlock() {
	flock -u 9
	exec 9>&-
}

kmsg() { echo "kernels: $*" >&2; }
