#!/bin/bash
# make test-host: the KTAP suite on this machine's kernel.  Each run writes
# into a private directory and replaces build/host/out when done, so two
# runs at once do not clobber each other's streams.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$TOP/build/host"
run=$(mktemp -d "$TOP/build/host/run.XXXXXX")
[ "$(id -u)" = 0 ] || echo "test-host: not root: BPF-observed tests will SKIP"
echo "test-host: kernel $(uname -r)"
uname -r >"$run/kernel.txt"
"$TOP/tests/run-tests.sh" "$TOP/build/tests" "$run" ${HOST_SELFTESTS:+"$TOP/build/selftests"} >"$run/progress.log"
"$TOP/scripts/ktap-verdict.sh" "$run" "host $(uname -r)"
rc=$?
rm -rf "$TOP/build/host/out.old"
[ -d "$TOP/build/host/out" ] && mv "$TOP/build/host/out" "$TOP/build/host/out.old"
mv "$run" "$TOP/build/host/out" && rm -rf "$TOP/build/host/out.old"
exit $rc
