#!/usr/bin/env bats
# make demo: the README's first command. Its tour (scripts/demo.sh) runs to
# the end on this build (every step it shows is checked by the script's
# set -e), and leaves no namespace, mount, process or file behind.

load helpers

@test "make demo's tour runs to the end and leaves nothing behind" {
	local before
	before=$(ip netns list | grep -c '^netifdemo' || true)
	run "$TOP/scripts/demo.sh" "$BUILD"
	assert_success
	assert_output --partial "== done"
	assert_output --partial "no XDP program on veth0"
	# the bpftool step reads the pinned flow table the tour added flows to
	assert_output --regexp '"flow_id"|flow_id'
	assert_equal "$(ip netns list | grep -c '^netifdemo' || true)" "$before"
	run pgrep -f "$BUILD/netifd .*netif-demo"
	assert_failure
	run grep -c netif-demo /proc/mounts
	assert_output 0
}
