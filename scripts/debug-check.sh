#!/bin/bash
# make check-debug: the debug guest (KASAN, lockdep, PROVE_RCU,
# DEBUG_ATOMIC_SLEEP, kmemleak, fault injection; kernel-patches/config/
# debug.config over base.config, the whole series applied).
#
#   1. build/debug/bzImage (scripts/kernel.sh debug)
#   2. the gate can fail: a guest that loads tests/meta/splat_canary.c, a
#      test-only module that makes KASAN, WARN, kmemleak, the might_sleep
#      check and lockdep each report once for real, must fail vm-test, and
#      each of those reports must be among what it shows
#   3. make vm-test KERNEL=debug: the whole KTAP suite (the stress at
#      10,000 children, fault injection), the 6.1 pidfd selftests and the
#      observer payload, with a clean dmesg and no kmemleak report
#
# DEBUG_SKIP_CANARY=1 skips step 2, DEBUG_SKIP_SUITE=1 step 3.  Exit status
# 1 if step 2 or 3 fails, 2 if the kernel does not build (scripts/lib.sh).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
K="$B/debug"
W="$K/splat-canary"
bad=0
say() { printf 'debug-check: %-34s %s\n' "$1" "$2"; }

t0=$(date +%s)
"$TOP/scripts/kernel.sh" debug || { say "kernel debug" "FAILED"; exit 2; }
say "kernel debug" "built in $(($(date +%s) - t0)) s (build/debug/bzImage)"

if [ "${DEBUG_SKIP_CANARY:-0}" != 1 ]; then
	t0=$(date +%s)
	rm -rf "$W"
	mkdir -p "$W/src" "$W/extra"
	cp "$TOP/tests/meta/splat_canary.c" "$W/src/"
	echo 'obj-m := splat_canary.o' >"$W/src/Kbuild"
	# Module.symvers for an external module: the (empty) modules step
	if { [ -f "$K/obj/Module.symvers" ] || kmake "$K/src" "$K/obj" -j"$(nproc)" modules >"$W/build.log" 2>&1; } &&
		kmake "$K/src" "$K/obj" M="$W/src" modules >>"$W/build.log" 2>&1 && [ -f "$W/src/splat_canary.ko" ]; then
		cp "$W/src/splat_canary.ko" "$W/extra/"
		cat >"$W/extra/run.sh" <<'EOF'
#!/bin/sh
insmod /extra/splat_canary.ko
echo "insmod exit $?" >"$1/canary.txt"
EOF
		chmod +x "$W/extra/run.sh"
		if VM_DIR="$W/vm" VM_EXTRA_DIR="$W/extra" VM_TIMEOUT="${DEBUG_CANARY_TIMEOUT:-1200}" \
			VM_EXTRA_APPEND="exitwatch.only=no-test-has-this-name" \
			"$TOP/scripts/vm-test.sh" debug >"$W/vm-test.txt" 2>&1; then
			say "splat canary" "FAILED: vm-test passed a guest with deliberate kernel reports"
			bad=1
		else
			missing=()
			for want in 'BUG: KASAN: slab-out-of-bounds' 'WARNING: .*splat_canary|splat_canary: warn' \
				'sleeping function called from invalid context' 'possible circular locking dependency'; do
				grep -qE "$want" "$W/vm/splats.txt" 2>/dev/null || missing+=("$want")
			done
			grep -q 'canary_leak' "$W/vm/out/kmemleak.txt" 2>/dev/null || missing+=("kmemleak: canary_leak")
			grep -q 'kmemleak:' "$W/vm-test.txt" || missing+=("kmemleak shown by vm-test")
			grep -q 'lockdep was off' "$W/vm-test.txt" || missing+=("lockdep off after its report, shown by vm-test")
			if [ ${#missing[@]} -gt 0 ]; then
				say "splat canary" "FAILED: vm-test failed, but these reports were not caught: ${missing[*]}"
				tail -30 "$W/vm-test.txt"
				bad=1
			else
				say "splat canary" "vm-test failed as it must, catching KASAN, WARN, might_sleep, lockdep (and lockdep off after it) and kmemleak ($(($(date +%s) - t0)) s; $W/vm-test.txt)"
			fi
		fi
	else
		say "splat canary" "FAILED: the module did not build ($W/build.log)"
		tail -20 "$W/build.log"
		bad=1
	fi
fi

if [ "${DEBUG_SKIP_SUITE:-0}" != 1 ]; then
	t0=$(date +%s)
	if "$TOP/scripts/vm-test.sh" debug; then
		say "guest debug" "passed with a clean dmesg and no kmemleak report ($(($(date +%s) - t0)) s)"
	else
		say "guest debug" "FAILED ($(($(date +%s) - t0)) s)"
		bad=1
	fi
fi
exit $bad
