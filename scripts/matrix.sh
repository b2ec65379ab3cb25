#!/bin/bash
# make matrix: the conformance matrix of SPEC section 1, from the KTAP
# streams of the last runs (build/base/vm/out, build/patched/vm/out,
# build/host/out).  Writes build/matrix.json and prints its cells.  Exit status 1
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
cell() { # row col -> sets $verdict (pass|skip|fail|none) and $npass $nfail $nskip
	local dir=${DIRS[$2]} files=() f rc
	npass=0 nskip=0 nfail=0
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
		return
	fi
	for f in "${files[@]}"; do
		npass=$((npass + $(grep -cE '^ok [0-9]+ ' "$f")))
		nskip=$((nskip + $(grep -cE '^ok [0-9]+ .*# SKIP' "$f")))
		nfail=$((nfail + $(grep -cE '^not ok [0-9]+ ' "$f")))
		rc=$(cat "${f%.tap}.rc" 2>/dev/null || echo 1)
		case "$(basename "$f"):$rc" in *:0 | selftest_*:4) ;; *) nfail=$((nfail + 1)) ;; esac
	done
	npass=$((npass - nskip))
	if [ $nfail -gt 0 ]; then
		verdict=fail
	elif [ $npass = 0 ]; then
		verdict=skip
	else
		verdict=pass
	fi
}

# every cell judged against SPEC here, once: ok, differs (from the target
# matrix), passes_where_absent (a probe that cannot tell) or fail
kver() { cat "${DIRS[$1]}/kernel.txt" 2>/dev/null || echo "?"; }
declare -A CTITLE=([base]="base 6.1 guest" [patched]="patched 6.1 guest" [host]="this machine")
for r in "${ROWS[@]}"; do
	for c in "${COLS[@]}"; do
		cell "$r" "$c"
		want=$(expect "$r" "$c")
		if [ "$verdict" = fail ]; then
			judgement=fail
			bad=1
		elif [ "$want" = skip ] && [ "$verdict" = pass ]; then
			judgement=passes_where_absent
			bad=1
		elif [ "$want" != - ] && [ "$verdict" != "$want" ]; then
			judgement=differs
		else
			judgement=ok
		fi
		printf '%s\t%s\t%s\t%s\t%d\t%d\t%d\t%s\t%s\n' "$r" "${TITLE[$r]//\\|/|}" "$c" "$verdict" \
			"$npass" "$nfail" "$nskip" "$want" "$judgement"
	done
done >"$B/matrix.tsv"

# build/matrix.json (schema exitwatch-matrix/1, harness/SCHEMA.md): the
# report's conformance matrix section is drawn from it by exitwatch report
for c in "${COLS[@]}"; do
	printf '%s\t%s\t%s\n' "$c" "${CTITLE[$c]}" "$(kver "$c")"
done | jq -R -s --rawfile cells "$B/matrix.tsv" --arg date "$(date -u +%FT%TZ)" --argjson ok $((!bad)) '
	def tsv: split("\n") | map(select(length > 0) | split("\t"));
	{ schema: "exitwatch-matrix/1", date: $date, ok: ($ok == 1),
	  columns: (tsv | map({ name: .[0], title: .[1], kernel: .[2] })),
	  rows: (($cells | tsv) as $t
		| [$t | map(.[0]) | reduce .[] as $x ([]; if any(.[]; . == $x) then . else . + [$x] end)
		   | .[] as $id | ($t | map(select(.[0] == $id))) as $cs
		   | { id: $id, title: $cs[0][1],
		       cells: [$cs[] | { column: .[2], verdict: .[3], pass: (.[4] | tonumber),
					 fail: (.[5] | tonumber), skip: (.[6] | tonumber),
					 spec: .[7], judgement: .[8] }] }]) }' >"$B/matrix.json" ||
	die "cannot write $B/matrix.json"
rm -f "$B/matrix.md"
echo
echo "Conformance matrix (build/matrix.json; the report draws it): row column verdict pass fail skip spec judgement"
cut -f1,3- "$B/matrix.tsv" | column -t
exit $bad
