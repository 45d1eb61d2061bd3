#!/usr/bin/env bats
# make install: what lands where, and the systemd unit as systemd itself
# judges it (systemd-analyze verify and security, offline).

load helpers

setup_file() {
	setup_prefix
}

teardown_file() {
	teardown_prefix
}

@test "make install puts binaries, library, headers, unit, man pages and completion under PREFIX" {
	local f
	for f in sbin/netifd sbin/netifctl bin/netifcat lib/libnetif.a lib/libnetif.so.1.0.0 \
		lib/pkgconfig/libnetif.pc include/netif/netif_client.h include/netif/proto.h \
		lib/systemd/system/netifd.service share/man/man8/netifd.8 share/man/man8/netifctl.8 \
		share/man/man1/netifcat.1 share/man/man5/netifd.yaml.5 \
		share/bash-completion/completions/netifctl share/bash-completion/completions/netifcat \
		share/doc/netif/examples/netif-show.c; do
		assert_file_exists "$PFX/$f"
	done
	assert_link_exists "$PFX/lib/libnetif.so.1"
	assert_link_exists "$PFX/lib/libnetif.so"
	assert_equal "$(readlink "$PFX/lib/libnetif.so")" libnetif.so.1
	# and the unit starts the netifd it installed
	run grep '^ExecStart=' "$PFX/lib/systemd/system/netifd.service"
	assert_output "ExecStart=$PFX/sbin/netifd -f \$NETIFD_OPTS"
	MANPATH=$PFX/share/man man -w netifctl
	MANPATH=$PFX/share/man man -w 5 netifd.yaml
}

@test "systemd-analyze verify passes on the installed unit" {
	# verify also runs the Documentation= man: lookups, so MANPATH finds ours
	run env MANPATH="$PFX/share/man" systemd-analyze verify "$PFX/lib/systemd/system/netifd.service"
	echo "$output" >&3
	assert_success
	assert_output ''
}

@test "systemd-analyze verify fails a broken unit (the check can fail)" {
	sed 's/^Type=notify/Type=notifyy/; s|^ExecStart=.*|ExecStart=/nonexistent/netifd -f|' \
		"$PFX/lib/systemd/system/netifd.service" >"$PFX/netifd.service"
	run env MANPATH="$PFX/share/man" systemd-analyze verify "$PFX/netifd.service"
	assert_failure
	assert_output --partial "/nonexistent/netifd"
}

@test "the unit: Type=notify, reload by SIGHUP, runtime and state directories, hardening" {
	local u=$PFX/lib/systemd/system/netifd.service
	for kv in Type=notify 'ExecReload=/bin/kill -HUP $MAINPID' RuntimeDirectory=netif \
		StateDirectory=netif LimitNOFILE=65536 LimitMEMLOCK=infinity NoNewPrivileges=yes \
		ProtectSystem=strict ReadWritePaths=/sys/fs/bpf ProtectHome=yes PrivateTmp=yes \
		'RestrictAddressFamilies=AF_UNIX AF_NETLINK AF_XDP AF_INET AF_INET6' \
		SystemCallFilter=bpf WatchdogSec=30s; do
		grep -qxF -- "$kv" "$u" || { echo "missing: $kv"; return 1; }
	done
	# the exposure systemd computes for it (0 best, 10 worst)
	run systemd-analyze security --offline=true "$u"
	echo "${lines[-1]}" >&3
	local level
	level=$(echo "${lines[-1]}" | grep -oE '[0-9]+\.[0-9]+')
	awk -v l="$level" 'BEGIN { exit !(l <= 3.0) }'
}
