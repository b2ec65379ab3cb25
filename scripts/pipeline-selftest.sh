#!/bin/bash
# The gate must be able to fail.  Builds canary test binaries that each go
# wrong in one way (an inverted assertion, a zombie left behind, a leaked fd,
# a crash, a truncated KTAP stream) and checks that the verdict rejects each
# while accepting the clean one; then boots the base guest with a kernel
# that panics at boot, and with an init that hangs, and checks that
# vm-test fails within its timeout each time.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
W="$B/pipeline-selftest"
rm -rf "$W"
mkdir -p "$W"
bad=0
say() { printf '  %-40s %s\n' "$1" "$2"; }

for gate in NONE INVERTED ZOMBIE FD_LEAK CRASH TRUNCATED; do
	d="$W/$gate"
	mkdir -p "$d/bin" "$d/out"
	gcc -O2 -Wall -D_GNU_SOURCE -DGATE_$gate -I"$TOP/tests" -I"$TOP/include" \
		"$TOP/tests/meta/gate_canary.c" -o "$d/bin/canary_$gate" || { bad=1; continue; }
	"$TOP/tests/run-tests.sh" "$d/bin" "$d/out" >/dev/null 2>&1
	if "$TOP/scripts/ktap-verdict.sh" "$d/out" "canary $gate" >"$d/verdict.txt" 2>&1; then
		verdict=pass
	else
		verdict=fail
	fi
	want=fail
	[ $gate = NONE ] && want=pass
	if [ $verdict = $want ]; then
		say "canary $gate" "verdict $verdict, as it must be"
	else
		say "canary $gate" "verdict $verdict, expected $want"
		cat "$d/verdict.txt"
		bad=1
	fi
done

if [ "${PIPELINE_SKIP_VM:-0}" = 1 ]; then
	say "guest panic/hang" "SKIP: PIPELINE_SKIP_VM=1"
elif [ ! -f "$B/base/bzImage" ]; then
	say "guest panic/hang" "SKIP: no build/base/bzImage"
	bad=1
else
	for what in panic hang; do
		case $what in
		# init exits: the kernel panics, panic=-1 reboots, QEMU stops
		panic) append="exitwatch.panic" tmo=120 want="stopped before finishing" ;;
		# an init that never finishes: only the timeout can end it
		hang) append="exitwatch.hang" tmo=25 want="hung" ;;
		esac
		t0=$(date +%s)
		if VM_DIR="$W/vm-$what" VM_TIMEOUT=$tmo VM_EXTRA_APPEND="$append" "$TOP/scripts/vm-test.sh" base \
			>"$W/vm-$what.txt" 2>&1; then
			say "guest that should $what" "vm-test PASSED: the gate cannot see it"
			bad=1
		else
			dt=$(($(date +%s) - t0))
			if [ $dt -le $((tmo + 30)) ] && grep -q "$want" "$W/vm-$what.txt" &&
				{ [ $what = hang ] || [ $dt -lt $((tmo / 2)) ]; }; then
				say "guest that should $what" "vm-test failed after ${dt}s (timeout ${tmo}s): $(grep -m1 -E 'hung|stopped' "$W/vm-$what.txt")"
			else
				say "guest that should $what" "vm-test failed after ${dt}s, but not as '$want' well within the timeout"
				cat "$W/vm-$what.txt"
				bad=1
			fi
		fi
	done
fi
exit $bad
