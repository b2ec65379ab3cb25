#!/bin/bash
# make selftests: build the 6.1 tree's own tools/testing/selftests/pidfd as
# static binaries in build/selftests/, against the 6.1 UAPI headers.  They
# run inside the guests (and, with HOST_SELFTESTS=1, on this machine).
# The selftests of a patched tree, which the series extends, are built the
# same way into build/selftests-patched/, for the patched and debug guests:
# from the tree given as $1 (vm-test.sh passes build/$KERNEL/src), else
# from build/patched/src when scripts/kernel.sh patched has made it.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
[ -d "$PRISTINE" ] || kernel_unpack

build_tree() { # SRC OUT HDR
	local SRC=$1 OUT=$2 HDR=$3
	local ST="$SRC/tools/testing/selftests/pidfd"
	[ -d "$ST" ] || die "$ST missing"
	# TEST_GEN_PROGS and TEST_GEN_PROGS_EXTENDED (helpers the tests exec,
	# not tests: listed in $OUT/helpers.list for run-tests.sh), with
	# their backslash continuations joined
	local mk progs helpers stamp p
	mk=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$ST/Makefile")
	progs=$(echo "$mk" | sed -n 's/^TEST_GEN_PROGS *:= *//p')
	helpers=$(echo "$mk" | sed -n 's/^TEST_GEN_PROGS_EXTENDED *:= *//p')
	stamp=$( { cat "$ST"/*.c "$ST"/*.h "$ST/Makefile" "$0" "$TOP/tests/selftest_unbuffered.c"; } | sha256sum | cut -d' ' -f1)
	if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ]; then
		return 0
	fi
	rm -rf "$OUT"
	mkdir -p "$OUT" "$HDR"
	kmake "$SRC" "$HDR" INSTALL_HDR_PATH="$HDR/usr" headers_install >/dev/null
	for p in $progs $helpers; do
		echo "  SELFTEST $p ($(basename "$OUT"))"
		gcc -g -O2 -Wall -static -pthread -isystem "$HDR/usr/include" \
			-I"$ST" "$ST/$p.c" "$TOP/tests/selftest_unbuffered.c" -o "$OUT/$p" 2>"$OUT/$p.build.log" || {
			cat "$OUT/$p.build.log" >&2
			die "$p does not build ($SRC)"
		}
		rm -f "$OUT/$p.build.log"
	done
	[ -z "$helpers" ] || echo $helpers | tr ' ' '\n' >"$OUT/helpers.list"
	echo "$stamp" >"$OUT/.stamp"
}

build_tree "$PRISTINE" "$B/selftests" "$B/selftests-hdr"
PATCHED_SRC=${1:-$B/patched/src}
if [ -d "$PATCHED_SRC/tools/testing/selftests/pidfd" ]; then
	build_tree "$PATCHED_SRC" "$B/selftests-patched" "$B/selftests-patched-hdr"
elif [ -n "${1:-}" ]; then
	die "$1 has no tools/testing/selftests/pidfd"
fi
