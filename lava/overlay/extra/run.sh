#!/bin/sh
# exitwatch LAVA overlay: vm-test's /init runs /extra/run.sh OUT after the
# suite.  The console already carries every KTAP result line (run-tests.sh);
# this adds what LAVA cannot see otherwise, one "EWLAVA case=... result=..."
# line per check for the job's second monitor: each test binary against its
# own KTAP plan and exit status, kernel splats in dmesg, lockdep still on, and
# the suite's figures as measurements with units.
out=$1
echo "EXITWATCH-LAVA: suite done"
# a payload vm-test's initramfs already had (build/guest-extra/run.sh) still runs
[ -x /extra/run-vm.sh ] && /extra/run-vm.sh "$out"
echo "EXITWATCH-LAVA: checks"
for t in /tests/* /selftests/*; do
	[ -x "$t" ] && [ -f "$t" ] || continue
	n=$(basename "$t")
	case "$t" in /selftests/*) n=selftest_$n ;; esac
	f=$out/$n.tap
	[ -f "$f" ] || continue # not run: exitwatch.only=, or a selftest helper
	plan=$(sed -n 's/^1\.\.\([0-9][0-9]*\).*/\1/p' "$f" | head -1)
	res=$(grep -cE '^(not )?ok [0-9]+ ' "$f")
	failed=$(grep -cE '^not ok [0-9]+ ' "$f")
	rc=$(cat "$out/$n.rc" 2>/dev/null || echo missing)
	# as scripts/ktap-verdict.sh: the 6.1 pidfd_poll_test prints no plan
	case "$n:$plan" in selftest_*:) plan=$res note=" (no plan printed: plan taken from its results)" ;; *) note= ;; esac
	echo "EWLAVA-PLAN name=$n plan=${plan:-none} results=$res failed=$failed rc=$rc$note"
	verdict=pass
	[ "$plan" = "$res" ] && [ "$failed" = 0 ] || verdict=fail
	case "$n:$rc" in *:0 | selftest_*:4) ;; *) verdict=fail ;; esac
	echo "EWLAVA case=$n result=$verdict measurement=$res units=results"
done
# kernel reports (the regex is vm-test.sh's, copied in by scripts/lava.sh)
. /extra/splats.sh
dmesg >/tmp/dmesg.txt
splats=$(grep -cE "$SPLATS" /tmp/dmesg.txt)
[ "$splats" = 0 ] && r=pass || { r=fail; grep -E "$SPLATS" /tmp/dmesg.txt | head -20 | sed 's/^/EWLAVA-SPLAT /'; }
echo "EWLAVA case=kernel-splats result=$r measurement=$splats units=lines"
if [ -r /proc/lockdep_stats ]; then
	on=$(sed -n 's/.*debug_locks: *\([0-9]*\).*/\1/p' /proc/lockdep_stats)
	[ "$on" = 1 ] && r=pass || r=fail
	echo "EWLAVA case=lockdep-still-on result=$r measurement=${on:-0} units=debug_locks"
fi
# figures: F5's slab allocations per process, the pid slab slot per level
sed -n 's/^# (a) no pidfd: \([0-9.]*\) slab allocations per process.*/EWLAVA case=slab-allocs-per-process-no-pidfd result=pass measurement=\1 units=allocations/p
s/^# (b) pidfd_open per child: \([0-9.]*\) per process.*/EWLAVA case=slab-allocs-per-process-pidfd result=pass measurement=\1 units=allocations/p
s/^# pid-slab: level=\([0-9]*\) .*slab_size=\([0-9]*\).*/EWLAVA case=pid-slab-slot-level-\1 result=pass measurement=\2 units=bytes/p' "$out"/*.tap 2>/dev/null
