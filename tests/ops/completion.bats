#!/usr/bin/env bats
# Bash completion of netifctl and netifcat, as installed, with bash-completion:
# commands, prefixes, sub-commands, keywords, choices, files, and interfaces
# and UUIDs from a running netifd.

load helpers
load ../e2e/helpers

setup() {
	PFX=$(mktemp -d /tmp/netif-ops.XXXXXX)
	install_prefix "$PFX"
}

teardown() {
	teardown_topology
	rm -rf "$PFX"
}

# Complete the last word of a command line: comp 'netifctl flow a'
comp() {
	PATH=$PFX/sbin:$PFX/bin:$PATH bash -c '
		source /usr/share/bash-completion/bash_completion
		source "$1"/share/bash-completion/completions/"${2%% *}"
		read -ra COMP_WORDS <<<"$2"
		[[ $2 == *" " ]] && COMP_WORDS+=("")
		COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
		COMP_LINE=$2 COMP_POINT=${#2}
		_"${COMP_WORDS[0]}"
		printf "%s\n" "${COMPREPLY[@]}" | sort' _ "$PFX" "$1"
}

@test "netifctl: commands, prefixes and sub-commands come from its usage" {
	run comp 'netifctl '
	assert_output "$(printf '%s\n' apply attach detach export filter flow help llink monitor port set show stats | sort)"
	run comp 'netifctl fl'
	assert_output flow
	run comp 'netifctl -j -S /run/netif/netifd.sock s'
	assert_output "$(printf '%s\n' set show stats)"
	run comp 'netifctl llink '
	assert_output "$(printf '%s\n' add delete show)"
	run comp 'netifctl -'
	assert_line -- -j
	assert_line -- -S
	assert_line -- -batch
}

@test "netifctl: keywords, choices, values and files" {
	run comp 'netifctl attach dev lo mode '
	assert_output "$(printf '%s\n' auto compat native)"
	run comp 'netifctl flow add dev lo tuple proto '
	assert_output "$(printf '%s\n' icmp icmpv6 tcp udp)"
	run comp 'netifctl flow add dev lo tuple proto udp action '
	assert_output "$(printf '%s\n' drop exception pass port redirect)"
	run comp 'netifctl flow add dev lo tuple proto udp d'
	assert_output "$(printf '%s\n' dir dport dst)"
	# a value to type: nothing offered
	run comp 'netifctl flow add dev lo rate '
	assert_output ''
	# keywords already given are not offered again
	run comp 'netifctl set dev lo input-rate 1gbit '
	assert_output "$(printf '%s\n' burst default-action shape unknown-vlan)"
	run comp 'netifctl set dev lo unknown-vlan '
	assert_output "$(printf '%s\n' default drop pass)"
	mkdir "$PFX/caps"
	run comp "netifctl filter add dev lo pcap $PFX/ca"
	assert_output "$PFX/caps"
	# a configuration file, and the commands of the operations
	run comp "netifctl apply --dry-run $PFX/ca"
	assert_output "$PFX/caps"
	run comp 'netifctl monitor '
	assert_output dev
}

@test "netifcat: options and positional keywords from its usage" {
	run comp 'netifcat --r'
	assert_output "$(printf '%s\n' --repeat --rx-slots)"
	run comp 'netifcat '
	assert_output "$(printf '%s\n' dev drop filter port send)"
	run comp 'netifcat --delay '
	assert_output ''
}

@test "interfaces after dev and UUIDs after uuid come from the running netifd" {
	setup_topology
	start_netifd
	nctl attach dev veth0 >/dev/null
	local uuid
	uuid=$(nctl flow add dev veth0 tuple proto udp dport 53 action drop | awk '{print $2}')
	run ip netns exec "$NS_A" bash -c "$(declare -f comp); PFX=$PFX comp 'netifctl -S $SOCK flow delete dev '"
	assert_output veth0
	run ip netns exec "$NS_A" bash -c "$(declare -f comp); PFX=$PFX comp 'netifctl -S $SOCK flow delete dev veth0 uuid '"
	assert_output "$uuid"
	# attach offers every interface of the namespace
	run ip netns exec "$NS_A" bash -c "$(declare -f comp); PFX=$PFX comp 'netifctl -S $SOCK attach dev '"
	assert_output "$(printf '%s\n' lo veth0)"
	run ip netns exec "$NS_A" bash -c "$(declare -f comp); PFX=$PFX comp 'netifcat -S $SOCK dev v'"
	assert_output veth0
}
