#!/usr/bin/env bats
# Man pages: they render without warnings, and every command, keyword and
# option the programs' --help prints is documented in their page (so adding
# an option without documenting it fails here).

load helpers

@test "every man page renders without warnings (groff -ww, mandoc lint errors)" {
	local page n=0
	for page in "$BUILD"/man/*.[158]; do
		n=$((n + 1))
		run groff -ww -z -man -Tutf8 "$page"
		assert_success
		assert_output ''
		run mandoc -T lint -W error "$page"
		assert_success
		assert_output ''
		# and man finds a NAME section to index
		run lexgrog "$page"
		assert_success
	done
	assert_equal "$n" 4
}

# What a --help text promises: commands ("flow add"), options (-j,
# --foreground) and keywords: the lower-case words of netifctl's command
# lines (under "Commands:") and of their definitions (under "Where:",
# MATCH := ...), and in a "  PROG [OPTIONS] dev IF port N   description"
# usage line the words that take a value (dev, port, ...).
help_words() {
	awk '
	/^Usage:/ { sec = "usage"; next }
	/^Commands:/ { sec = "cmds"; next }
	/^Where:/ { sec = "where"; next }
	/^[A-Z][a-z]+:/ { sec = "other" }
	(sec == "usage" || sec == "cmds") && /^  [a-z]/ {
		n = split($0, w, /[ \t]+/)
		if (w[3] == "[OPTIONS]") {
			line = $0; gsub(/[][]/, "", line)
			while (match(line, / [a-z]+ [A-Z]+/)) {
				kw = substr(line, RSTART + 1, RLENGTH - 1); sub(/ .*/, "", kw)
				print "kw " kw
				line = substr(line, RSTART + RLENGTH)
			}
		} else {
			print "cmd " w[2] ((n >= 3 && w[3] ~ /^[a-z][a-z-]*$/ && w[3] != "dev") ? " " w[3] : "")
			line = $0; gsub(/[][|]/, " ", line)
			n = split(line, w, /[ \t]+/)
			for (i = 1; i <= n; i++) if (w[i] ~ /^[a-z][a-z0-9-]*$/) print "kw " w[i]
		}
	}
	sec == "where" && /:=/ {
		line = $0; sub(/^.*:= */, "", line); gsub(/[][|]/, " ", line)
		n = split(line, w, /[ \t]+/)
		for (i = 1; i <= n; i++) if (w[i] ~ /^[a-z][a-z0-9-]*$/) print "kw " w[i]
	}
	{ line = $0
	  while (match(line, /(^|[ ,\[])--?[a-zA-Z][a-zA-Z-]*/)) {
		opt = substr(line, RSTART, RLENGTH); sub(/^[ ,\[]/, "", opt)
		print "opt " opt
		line = substr(line, RSTART + RLENGTH)
	  }
	}' | sort -u
}

# Every word of help text $1 appears in man page $2; prints the missing ones.
undocumented() {
	local text kind word missing=0
	text=$(man_text "$2")
	while read -r kind word; do
		case $kind in
		cmd) grep -qF -- "$word" <<<"$text" ;;
		*) grep -qwF -- "$word" <<<"$text" ;;
		esac || { echo "undocumented $kind: $word"; missing=1; }
	done < <(help_words <<<"$1")
	return $missing
}

@test "every command, keyword and option of netifctl --help is in netifctl(8)" {
	local help
	help=$("$BUILD"/netifctl --help)
	# the extraction sees what it must: commands, sub-commands, options, keywords
	run help_words <<<"$help"
	assert_line "cmd flow add"
	assert_line "cmd stats show"
	assert_line "cmd attach"
	assert_line "opt -batch"
	assert_line "kw qset-hint"
	assert_line "kw icmpv6"
	assert_line "cmd monitor"
	assert_line "cmd apply"
	assert_line "cmd export"
	assert_line "opt --dry-run"
	[ "$(echo "$output" | grep -c '^cmd ')" -ge 18 ]
	run undocumented "$help" "$BUILD/man/netifctl.8"
	assert_success
}

@test "every option of netifd --help is in netifd(8)" {
	local help
	help=$("$BUILD"/netifd --help)
	run help_words <<<"$help"
	assert_line "opt --pin-root"
	assert_line "opt --cleanup"
	assert_line "opt --config"
	assert_line "opt --metrics"
	assert_line "opt -P"
	run undocumented "$help" "$BUILD/man/netifd.8"
	assert_success
	# and the signals it names
	man_text "$BUILD/man/netifd.8" | grep -q 'SIGHUP'
}

@test "every option and keyword of netifcat --help is in netifcat(1)" {
	local help
	help=$("$BUILD"/netifcat --help)
	run help_words <<<"$help"
	assert_line "opt --rx-slots"
	assert_line "opt --tx-slots"
	assert_line "kw filter"
	assert_line "kw send"
	refute_line "kw join"
	run undocumented "$help" "$BUILD/man/netifcat.1"
	assert_success
}

@test "the check fails for an option a page does not document" {
	local help
	help=$("$BUILD"/netifctl --help; printf '  -Z          a new option\n')
	run undocumented "$help" "$BUILD/man/netifctl.8"
	assert_failure
	assert_output "undocumented opt: -Z"
	help=$(printf 'Usage: netifctl COMMAND\n\nCommands:\n  frobnicate dev IF [wobble N]\n\n')
	run undocumented "$help" "$BUILD/man/netifctl.8"
	assert_failure
	assert_line "undocumented cmd: frobnicate"
	assert_line "undocumented kw: wobble"
}

@test "the configuration page documents the format, every key the parser knows, and is cross-referenced" {
	local text key
	text=$(man_text "$BUILD/man/netifd.yaml.5")
	grep -q 'netifd --config FILE' <<<"$text"
	grep -q 'netifctl apply' <<<"$text"
	! grep -q 'TO BE COMPLETED' <<<"$text"
	# every key of every object of the format (the parser's tables)
	for key in $(grep -ho '{ "[a-z-]*", C[A-Z]*K_[A-Z_]*\|{ "[a-z-]*", HINT_[A-Z]*\|{ "[a-z-]*", TOP_[A-Z]*' \
			"$TOP"/userspace/lib/config_*.c | cut -d'"' -f2 | sort -u); do
		grep -qw -- "$key" <<<"$text" || { echo "undocumented key: $key"; return 1; }
	done
	for page in netifd.8 netifctl.8; do
		man_text "$BUILD/man/$page" | grep -q 'netifd.yaml(5)'
	done
}
