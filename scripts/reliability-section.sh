#!/bin/bash
# Writes results/reliability/section.json (drawn in the report by
# `make report`) from the outputs of real runs, each figure with the
# command that produced it:
#   bad input    build/host/out, build/{base,patched,debug}/vm/out f8_bad_input.tap
#   stress       build/debug/vm/out/stress_fork_storm.tap (and the other guests')
#   kernel       build/debug/vm: dmesg splats, kmemleak; the splat canary run
#   pid reuse    results/reliability/pid_reuse.dat (scripts/pid-reuse.sh)
#   CLI fuzz     build/fuzz-cli/summary.txt (scripts/fuzz-cli.sh)
# The stream files it read are copied to results/reliability/runs/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
R="$TOP/results/reliability"
mkdir -p "$R/runs"
declare -A DIR=([host]="$B/host/out" [base]="$B/base/vm/out" [patched]="$B/patched/vm/out" [debug]="$B/debug/vm/out")
kver() { cat "${DIR[$1]}/kernel.txt" 2>/dev/null || { [ "$1" = host ] && uname -r; } || echo "?"; }
when() { date -u -r "$1" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo "?"; }
cmd_of() { # where -> the command that produced that directory
	case $1 in
	host) echo "make test-host" ;;
	*) echo "make vm-test KERNEL=$1" ;;
	esac
}

J="$R/.section-parts"
rm -rf "$J"
mkdir -p "$J"
# lines of a file as a JSON array
jlines() { jq -R -s 'split("\n") | map(select(length > 0))' "$@"; }

# bad input: one object per kernel
for k in host base patched debug; do
	t="${DIR[$k]}/f8_bad_input.tap"
	if [ ! -f "$t" ]; then
		jq -n --arg k "$k" --arg cmd "$(cmd_of "$k")" '{ kernel: $k, run: false, command: $cmd }'
		continue
	fi
	cp "$t" "$R/runs/f8_bad_input.$k.tap"
	jq -n --arg k "$k" --arg kver "$(kver "$k")" --arg cmd "$(cmd_of "$k")" --arg when "$(when "$t")" \
		--arg cases "$(sed -n 's/^# bad-input cases tried: //p' "$t")" --arg res "$(sed -n 's/^# Totals: //p' "$t")" \
		'{ kernel: $k, run: true, kver: $kver, cases: $cases, result: $res, command: $cmd, when: $when }'
done | jq -s . >"$J/bad_input.json"

# the fork-storm stress, one object per kernel that ran it
for k in debug patched base host; do
	t="${DIR[$k]}/stress_fork_storm.tap"
	[ -f "$t" ] || continue
	cp "$t" "$R/runs/stress_fork_storm.$k.tap"
	grep -E '^# stress|^(not )?ok ' "$t" | sed 's/^# //' >"$J/stress.lines"
	jq -n --arg k "$k" --arg kver "$(kver "$k")" --arg cmd "$(cmd_of "$k")" --arg when "$(when "$t")" \
		--arg totals "$(sed -n 's/^# Totals: //p' "$t")" --argjson lines "$(jlines "$J/stress.lines")" \
		'{ kernel: $k, kver: $kver, command: $cmd, when: $when, totals: $totals, lines: $lines }'
done | jq -s . >"$J/stress.json"

# the debug guest's kernel reports
d="$B/debug/vm"
if [ -f "$d/out/dmesg.txt" ]; then
	nsplat=$( [ -s "$d/splats.txt" ] && wc -l <"$d/splats.txt" || echo 0)
	nleak=null
	[ -f "$d/out/kmemleak.txt" ] && nleak=$(grep -c '^unreferenced object' "$d/out/kmemleak.txt" || true)
	# the verdict vm-test printed, counted again by the same script
	verdict=$("$TOP/scripts/ktap-verdict.sh" "$d/out" suite 2>/dev/null | sed -n 's/^suite: //p')
	lockdep=$(tr -s ' ' <"$d/out/lockdep.txt" 2>/dev/null | sed 's/^ //' || true)
	jq -n --arg when "$(when "$d/out/dmesg.txt")" --arg verdict "$verdict" --argjson splats "$nsplat" \
		--argjson leaks "$nleak" --arg lockdep "$lockdep" \
		'{ run: true, when: $when, verdict: $verdict, splat_lines: $splats, leaks: $leaks,
		   lockdep: (if $lockdep == "" then null else $lockdep end) }' >"$J/debug.json"
	cp "$d/out/dmesg.txt" "$R/runs/dmesg.debug.vm.txt"
else
	echo '{ "run": false }' >"$J/debug.json"
fi
c="$B/debug/splat-canary"
echo null >"$J/canary.json"
if [ -f "$c/vm-test.txt" ]; then
	grep -hE 'BUG: KASAN|WARNING:|sleeping function|circular locking|kmemleak:|lockdep was off' "$c/vm/splats.txt" "$c/vm-test.txt" 2>/dev/null |
		sed 's/^[0-9]*://' | sort -u | head -8 >"$J/canary.lines"
	jq -n --arg when "$(when "$c/vm-test.txt")" --argjson lines "$(jlines "$J/canary.lines")" \
		'{ when: $when, lines: $lines }' >"$J/canary.json"
fi

# pid reuse, from scripts/pid-reuse.sh's data files
echo null >"$J/pid_reuse.json"
if [ -f "$R/pid_reuse.dat" ]; then
	awk '!/^#/ { printf "{\"lag_ms\": %s, \"asked\": %d, \"proc_poll_wrong\": %d, \"proc_poll_pct\": %.1f, \"kill0_poll_wrong\": %d, \"kill0_poll_pct\": %.1f, \"pidfd_wrong\": %d}\n", $1, $2, $3, $6, $4, $7, $5 }' \
		"$R/pid_reuse.dat" | jq -s . >"$J/lags.json"
	sed -n 's/^# after a wrap: \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\) (\(.*\))$/\1 \2 \3 \4 \5/p' "$R/pid_reuse.dat" |
		awk '{ n = $1; rest = $0; sub(/^[0-9]+ [0-9]+ [0-9]+ [0-9]+ /, "", rest); gsub(/"/, "", rest)
			printf "{\"asked\": %d, \"proc_poll_wrong\": %d, \"proc_poll_pct\": %.1f, \"kill0_poll_wrong\": %d, \"kill0_poll_pct\": %.1f, \"pidfd_wrong\": %d, \"what\": \"%s\"}\n",
				n, $2, 100 * $2 / n, $3, 100 * $3 / n, $4, rest }' | jq -s '.[0]' >"$J/wrap.json"
	echo null >"$J/harness.json"
	if [ -f "$R/pid_reuse_harness.dat" ]; then
		awk '!/^#/ && $9 == "ok" { printf "{\"mechanism\": \"%s\", \"interval_us\": %d, \"n\": %d, \"exits\": %d, \"missed\": %d, \"false\": %d, \"duplicate\": %d, \"noticed\": %d}\n", $1, $2, $3, $4, $5, $6, $7, $8 }' \
			"$R/pid_reuse_harness.dat" | jq -s . >"$J/harness_rows.json"
		jq -n --arg where "$(sed -n 's/^# exitwatch reuse scenario in \(.*\)$/\1/p' "$R/pid_reuse_harness.dat")" \
			--arg cmd "$(sed -n 's/^# command: \(.*\)$/\1/p' "$R/pid_reuse_harness.dat")" \
			--slurpfile rows "$J/harness_rows.json" '{ where: $where, command: $cmd, rows: $rows[0] }' >"$J/harness.json"
	fi
	jq -n --arg where "$(sed -n 's/^# pid reuse in \(.*\)$/\1/p' "$R/pid_reuse.dat")" \
		--slurpfile lags "$J/lags.json" --slurpfile wrap "$J/wrap.json" --slurpfile harness "$J/harness.json" \
		'{ where: $where, lags: $lags[0], wrap: $wrap[0], plot: "pid_reuse.png", harness: $harness[0] }' >"$J/pid_reuse.json"
fi

# the command line under garbage
echo null >"$J/fuzz.json"
if [ -f "$B/fuzz-cli/summary.txt" ]; then
	jq -n --arg when "$(when "$B/fuzz-cli/summary.txt")" --argjson lines "$(jlines "$B/fuzz-cli/summary.txt")" \
		'{ when: $when, lines: $lines }' >"$J/fuzz.json"
fi

# results/reliability/section.json (schema exitwatch-reliability/1,
# harness/SCHEMA.md): exitwatch report formats it
jq -n --arg date "$(date -u +%FT%TZ)" --slurpfile bad "$J/bad_input.json" --slurpfile stress "$J/stress.json" \
	--slurpfile debug "$J/debug.json" --slurpfile canary "$J/canary.json" \
	--slurpfile reuse "$J/pid_reuse.json" --slurpfile fuzz "$J/fuzz.json" '
	{ schema: "exitwatch-reliability/1", date: $date, bad_input: $bad[0], stress: $stress[0],
	  debug: $debug[0], canary: $canary[0], pid_reuse: $reuse[0], fuzz: $fuzz[0] }' >"$R/section.json" ||
	die "cannot write $R/section.json"
rm -rf "$J" "$R/section.md"
echo "reliability-section: wrote $R/section.json"
