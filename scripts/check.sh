#!/bin/bash
# make check: build everything and run every test, then print the
# conformance matrix.  Steps go on after a failure so that one run shows all
# of them; the exit status is non-zero if any step failed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"
failed=()
declare -a summary

has_target() { $MAKE -s -n "$1" >/dev/null 2>&1; }

step() { # name command...
	local name=$1 t0 rc
	shift
	echo
	echo "==== $name"
	t0=$(date +%s)
	"$@"
	rc=$?
	summary+=("$(printf '%-28s %-4s %5ss' "$name" "$([ $rc = 0 ] && echo ok || echo FAIL)" "$(($(date +%s) - t0))")")
	[ $rc = 0 ] || failed+=("$name")
	return $rc
}

# A clean clone's make check writes about 9 GB under build/ (six kernel
# trees: pristine, base, patched, the series-check tree, kdev and its
# selftests build; measured 8.8 GB after a full run) and ccache grows by up
# to 1 GB.  With less free space the kernel builds die halfway with ENOSPC
# and every later step fails for that reason alone (CI of 2026-12-05): say
# so before starting.  EW_MIN_FREE_GB overrides the figure (0: no check).
need_gb=${EW_MIN_FREE_GB:-11}
mkdir -p "$B"
free_gb=$(df -P -BG "$B" | awk 'NR == 2 { sub("G", "", $4); print $4 }')
if [ "$need_gb" -gt 0 ] && [ "${free_gb:-0}" -lt "$need_gb" ]; then
	die "only ${free_gb} GB free on the file system of $B; a clean make check needs about $need_gb GB" \
		"(build/ about 9 GB, ccache up to 1 GB more): free space, or set EW_MIN_FREE_GB to try anyway"
fi
log "$free_gb GB free under $B (about $need_gb GB needed from a clean clone)"

step "build (bpf, tests)" $MAKE -s bpf tests selftests
if has_target test-unit; then
	step "unit tests" $MAKE -s test-unit
fi
step "tests on this kernel" ./scripts/run-host.sh
for k in base patched; do
	if step "kernel $k" ./scripts/kernel.sh $k; then
		step "guest $k" ./scripts/vm-test.sh $k
	fi
done
# exact cost (guest instructions) of base and patched in deterministic guests
# against results/baselines/cost/; its self-test: a known amount of work
# added to every exit is flagged on exactly the operations with an exit
# (about 2 min; scripts/gate.sh)
step "regression gate" ./scripts/gate.sh
# the patched guest again, as a LAVA job run by Debian's lava-dispatcher: its
# results must equal vm-test's test by test; then a guest that dies
# mid-suite, one that panics, a failing test and a short plan must fail it
step "LAVA (patched guest)" env LAVA_REQUIRE_IDENTICAL=1 ./scripts/lava.sh patched
step "LAVA self-test" ./scripts/lava.sh --self-test
step "pipeline self-test" ./scripts/pipeline-selftest.sh
if has_target check-series; then
	step "series checks" $MAKE -s check-series
fi
step "budgets (sizes, slab, refs)" ./scripts/budgets.sh
step "conformance matrix" ./scripts/matrix.sh

echo
echo "==== make check summary"
printf '%s\n' "${summary[@]}"
# KTAP results of this kernel and the two guests, counted once more
total() { # pattern
	cat build/host/out/*.tap build/base/vm/out/*.tap build/patched/vm/out/*.tap 2>/dev/null |
		grep -cE "$1" | tr -d ' '
}
ok=$(total '^ok [0-9]+ ')
skipped=$(total '^ok [0-9]+ .*# SKIP')
notok=$(total '^not ok [0-9]+ ')
if [ ${#failed[@]} -gt 0 ]; then
	echo "make check: FAILED: ${failed[*]}"
	echo "KTAP: $((ok - skipped)) passed, $notok failed, $skipped skipped"
	exit 1
fi
echo "make check: all steps passed"
echo "KTAP: $((ok - skipped)) passed, $notok failed, $skipped skipped"
