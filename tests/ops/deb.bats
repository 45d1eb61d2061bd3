#!/usr/bin/env bats
# make deb: Debian packages built with dpkg-buildpackage/debhelper, their
# contents, and an install with apt-get on this machine that works (netifd
# --help, man -w, the unit enabled by dh_installsystemd, pkg-config) and is
# purged without a trace.

load helpers

PKGS=(netif libnetif1 libnetif-dev)

setup_file() {
	local t0=$SECONDS
	# no -dbgsym packages: they only cost time here
	DEB_BUILD_OPTIONS=noautodbgsym make -s -C "$TOP" BUILD="$BUILD" deb \
		>"$BATS_FILE_TMPDIR/deb.log" 2>&1 ||
		{ tail -30 "$BATS_FILE_TMPDIR/deb.log" >&3; return 1; }
	echo "# make deb: $((SECONDS - t0)) s" >&3
}

deb_of() { ls "$BUILD"/deb/"$1"_*.deb; }

@test "make deb builds netif, libnetif1 and libnetif-dev" {
	local p
	for p in "${PKGS[@]}"; do
		assert_file_exists "$(deb_of "$p")"
	done
	run dpkg-deb -f "$(deb_of netif)" Depends
	assert_output --partial libbpf1
	assert_output --partial libsystemd0
	run dpkg-deb -f "$(deb_of libnetif-dev)" Depends
	assert_output --regexp 'libnetif1 \(= [0-9.]+\)'
	run dpkg-deb -f "$(deb_of libnetif1)" Multi-Arch
	assert_output same
}

@test "the packages hold binaries, unit, man pages, completion; library and -dev split" {
	local ma
	ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
	run dpkg -c "$(deb_of netif)"
	for f in ./usr/sbin/netifd ./usr/sbin/netifctl ./usr/bin/netifcat \
		./lib/systemd/system/netifd.service ./usr/share/man/man8/netifd.8.gz \
		./usr/share/man/man8/netifctl.8.gz ./usr/share/man/man1/netifcat.1.gz \
		./usr/share/man/man5/netifd.yaml.5.gz ./usr/share/bash-completion/completions/netifctl \
		./usr/share/bash-completion/completions/netifcat ./usr/share/doc/netif/copyright; do
		assert_output --partial " $f"
	done
	refute_output --partial libnetif
	run dpkg -c "$(deb_of libnetif1)"
	assert_output --partial "./usr/lib/$ma/libnetif.so.1.0.0"
	assert_output --partial "./usr/lib/$ma/libnetif.so.1 -> libnetif.so.1.0.0"
	refute_output --partial ".a"
	run dpkg -c "$(deb_of libnetif-dev)"
	for f in "./usr/lib/$ma/libnetif.a" "./usr/lib/$ma/pkgconfig/libnetif.pc" \
		./usr/include/netif/netif_client.h ./usr/share/doc/libnetif-dev/examples/netif-show.c; do
		assert_output --partial " $f"
	done
	assert_output --partial "./usr/lib/$ma/libnetif.so -> libnetif.so.1"
	# the unit is enabled on install through debhelper's systemd integration
	run dpkg-deb -I "$(deb_of netif)" postinst
	assert_output --partial "deb-systemd-helper enable 'netifd.service'"
	# and names the packaged netifd
	dpkg-deb --fsys-tarfile "$(deb_of netif)" | tar -xO ./lib/systemd/system/netifd.service |
		grep -qx 'ExecStart=/usr/sbin/netifd -f $NETIFD_OPTS'
}

apt() {
	DEBIAN_FRONTEND=noninteractive apt-get -y -q -o DPkg::Lock::Timeout=120 "$@"
}

@test "apt-get installs the packages; netifd, man, pkg-config work; purge leaves nothing" {
	# a booted systemd would start the packaged netifd on this host: not here
	[ -d /run/systemd/system ] && skip "systemd is running: installing would start netifd on the host"
	local p
	for p in "${PKGS[@]}"; do
		if dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q installed; then
			skip "$p is already installed on this machine; not touching it"
		fi
	done
	local files
	files=$(for p in "${PKGS[@]}"; do dpkg -c "$(deb_of "$p")"; done | awk '$1 !~ /^d/ {print $6}' | sed 's|^\.||')
	run apt install "$(deb_of netif)" "$(deb_of libnetif1)" "$(deb_of libnetif-dev)"
	assert_success
	run /usr/sbin/netifd --help
	assert_success
	assert_output --partial "--pin-root"
	run man -w netifctl
	assert_output /usr/share/man/man8/netifctl.8.gz
	run man -w 5 netifd.yaml
	assert_output /usr/share/man/man5/netifd.yaml.5.gz
	run man -P cat netifcat
	assert_output --partial "client port"
	assert_file_exists /etc/systemd/system/multi-user.target.wants/netifd.service
	run pkg-config --cflags --libs libnetif
	assert_output --partial -lnetif
	gcc -o "$BATS_TEST_TMPDIR/netif-show" /usr/share/doc/libnetif-dev/examples/netif-show.c \
		$(pkg-config --cflags --libs libnetif)
	run "$BATS_TEST_TMPDIR/netif-show" "$BATS_TEST_TMPDIR/nosuch.sock"
	assert_failure
	assert_output --partial "cannot connect"

	run apt purge netif libnetif1 libnetif-dev
	assert_success
	for p in "${PKGS[@]}"; do
		run dpkg-query -W -f='${Status}' "$p"
		refute_output --partial installed
	done
	local f left=
	for f in $files; do
		[ -e "$f" ] || [ -L "$f" ] && left="$left $f"
	done
	assert_equal "$left" ''
	assert_file_not_exists /etc/systemd/system/multi-user.target.wants/netifd.service
	run ls /var/lib/systemd/deb-systemd-helper-enabled/
	refute_output --partial netifd
	assert_dir_not_exists /usr/include/netif
	assert_dir_not_exists /usr/share/doc/netif
}
