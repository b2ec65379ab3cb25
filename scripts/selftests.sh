#!/bin/bash
# make selftests: build the 6.1 tree's own tools/testing/selftests/pidfd as
# static binaries in build/selftests/, against the 6.1 UAPI headers.  They
# run inside the guests (and, with HOST_SELFTESTS=1, on this machine).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
B="$TOP/build"
SRC="$B/src/linux-source-6.1"
OUT="$B/selftests"
[ -d "$SRC" ] || "$TOP/scripts/kernel.sh" unpack
ST="$SRC/tools/testing/selftests/pidfd"
[ -d "$ST" ] || { echo "selftests: $ST missing" >&2; exit 1; }

# TEST_GEN_PROGS, with its backslash continuations joined
progs=$(sed -e ':a' -e '/\\$/N; s/\\\n//; ta' "$ST/Makefile" | sed -n 's/^TEST_GEN_PROGS *:= *//p')
stamp=$( { cat "$ST"/*.c "$ST"/*.h "$ST/Makefile" "$0" "$TOP/tests/selftest_unbuffered.c"; } | sha256sum | cut -d' ' -f1)
if [ -f "$OUT/.stamp" ] && [ "$(cat "$OUT/.stamp")" = "$stamp" ]; then
	exit 0
fi
rm -rf "$OUT"
mkdir -p "$OUT" "$B/selftests-hdr"
make -s -C "$SRC" O="$B/selftests-hdr" ARCH=x86_64 INSTALL_HDR_PATH="$B/selftests-hdr/usr" headers_install >/dev/null
for p in $progs; do
	echo "  SELFTEST $p"
	gcc -g -O2 -Wall -static -pthread -isystem "$B/selftests-hdr/usr/include" \
		-I"$ST" "$ST/$p.c" "$TOP/tests/selftest_unbuffered.c" -o "$OUT/$p" 2>"$OUT/$p.build.log" || {
		cat "$OUT/$p.build.log" >&2
		echo "selftests: $p does not build" >&2
		exit 1
	}
	rm -f "$OUT/$p.build.log"
done
echo "$stamp" >"$OUT/.stamp"
