#!/bin/bash
# make test-host: the KTAP suite on this machine's kernel.  Each run writes
# into a private directory and replaces build/host/out when done, so two
# runs at once do not clobber each other's streams.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
mkdir -p "$B/host"
run=$(mktemp -d "$B/host/run.XXXXXX")
[ "$(id -u)" = 0 ] || echo "test-host: not root: BPF-observed tests will SKIP"
echo "test-host: kernel $(uname -r)"
uname -r >"$run/kernel.txt"
"$TOP/tests/run-tests.sh" "$B/tests" "$run" ${HOST_SELFTESTS:+"$B/selftests"} >"$run/progress.log"
"$TOP/scripts/ktap-verdict.sh" "$run" "host $(uname -r)"
rc=$?
rm -rf "$B/host/out.old"
[ -d "$B/host/out" ] && mv "$B/host/out" "$B/host/out.old"
mv "$run" "$B/host/out" && rm -rf "$B/host/out.old"
exit $rc
