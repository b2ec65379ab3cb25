#!/bin/bash
# make vm-test KERNEL=base|patched|debug
#
# Packs an initramfs (busybox-static, the static KTAP test binaries, the 6.1
# pidfd selftests: the patched tree's for patched and debug, the pristine
# tree's for base; tests/run-tests.sh), boots build/$KERNEL/bzImage under
# QEMU (TCG; KVM only with VM_ACCEL=kvm), runs the suite in the guest with
# KTAP on the serial console, and collects the files the guest writes
# through 9p into build/$KERNEL/vm/out/.  QEMU ends by itself (reboot -f,
# -no-reboot); a guest that panics or hangs fails within VM_TIMEOUT seconds
# and the console tail is shown.  The verdict comes from prove over the
# collected KTAP streams.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
KERNEL=${1:-${KERNEL:-base}}
ME="vm-test[$KERNEL]"
K="$B/$KERNEL"
VM=${VM_DIR:-$K/vm}
# the debug kernel (KASAN, lockdep, kmemleak) runs several times slower under
# TCG, needs memory for KASAN's shadow and runs the full 10,000-child stress
case "$KERNEL" in
debug) def_timeout=5400 def_mem=4096
	# per-test and per-binary timeouts too: KASAN + lockdep under TCG is 5-10x slower
	# (and the F5 slab-counting storm at 2,000: at 10,000 BPF-counted forks it had not
	# finished after 7 minutes there)
	# rcutree.kthread_prio=1: the RCU grace-period kthread runs SCHED_FIFO.  In
	# the 10,000-child burst it sat runnable and unscheduled for 26 s behind the
	# storm's tasks ("rcu_sched kthread starved for 6502 jiffies", all quiescent
	# states seen: no CPU was stuck), and the stall check reported it.  Priority 1
	# is what kernels with RCU_BOOST use by default
	def_append="rcutree.kthread_prio=1 EW_STRESS_CHILDREN=10000 EW_STRESS_CHURN=5000 EW_ALLOC_STORM=2000 KTAP_TIMEOUT=1800 EXITWATCH_BINARY_TIMEOUT=4000" ;;
*) def_timeout=1500 def_mem=2048 def_append= ;;
esac
VM_TIMEOUT=${VM_TIMEOUT:-$def_timeout}
VM_ACCEL=${VM_ACCEL:-tcg}
VM_MEM=${VM_MEM:-$def_mem}
VM_CPUS=${VM_CPUS:-2}
VM_EXTRA_APPEND=${VM_EXTRA_APPEND:-}

[ -f "$K/bzImage" ] || die "no $K/bzImage: run make kernel KERNEL=$KERNEL"
BUSYBOX=$(command -v busybox || true)
[ -n "$BUSYBOX" ] && file -L "$BUSYBOX" 2>/dev/null | grep -q 'statically linked' || BUSYBOX=/bin/busybox
[ -x "$BUSYBOX" ] || die "busybox-static missing: run scripts/setup.sh"

# 1. initramfs
rm -rf "$VM"
mkdir -p "$VM/root" "$VM/out"
R="$VM/root"
mkdir -p "$R"/{bin,sbin,dev,proc,sys,tmp,out,tests,selftests,etc}
cp "$BUSYBOX" "$R/bin/busybox"
ln -s busybox "$R/bin/sh"
mknod -m 600 "$R/dev/console" c 5 1
mknod -m 666 "$R/dev/null" c 1 3
cp "$TOP/tests/run-tests.sh" "$R/run-tests.sh"
for t in "$B"/tests/*; do
	[ -x "$t" ] && [ -f "$t" ] && cp "$t" "$R/tests/"
done
# the patched and debug guests run the selftests of the patched tree (which
# the series extends), base runs the pristine tree's
ST_DIR="$B/selftests"
case "$KERNEL" in
patched | debug)
	"$TOP/scripts/selftests.sh" "$K/src" || die "cannot build the selftests of $K/src"
	ST_DIR="$B/selftests-patched" ;;
esac
[ -d "$ST_DIR" ] && cp "$ST_DIR"/* "$R/selftests/" 2>/dev/null || true
# extra payloads (the observer's static binary, etc.) go in build/guest-extra/
# (VM_EXTRA_DIR: another directory, e.g. for a private run beside the suite's)
EXTRA_DIR=${VM_EXTRA_DIR:-$B/guest-extra}
[ -d "$EXTRA_DIR" ] && cp -r "$EXTRA_DIR" "$R/extra"
cat >"$R/init" <<'INIT'
#!/bin/sh
/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t tmpfs tmp /tmp
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null
if ! mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 out /out; then
	echo "EXITWATCH: cannot mount the 9p share"
	reboot -f
fi
echo "EXITWATCH: guest $(uname -r) up, $(nproc) cpus"
uname -r >/out/kernel.txt
cat /proc/version >/out/version.txt
cmd=$(cat /proc/cmdline)
# scripts/pipeline-selftest.sh: a guest that never finishes, and one whose
# init exits (the kernel panics: "Attempted to kill init!")
case "$cmd" in *exitwatch.hang*) while :; do sleep 1; done ;; esac
case "$cmd" in *exitwatch.panic*) exit 1 ;; esac
case "$cmd" in *exitwatch.only=*) only=${cmd##*exitwatch.only=}; only=${only%% *} ;; *) only= ;; esac
if [ -n "$only" ]; then
	mkdir /tests-only
	for t in /tests/*; do case "$(basename $t)" in *$only*) ln -s "$t" /tests-only/ ;; esac; done
	/run-tests.sh /tests-only /out
else
	/run-tests.sh /tests /out /selftests
fi
[ -x /extra/run.sh ] && /extra/run.sh /out
# kmemleak (debug kernel): it reports objects unreferenced for 5 s or more,
# so scan twice, 6 s apart, and keep what it says
if [ -e /sys/kernel/debug/kmemleak ]; then
	echo scan >/sys/kernel/debug/kmemleak
	sleep 6
	echo scan >/sys/kernel/debug/kmemleak
	cat /sys/kernel/debug/kmemleak >/out/kmemleak.txt 2>/out/kmemleak.err || echo "kmemleak: cannot read the report" >>/out/kmemleak.err
fi
# lockdep (debug kernel): still on at the end, or its silence proves nothing
[ -r /proc/lockdep_stats ] && grep debug_locks /proc/lockdep_stats >/out/lockdep.txt
dmesg >/out/dmesg.txt
echo EXITWATCH-DONE >/out/done
sync
echo "EXITWATCH: done"
reboot -f
INIT
chmod +x "$R/init"
(cd "$R" && find . -print0 | cpio --null -o -H newc --quiet | gzip -1 >"$VM/initramfs.cpio.gz")
log "initramfs $(du -h "$VM/initramfs.cpio.gz" | cut -f1), booting $(basename "$K")/bzImage ($VM_ACCEL, ${VM_CPUS} cpus, ${VM_MEM} MiB, timeout ${VM_TIMEOUT}s)"

# 2. boot
accel="-accel tcg,thread=multi"
if [ "$VM_ACCEL" = kvm ]; then
	[ -w /dev/kvm ] || die "VM_ACCEL=kvm but /dev/kvm is not usable"
	accel="-accel kvm"
fi
start=$(date +%s)
set +e
# shellcheck disable=SC2086
timeout -k 10 "$VM_TIMEOUT" qemu-system-x86_64 $accel -cpu max -smp "$VM_CPUS" -m "$VM_MEM" \
	-nodefaults -display none -no-reboot \
	-kernel "$K/bzImage" -initrd "$VM/initramfs.cpio.gz" \
	-append "console=ttyS0 panic=-1 oops=panic loglevel=4 log_buf_len=4M EW_GUEST=1 $def_append $VM_EXTRA_APPEND" \
	-serial "file:$VM/console.log" -monitor none \
	-virtfs "local,path=$VM/out,mount_tag=out,security_model=none,id=out" \
	</dev/null >"$VM/qemu.log" 2>&1
rc=$?
set -e
log "guest ran $(($(date +%s) - start)) s, qemu exit $rc"

if [ ! -f "$VM/out/done" ]; then
	if [ $rc = 124 ] || [ $rc = 137 ]; then
		warn "guest hung: no result within ${VM_TIMEOUT}s"
	else
		warn "guest stopped before finishing (panic?), qemu exit $rc"
	fi
	echo "---- console tail ($VM/console.log) ----" >&2
	tail -40 "$VM/console.log" >&2 || true
	cat "$VM/qemu.log" >&2 || true
	exit 1
fi
# kernel splats fail the run even when every test passed: BUG, WARNING (lockdep
# and RCU-lockdep reports are WARNINGs too), KASAN, sleep-in-atomic, RCU
# stalls, hung tasks, oopses, kmemleak switching itself off
SPLATS='BUG:|WARNING:|KASAN|possible circular locking|inconsistent lock state|possible recursive locking|suspicious RCU usage|sleeping function called from invalid context|detected stalls? on CPU|self-detected stall|blocked for more than [0-9]+ seconds|Oops|general protection fault|kernel BUG at|kmemleak:.*new suspected|kmemleak:.*disabled|Kernel memory leak detector disabled'
bad=0
if grep -nE "$SPLATS" "$VM/out/dmesg.txt" >"$VM/splats.txt"; then
	warn "kernel reports in dmesg ($(wc -l <"$VM/splats.txt") lines match; $VM/out/dmesg.txt):"
	head -20 "$VM/splats.txt" >&2
	first=$(head -1 "$VM/splats.txt" | cut -d: -f1)
	echo "---- the first report ----" >&2
	sed -n "$((first > 3 ? first - 3 : 1)),$((first + 45))p" "$VM/out/dmesg.txt" >&2
	bad=1
fi
# kmemleak (debug kernel): any unreferenced object after the run fails it
if grep -q '^CONFIG_DEBUG_KMEMLEAK=y' "$K/obj/.config" 2>/dev/null; then
	if [ ! -f "$VM/out/kmemleak.txt" ] || [ -s "$VM/out/kmemleak.err" ]; then
		warn "kmemleak gave no report: $(cat "$VM/out/kmemleak.err" 2>/dev/null)"
		bad=1
	fi
	if [ -s "$VM/out/kmemleak.txt" ]; then
		warn "kmemleak: $(grep -c '^unreferenced object' "$VM/out/kmemleak.txt") unreferenced objects after the run ($VM/out/kmemleak.txt):"
		head -60 "$VM/out/kmemleak.txt" >&2
		bad=1
	elif [ $bad = 0 ]; then
		log "kmemleak: no unreferenced object after the run (two scans)"
	fi
fi
# lockdep turns itself off after one report or on a taint that makes it
# unreliable (a KASAN report, a bad page): a run it stopped watching is no pass
if grep -q '^CONFIG_PROVE_LOCKING=y' "$K/obj/.config" 2>/dev/null; then
	if ! grep -qE 'debug_locks: +1' "$VM/out/lockdep.txt" 2>/dev/null; then
		warn "lockdep was off at the end of the run ($(tr -s ' ' <"$VM/out/lockdep.txt" 2>/dev/null || echo 'no /proc/lockdep_stats')): its silence proves nothing"
		bad=1
	elif [ $bad = 0 ]; then
		log "lockdep: still on at the end of the run (debug_locks 1)"
	fi
fi
[ $bad = 0 ] || exit 1
"$TOP/scripts/ktap-verdict.sh" "$VM/out" "guest $KERNEL $(cat "$VM/out/kernel.txt")"
