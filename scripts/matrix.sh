#!/bin/bash
# make matrix: the conformance matrix of SPEC section 1, from the KTAP
# streams of the last runs (build/base/vm/out, build/patched/vm/out,
# build/host/out).  Writes build/matrix.md and prints it.  Exit status 1
# when a cell failed, or when a feature test passed on a kernel that the
# SPEC says lacks the feature (a probe that cannot tell).
set -uo pipefail
. "$(dirname "$0")/lib.sh"
declare -A DIRS=([base]="$B/base/vm/out" [patched]="$B/patched/vm/out" [host]="$B/host/out")
COLS=(base patched host)
ROWS=(f0 selftest f1 f2 f3 f4 f5 f6 f7 f9 f10 f11c f11s f8 stress)
declare -A TITLE=([f0]="existing pidfd (open, poll IN, waitid P_PIDFD, send_signal, clone3, eBPF wake)"
	[selftest]="6.1 tools/testing/selftests/pidfd"
	[f1]="F1 poll states (IN at exit, IN\\|HUP at reap)" [f2]="F2 PIDFD_THREAD"
	[f3]="F3 leader/exec polling" [f4]="F4 PIDFD_GET_INFO" [f5]="F5 PIDFD_INFO_EXIT"
	[f6]="F6 PIDFD_SELF_*" [f7]="F7 CLONE_WAIT_PIDFD"
	[f9]="F9 CLONE_AUTOREAP" [f10]="F10 CLONE_NNP, CLONE_PIDFD_AUTOKILL"
	[f11c]="F11 PIDFD_INFO_COREDUMP" [f11s]="F11 PIDFD_INFO_SUPPORTED_MASK"
	[f8]="bad input to every pidfd call (old calls everywhere; F2-F7 cases skip where absent)"
	[stress]="fork-storm stress: burst, churn (fault injection: debug guest only)")
expect() { # row col -> pass|skip|-
	case "$1:$2" in
	f0:*) echo pass ;;
	# reliability rows: the older calls pass everywhere, so each file passes
	f8:* | stress:*) echo pass ;;
	selftest:host) echo - ;;
	selftest:*) echo pass ;;
	f7:patched) echo pass ;;
	f7:*) echo skip ;;
	# 7.1 and 6.19 features: only the patched guest has them (host 6.18 lacks them)
	f9:patched | f10:patched | f11s:patched) echo pass ;;
	f9:* | f10:* | f11s:*) echo skip ;;
	# F11 is split in two rows so that no cell mixes passes and skips: the
	# host (6.18, the reference) has COREDUMP but not SUPPORTED_MASK
	f11c:base) echo skip ;;
	f11c:*) echo pass ;;
	*:base) echo skip ;;
	*) echo pass ;;
	esac
}

bad=0
cell() { # row col -> text; sets $verdict
	local dir=${DIRS[$2]} files=() f pass=0 skip=0 fail=0 rc
	shopt -s nullglob
	case $1 in
	selftest) files=("$dir"/selftest_*.tap) ;;
	# F11's two files, one row each (tests/f11_coredump.c, f11_supported_mask.c)
	f11c) files=("$dir"/f11_coredump*.tap) ;;
	f11s) files=("$dir"/f11_supported_mask*.tap) ;;
	*) files=("$dir"/"$1"_*.tap) ;;
	esac
	shopt -u nullglob
	if [ ${#files[@]} = 0 ]; then
		verdict=none
		echo "not run"
		return
	fi
	for f in "${files[@]}"; do
		pass=$((pass + $(grep -cE '^ok [0-9]+ ' "$f")))
		skip=$((skip + $(grep -cE '^ok [0-9]+ .*# SKIP' "$f")))
		fail=$((fail + $(grep -cE '^not ok [0-9]+ ' "$f")))
		rc=$(cat "${f%.tap}.rc" 2>/dev/null || echo 1)
		case "$(basename "$f"):$rc" in *:0 | selftest_*:4) ;; *) fail=$((fail + 1)) ;; esac
	done
	pass=$((pass - skip))
	if [ $fail -gt 0 ]; then
		verdict=fail
		echo "**FAIL** ($pass pass, $fail fail, $skip skip)"
	elif [ $pass -gt 0 ] && [ $skip = 0 ]; then
		verdict=pass
		echo "pass ($pass)"
	elif [ $pass = 0 ]; then
		verdict=skip
		echo "skip ($skip)"
	else
		verdict=pass
		echo "pass ($pass, $skip skip)"
	fi
}

kver() { cat "${DIRS[$1]}/kernel.txt" 2>/dev/null || echo "?"; }
{
	echo "| feature | base 6.1 guest ($(kver base)) | patched 6.1 guest ($(kver patched)) | this machine ($(kver host)) |"
	echo "|---|---|---|---|"
	for r in "${ROWS[@]}"; do
		line="| ${TITLE[$r]} |"
		for c in "${COLS[@]}"; do
			txt=$(cell "$r" "$c")
			cell "$r" "$c" >/dev/null
			want=$(expect "$r" "$c")
			note=""
			if [ "$verdict" = fail ]; then
				bad=1
			elif [ "$want" = skip ] && [ "$verdict" = pass ]; then
				note=" **(spec: skip; passes where the feature is absent)**"
				bad=1
			elif [ "$want" != - ] && [ "$verdict" != "$want" ]; then
				note=" (spec: $want)"
			fi
			line="$line $txt$note |"
		done
		echo "$line"
	done
	echo
	echo "Cells count KTAP results: pass = ran and passed, skip = the kernel lacks the feature (reason in the .tap), not run = no output."
	echo "(spec: X) marks a cell that differs from SPEC section 1's target matrix."
} >"$B/matrix.md"
echo
echo "Conformance matrix (build/matrix.md):"
cat "$B/matrix.md"
exit $bad
