#!/bin/sh
# run-tests.sh BIN_DIR OUT_DIR [SELFTEST_DIR]
#
# Runs every KTAP test binary of BIN_DIR (and the 6.1 pidfd selftests of
# SELFTEST_DIR, if given), writing OUT_DIR/<name>.tap (stdout+stderr) and
# OUT_DIR/<name>.rc (exit status).  POSIX sh: runs under busybox in the
# guests and under bash or dash on the host.  Progress goes to stdout.
set -u
bin_dir=$1
out_dir=$2
st_dir=${3:-}
per_binary_timeout=${EXITWATCH_BINARY_TIMEOUT:-1200}
mkdir -p "$out_dir"

run_one() { # name command...
	name=$1
	shift
	printf '== %s\n' "$name"
	if command -v timeout >/dev/null 2>&1; then
		timeout "$per_binary_timeout" "$@" >"$out_dir/$name.tap" 2>&1
	else
		"$@" >"$out_dir/$name.tap" 2>&1
	fi
	rc=$?
	echo "$rc" >"$out_dir/$name.rc"
	grep -E '^(not ok|ok) ' "$out_dir/$name.tap" | sed 's/^/   /'
	[ "$rc" = 0 ] || printf '   (exit status %s)\n' "$rc"
}

for t in "$bin_dir"/*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	run_one "$(basename "$t")" "$t"
done

if [ -n "$st_dir" ] && [ -d "$st_dir" ]; then
	for t in "$st_dir"/*; do
		[ -x "$t" ] && [ -f "$t" ] || continue
		# helpers the selftests exec (TEST_GEN_PROGS_EXTENDED) are no tests
		grep -qx "$(basename "$t")" "$st_dir/helpers.list" 2>/dev/null && continue
		# the selftests find their helpers next to themselves
		run_one "selftest_$(basename "$t")" sh -c "cd '$st_dir' && exec './$(basename "$t")'"
	done
fi
