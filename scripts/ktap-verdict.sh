#!/bin/bash
# ktap-verdict.sh OUT_DIR LABEL
# Judges the .tap/.rc pairs written by tests/run-tests.sh: prove parses every
# KTAP stream (plan, numbering, not ok), and every binary must have exited 0
# (4, kselftest's "all skipped", is accepted for the 6.1 selftests).
set -uo pipefail
out=$1
label=$2
shopt -s nullglob
taps=("$out"/*.tap)
[ ${#taps[@]} -gt 0 ] || { echo "$label: no test output in $out" >&2; exit 1; }

# The 6.1 pidfd_poll_test prints results without a KTAP header and plan
# (it never calls ksft_print_header/ksft_set_plan).  Add them from its own
# result lines, and say so in the stream; its exit status still counts.
for t in "${taps[@]}"; do
	case "$(basename "$t")" in selftest_*) ;; *) continue ;; esac
	grep -qE '^1\.\.[0-9]+' "$t" && continue
	n=$(grep -cE '^(not )?ok [0-9]+ ' "$t" | tr -d ' ')
	{ echo "TAP version 13"; echo "1..$n"
	  echo "# exitwatch: this 6.1 selftest prints no plan; plan added from its $n results"
	  grep -v '^TAP version' "$t"; } >"$t.fixed" && mv "$t.fixed" "$t"
done

status=0
prove --exec cat --norc -Q "${taps[@]}" >"$out/prove.txt" 2>&1 || status=1
for t in "${taps[@]}"; do
	n=$(basename "$t" .tap)
	rc=$(cat "$out/$n.rc" 2>/dev/null || echo missing)
	case "$n:$rc" in
	*:0 | selftest_*:4) ;;
	*) echo "$label: $n exited with status $rc" >&2; status=1 ;;
	esac
done
pass=$(cat "${taps[@]}" | grep -cE '^ok [0-9]+ ' | tr -d ' ')
skip=$(cat "${taps[@]}" | grep -cE '^ok [0-9]+ .*# SKIP' | tr -d ' ')
fail=$(cat "${taps[@]}" | grep -cE '^not ok [0-9]+ ' | tr -d ' ')
echo "$label: $((pass - skip)) passed, $fail failed, $skip skipped ($(tail -1 "$out/prove.txt"))"
if [ $status != 0 ]; then
	echo "$label: failures:" >&2
	grep -hE '^not ok|^# .*:[0-9]+: ' "${taps[@]}" | head -40 >&2
	grep -vE '^(All tests successful|Files=|Result:)' "$out/prove.txt" | head -20 >&2
fi
exit $status
