#!/usr/bin/env bash
# `make check-loaded`: exactly `make check` (tests/run-all.sh), with
# `stress-ng --cpu 2` running beside it at normal priority the whole time,
# stopped afterwards however the run ends. The suite must pass on a busy
# machine: rates are judged by the dataplane's own counters, not by what a
# starved application managed.
set -u
build=$1
dir=$(dirname "$0")
command -v stress-ng >/dev/null || { echo "check-loaded: stress-ng is missing (make deps)" >&2; exit 1; }
# its own session, so the workers go with it
setsid stress-ng --cpu 2 --quiet &
stress=$!
stop() {
	kill -TERM -- "-$stress" 2>/dev/null || kill -TERM "$stress" 2>/dev/null
	wait "$stress" 2>/dev/null
}
trap stop EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
echo "check-loaded: stress-ng --cpu 2 (pid $stress) running beside the suite"
"$dir"/run-all.sh "$build"
