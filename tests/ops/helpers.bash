# Shared setup for the operations tier (bats): the installed tree (unit, man
# pages, completion, library, package). Tests that need a running netifd in
# a namespace load ../e2e/helpers as well.

load '/usr/lib/bats/bats-support/load'
load '/usr/lib/bats/bats-assert/load'
load '/usr/lib/bats/bats-file/load'

TOP=$(cd "$BATS_TEST_DIRNAME/../.." && pwd)
BUILD=${NETIF_BUILD:-$TOP/build}

# Install into a private prefix (no DESTDIR: the files name their real
# locations, so the unit's ExecStart and the .pc file's paths exist):
#   install_prefix DIR
install_prefix() {
	make -s -C "$TOP" BUILD="$BUILD" PREFIX="$1" install >/dev/null
}

# One installation per test file, in $PFX
setup_prefix() {
	export PFX
	PFX=$(mktemp -d /tmp/netif-ops.XXXXXX)
	install_prefix "$PFX"
}

teardown_prefix() {
	rm -rf "$PFX"
	# the build's generated files (unit, .pc) name the default prefix again
	make -s -C "$TOP" BUILD="$BUILD" all >/dev/null
}

# A man page as plain text, one paragraph per line as wide as it needs
man_text() {
	mandoc -T ascii -O width=1000 "$1" | col -bx
}
