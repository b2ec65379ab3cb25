#!/bin/bash
# make test-host: the KTAP suite on this machine's kernel.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
out="$TOP/build/host/out"
rm -rf "$out"
mkdir -p "$out"
[ "$(id -u)" = 0 ] || echo "test-host: not root: BPF-observed tests will SKIP"
echo "test-host: kernel $(uname -r)"
uname -r >"$out/kernel.txt"
"$TOP/tests/run-tests.sh" "$TOP/build/tests" "$out" ${HOST_SELFTESTS:+"$TOP/build/selftests"} >"$out/progress.log"
"$TOP/scripts/ktap-verdict.sh" "$out" "host $(uname -r)"
