#!/bin/bash
# make lava KERNEL=base|patched   (scripts/lava.sh [KERNEL])
#
# Runs a guest's KTAP suite the way a LAVA lab would: renders the job
# (lava/jobs/suite.yaml.jinja2, validated with lava_common's strict schema)
# and the local worker's device dictionary (lava/devices/, against the qemu
# device-type template of Debian's lava-server .deb), runs it with
# lava-dispatcher's lava-run (no server), and judges LAVA's own results:
# every KTAP result line a test case, each test binary against its KTAP plan
# and exit status, kernel splats.  Exits non-zero when a test failed, a
# result is missing against a plan, or the job errored.
#
# The initramfs is vm-test's (build/KERNEL/vm/initramfs.cpio.gz, made by
# make vm-test; remade here if missing) with lava/overlay appended as a
# second cpio archive: /out falls back to a tmpfs (no 9p share on a LAVA
# worker) and /extra/run.sh prints the plans and checks on the console.
#
#   scripts/lava.sh KERNEL              run and judge (build/lava/KERNEL/)
#   scripts/lava.sh --jobs [DIR]        render and validate every job
#                                       (base, patched, debug, cost) with
#                                       file:// URLs into DIR (build/lava/jobs)
#   scripts/lava.sh --self-test         the judgement can fail (about 30 s): a
#                                       good one-binary guest passes; a failing
#                                       test, a binary short of its plan, a guest
#                                       that dies mid-suite and one that panics
#                                       each fail (build/lava/selftest/)
#   scripts/lava.sh --cost [KERNEL]     the exact-cost guest as a LAVA job,
#                                       figures as measurements (build/cost/
#                                       initramfs.cpio from make cost)
# Environment: LAVA_EXTRA_APPEND (more kernel arguments, e.g.
# exitwatch.only=f0), LAVA_JOB_ID, LAVA_REQUIRE_IDENTICAL=1 (a result that
# differs from vm-test's console.log fails the run: make check sets it).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
PY=/usr/bin/python3 # lava_common lives in Debian's python3, not a pyenv one
H="$PY $TOP/lava/exitwatch_lava.py"
export PYTHONDONTWRITEBYTECODE=1
# the guests' kernel command line, as the job template has it
suite_args() { $PY -c 'import sys; sys.path.insert(0, sys.argv[1]); import exitwatch_lava as l; print(l.SUITE_ARGS)' "$TOP/lava"; }

mode=run
case "${1:-}" in
--jobs | --self-test | --cost) mode=${1#--}; shift ;;
-h | --help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
-*) die "unknown option $1" ;;
esac

"$TOP/scripts/lava-setup.sh"

# lava_initramfs KERNEL DEST [EDIT-COMMAND]: vm-test's initramfs + lava/overlay
# (EDIT-COMMAND runs in the overlay's staging directory: the self-test's hook)
lava_initramfs() {
	local k=$1 dest=$2 edit=${3:-} vm="$B/$1/vm" st
	if [ ! -f "$vm/initramfs.cpio.gz" ]; then
		log "no $vm/initramfs.cpio.gz: making it with make vm-test KERNEL=$k (runs the suite once)"
		$MAKE -s -C "$TOP" vm-test KERNEL="$k" || die "make vm-test KERNEL=$k failed"
	fi
	st=$(dirname "$dest")/overlay
	rm -rf "$st" && mkdir -p "$st" && cp -a "$TOP/lava/overlay/." "$st/"
	grep -m1 '^SPLATS=' "$TOP/scripts/vm-test.sh" >"$st/extra/splats.sh" || die "no SPLATS= in scripts/vm-test.sh"
	# vm-test's /init, with its results share made optional: a LAVA worker has
	# no 9p share, so /out falls back to a tmpfs and the results reach LAVA
	# through the console (extra/run.sh).  (A wrapper /bin/mount would not do:
	# busybox sh runs its own applets before searching PATH.)
	sed 's|^if ! mount -t 9p \(.*\) /out; then$|if ! mount -t 9p \1 /out 2>/dev/null \&\& ! { echo "EXITWATCH-LAVA: no 9p share: /out is a tmpfs"; mount -t tmpfs out /out; }; then|' \
		"$vm/root/init" >"$st/init"
	grep -q 'EXITWATCH-LAVA: no 9p share' "$st/init" || die "$vm/root/init: found no 9p mount line to make optional (scripts/vm-test.sh changed?)"
	chmod +x "$st/init"
	# a payload vm-test packed (build/guest-extra/run.sh) keeps running
	[ -x "$vm/root/extra/run.sh" ] && cp "$vm/root/extra/run.sh" "$st/extra/run-vm.sh"
	[ -z "$edit" ] || (cd "$st" && eval "$edit")
	{ cat "$vm/initramfs.cpio.gz"; (cd "$st" && find . -print0 | cpio --null -o -H newc --quiet -R 0:0 | gzip -1); } >"$dest"
}

# run_job JOB DIR: lava-run the job on the local device; log in DIR/lava-run.log
run_job() {
	local job=$1 dir=$2 rc t0
	$H device "$job" -o "$dir/device.yaml"
	rm -rf "$dir/output" && mkdir -p "$dir/output"
	t0=$(date +%s)
	set +e
	lava-run --job-id "${LAVA_JOB_ID:-1}" --output-dir "$dir/output" --device "$dir/device.yaml" "$job" >"$dir/lava-run.log" 2>&1
	rc=$?
	set -e
	echo $(($(date +%s) - t0)) >"$dir/wall"
	log "lava-run exit $rc after $(cat "$dir/wall") s ($dir/lava-run.log)"
	return 0
}

url() { echo "file://$(readlink -f "$1")"; }

# suite KERNEL DIR [kernel-args] [initramfs-edit]: render, run and judge one guest
suite() {
	local k=$1 dir=$2 args=${3:-} edit=${4:-}
	[ -f "$B/$k/bzImage" ] || die "no $B/$k/bzImage: run make kernel KERNEL=$k"
	rm -rf "$dir" && mkdir -p "$dir"
	lava_initramfs "$k" "$dir/initramfs.cpio.gz" "$edit"
	$H job "$k" --kernel-url "$(url "$B/$k/bzImage")" --ramdisk-url "$(url "$dir/initramfs.cpio.gz")" \
		${args:+--kernel-args "$args"} -o "$dir/job.yaml"
	log "$k: job $dir/job.yaml validates; running it with lava-run (one guest, TCG)"
	run_job "$dir/job.yaml" "$dir"
	# vm-test's console is the reference for a whole suite, not for a part of it
	$H results "$dir" --label "lava[$k]" ${args:+--no-reference} --reference "$B/$k/vm/console.log" \
		${LAVA_REQUIRE_IDENTICAL:+--require-identical}
}

case $mode in
run)
	k=${1:-${KERNEL:-base}}
	args=
	[ -z "${LAVA_EXTRA_APPEND:-}" ] || args="$(suite_args) $LAVA_EXTRA_APPEND"
	suite "$k" "$B/lava/$k" "$args"
	;;
jobs)
	# every job file a lab would take, with this machine's file:// URLs
	d=${1:-$B/lava/jobs}
	mkdir -p "$d"
	for k in base patched debug; do
		$H job "$k" --kernel-url "$(url "$B")/$k/bzImage" --ramdisk-url "$(url "$B")/lava/$k/initramfs.cpio.gz" -o "$d/$k.yaml"
	done
	if [ -f "$B/cost/initramfs.cpio" ]; then
		for k in base patched; do
			$H job cost --cost-kernel "$k" --kernel-url "$(url "$B")/$k/bzImage" \
				--ramdisk-url "$(url "$B/cost/initramfs.cpio")" -o "$d/cost-$k.yaml"
		done
	else
		log "no build/cost/initramfs.cpio (make cost-initramfs): no cost jobs"
	fi
	$H validate "$d"/*.yaml
	;;
cost)
	k=${1:-${KERNEL:-base}}
	d="$B/lava/cost-$k"
	[ -f "$B/$k/bzImage" ] || die "no $B/$k/bzImage"
	[ -f "$B/cost/initramfs.cpio" ] || $MAKE -s -C "$TOP" cost-initramfs >/dev/null || die "cannot build the cost initramfs (make cost-initramfs)"
	rm -rf "$d" && mkdir -p "$d"
	$H job cost --cost-kernel "$k" --kernel-url "$(url "$B/$k/bzImage")" --ramdisk-url "$(url "$B/cost/initramfs.cpio")" -o "$d/job.yaml"
	log "cost-$k: job $d/job.yaml validates; running it with lava-run"
	run_job "$d/job.yaml" "$d"
	$H results "$d" --kind cost --label "lava[cost-$k]"
	;;
self-test)
	# The judgement can fail.  Each guest runs one test binary
	# (exitwatch.only=f0_pidfd_basic, under 10 s a guest here): a good one must
	# pass; a failing test, a binary that stops short of its KTAP plan, a guest
	# that dies mid-suite and one that panics must each fail, for that reason.
	k=${1:-base}
	only="$(suite_args) exitwatch.only=f0_pidfd_basic"
	# shellcheck disable=SC2317 # fake is called from the cases' eval
	fake() { # fake BODY: overlay tests/f0_pidfd_basic with a shell script
		mkdir -p tests && printf '#!/bin/sh\n%s\n' "$1" >tests/f0_pidfd_basic && chmod +x tests/f0_pidfd_basic
	}
	t0=$(date +%s) bad=0
	mkdir -p "$B/lava/selftest"
	while IFS='|' read -r name want why extra edit; do
		d="$B/lava/selftest/$name"
		set +e
		(suite "$k" "$d" "$only${extra:+ $extra}" "$edit") >"$d.txt" 2>&1
		rc=$?
		set -e
		got=pass; [ $rc = 0 ] || got=fail
		if [ "$got" != "$want" ]; then
			log "self-test $name: $got, should $want ($d.txt)"; bad=1
		elif ! grep -qE "$why" "$d.txt"; then
			log "self-test $name: $got, but not for the reason it should ('$why'; $d.txt)"; bad=1
		else
			log "self-test $name: $got as it should: $(grep -hE "$why" "$d.txt" | head -1 | cut -c1-150)"
		fi
	done <<'CASES'
good|pass|passed, 0 failed||
failing-test|fail|not ok: broken||fake 'echo "TAP version 13"; echo "1..2"; echo "ok 1 fine"; echo "not ok 2 broken"; exit 1'
short-of-plan|fail|2 of 3 planned results||fake 'echo "TAP version 13"; echo "1..3"; echo "ok 1 one"; echo "ok 2 two"'
guest-dies-mid-suite|fail|did not complete: .*Connection closed||fake 'echo "TAP version 13"; echo "1..2"; echo "ok 1 one"; reboot -f; sleep 30'
guest-panics|fail|did not complete: .*Connection closed|exitwatch.panic|
CASES
	log "self-test: $([ $bad = 0 ] && echo PASS || echo FAIL) in $(($(date +%s) - t0)) s ($B/lava/selftest/)"
	exit $bad
	;;
esac
