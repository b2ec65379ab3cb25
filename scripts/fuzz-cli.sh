#!/bin/bash
# The exitwatch command line under garbage.  Builds exitwatch with
# -fsanitize=address,undefined into build/fuzz-cli/ (make, harness/harness.mk)
# and runs it on
#   - random argument vectors for every subcommand (options real, misspelt
#     and truncated; values empty, negative, huge, non-numeric, overlong,
#     with format characters and bytes that are not UTF-8);
#   - `compare` and `report` on truncated and corrupted JSON (bytes flipped,
#     ranges cut out, numbers replaced, deep nesting, huge strings, wrong
#     types, binary noise, empty files, directories, missing paths).
# Every case must end with exit status 0 or 1 (valid input), or 2 with a
# message on stderr; never a signal, a timeout, or a sanitizer report.
# Seeded and reproducible: FUZZ_SEED (default 7), FUZZ_CASES argument
# vectors (default 2000), FUZZ_JSON_CASES corrupt-JSON cases (default 600);
# LeakSanitizer reports fail a case too (FUZZ_LEAKS=0 turns leak checks off).
# A failing case is printed with the command line that replays it.
#
# Never a real storm: `run` and `trace` vectors always carry one stray
# positional argument, which exitwatch rejects (exit 2) only after it has
# parsed every option, so option parsing is fuzzed without running anything.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
W="$B/fuzz-cli"
SEED=${FUZZ_SEED:-7}
NCASES=${FUZZ_CASES:-2000}
NJSON=${FUZZ_JSON_CASES:-600}
EW="$W/exitwatch-asan"
FIX="$TOP/harness/tests/fixtures/compare"

mkdir -p "$W"
# 1. the sanitized binary: harness/harness.mk's objects with -fsanitize
$MAKE -s -C "$TOP" "$EW" >/dev/null || die "the sanitized build failed"

# sanitizer reports get exit codes of their own, and stderr is searched too
# leaks too: every exit path, the exit-2 ones included, frees what it took
export ASAN_OPTIONS="exitcode=86:detect_leaks=${FUZZ_LEAKS:-1}:abort_on_error=0:allocator_may_return_null=1"
export UBSAN_OPTIONS="halt_on_error=1:exitcode=87:print_stacktrace=1"
export LSAN_OPTIONS="exitcode=88"
unset POSIXLY_CORRECT	# getopt must permute (see the stray argument below)

RANDOM=$SEED
# no subshells: both set R (generation stays cheap next to the runs)
rnd() { R=$((RANDOM % $1)); }	# 0..$1-1 (small ranges)
pick() { local a=("$@"); R=${a[RANDOM % ${#a[@]}]}; }

VALUES=("" "0" "1" "-1" "10" "1000" "10000" "10001" "99999999999999999999" "-99999999999999999999"
	"1e308" "1e999" "nan" "inf" "-0" "0x10" "010" "1.5" " 1" "1 " "1,2" ",," "1,,2" "a" "abc"
	"%s%n%x" "%%" "\\" "'" "\"" "-" "--" "-1,-2" "burst,churn" "burst,nope" "pidfd-epoll"
	"pidfd-epoll,nope" "on" "off" "both" "maybe" "fork" "vm" "/nonexistent/x.json" "/dev/full"
	"/" "." "x=y" "$(printf '\xff\xfe')" "$(printf 'a\tb')" "$(head -c 5000 /dev/zero | tr '\0' 'A')"
	"1:pidfd-epoll" "8:100" "0:5" "3:" ":3" "0,16,64,256" "18446744073709551616" "2147483648" "-2147483649" "1e-400")
RUN_OPTS=(-m --mechanisms -s --scenarios -n --sizes -l --load -o --output --min-exits --churn-ms
	--churn-n --stagger-ms --stagger-n --heavy-mb --heavy-n --interval-us --note --large-n
	--large-mechanisms --spawn --load-sizes --reps --perturb-rounds --no-bpf --no-floor --guest
	--heavy-rounds --no-mrelease --neutrality --mm-stamps --no-ref
	--size --mechanism --reps= --sizes= -x -Z --- -mm --helpp --n)
TRACE_OPTS=(-d -j --duration --json --json= -d0 --dur -q)
CMP_OPTS=(-t --threshold -a --alpha -m --metric --tsv --threshold= --alpha= -T -q --metrics)
REPORT_OPTS=(-d --dir -s --scaling -m --matrix -b --bench -S --section -R --reuse --dirr -q)
FILES=("$FIX/old.json" "$FIX/same.json" "$FIX/slow.json" "$FIX/gbench-old.json" "$FIX/schema1.json"
	"/nonexistent.json" "/dev/null" "/" "$FIX" "$FIX/old.json,$FIX/same.json" ",")

failures=0
cases=0
exits=(0 0 0)
fail_case() { # why, args...
	local why=$1
	shift
	failures=$((failures + 1))
	if [ $failures -le 20 ]; then
		echo "fuzz-cli: FAIL ($why):" >&2
		printf '  replay: %s' "$EW" >&2
		printf " %q" "$@" | cut -c1-400 >&2
		echo >&2
		sed 's/^/    | /' "$W/stderr" | head -15 >&2
	fi
}

# one line per sanitizer report for the summary, without the pid: a UBSan or
# ASan report by its first line, a leak by the first frame in exitwatch's code
finding() {
	if grep -q 'LeakSanitizer' "$W/stderr"; then
		printf 'LeakSanitizer: memory allocated %s\n' \
			"$(grep -m1 -oE 'in [A-Za-z_0-9]+ [^ ]*/harness/[^ ]+' "$W/stderr" | sed 's|/[^ ]*/harness/|harness/|')"
	else
		grep -m1 -E "runtime error:|ERROR: [A-Za-z]+Sanitizer" "$W/stderr" |
			sed -E "s|^.*/harness/|harness/|; s/^==[0-9]+==//"
	fi
}

run_case() { # args...
	local rc
	cases=$((cases + 1))
	(cd "$W/cwd" && timeout -s KILL 60 "$EW" "$@" >"$W/stdout" 2>"$W/stderr" </dev/null)
	rc=$?
	if grep -qE 'Sanitizer|runtime error:|SUMMARY: ' "$W/stderr"; then
		fail_case "sanitizer report, exit $rc" "$@"
		finding >>"$W/findings.txt"
	elif [ $rc -ge 3 ]; then
		fail_case "exit status $rc (a signal, a timeout or a sanitizer)" "$@"
	elif [ $rc = 2 ] && [ ! -s "$W/stderr" ]; then
		fail_case "exit 2 without a message" "$@"
	else
		exits[rc]=$((exits[rc] + 1))
	fi
}

rm -rf "$W/cwd" "$W/json"
rm -f "$W/findings.txt"
mkdir -p "$W/cwd" "$W/json" "$W/reports"
t0=$(date +%s)

# 2. random argument vectors
for ((i = 0; i < NCASES; i++)); do
	pick run run run trace trace compare compare compare report report list help --help \
		--version "" bogus RUN compar -h
	sub=$R
	args=()
	[ -n "$sub" ] && args=("$sub")
	rnd 6
	n=$R
	for ((j = 0; j < n; j++)); do
		case $sub in
		run) pick "${RUN_OPTS[@]}" ;;
		trace) pick "${TRACE_OPTS[@]}" ;;
		compare) pick "${CMP_OPTS[@]}" ;;
		report) pick "${REPORT_OPTS[@]}" ;;
		*) pick "${RUN_OPTS[@]}" "${CMP_OPTS[@]}" ;;
		esac
		o=$R
		pick "${VALUES[@]}"
		v=$R
		rnd 4
		case $R in
		0) args+=("$o") ;;
		1) args+=("$o" "$v") ;;
		2) case $o in --*) args+=("$o=$v") ;; *) args+=("$o$v") ;; esac ;;
		3) pick "${VALUES[@]}" "${FILES[@]}"; args+=("$R") ;;
		esac
	done
	case $sub in
	run | trace)
		# first, so no option takes it as its value: getopt moves it to the
		# end, every option is parsed, then it is rejected and nothing runs
		args=("$sub" "stray-positional-argument" "${args[@]:1}") ;;
	compare)
		rnd 3
		for ((j = R; j < 2; j++)); do pick "${FILES[@]}"; args+=("$R"); done ;;
	report)
		pick "${FILES[@]}"
		args+=("$R" -d "$W/reports/r$((i % 4))") ;;
	esac
	run_case "${args[@]}"
done
argv_cases=$cases

# 3. corrupt JSON into compare (and some into report)
sed_flag() { rnd 3; [ "$R" = 0 ] && R=g || R=; }	# every match or the first
gen_json() { # seed out: one corrupted or hostile JSON file
	local s=$1 out=$2 base size off len
	pick "$FIX/old.json" "$FIX/slow.json" "$FIX/same.json" "$FIX/gbench-old.json" "$FIX/schema1.json"
	base=$R
	size=$(stat -c %s "$base")
	off=$(((RANDOM * 32768 + RANDOM) % (size + 1)))
	rnd 12
	case $R in
	0) head -c "$off" "$base" >"$out" ;;					# truncated
	1) rnd 256; { head -c "$off" "$base"; printf "\\x$(printf %02x "$R")"; tail -c +$((off + 2)) "$base"; } >"$out" ;; # a byte changed
	2) rnd 200; len=$R; { head -c "$off" "$base"; tail -c +$((off + len + 1)) "$base"; } >"$out" ;;	# a range cut out
	3) pick 1e999 -1e999 NaN 1e-400 99999999999999999999999 -0 0.0 '"x"' null true '[]' '{}'
	   local num=$R; sed_flag; sed -E "s/[0-9]+(\\.[0-9]+)?/$num/$R" "$base" >"$out" ;;	# numbers replaced
	4) printf '%*s' $((1000 + RANDOM)) '' | tr ' ' '[' >"$out" ;;		# deep nesting
	5) { printf '{"schema":"exitwatch-results/2","x":"'; head -c $((100000 + RANDOM * 10)) /dev/zero | tr '\0' 'a'; printf '"}'; } >"$out" ;;
	6) sed_flag; sed -E "s/\\[/{/$R" "$base" >"$out" ;;			# arrays become objects
	7) sed -E 's/"[a-z_]+":/"\\ud800\\u0000":/' "$base" >"$out" ;;		# hostile escapes in a key
	8) awk -v s="$s" 'BEGIN{srand(s); for(i=0;i<2000;i++) printf "%c", int(rand()*256)}' >"$out" ;;
	9) pick '' 'null' '{}' '[]' '"x"' '{"schema":5}' '{"schema":"exitwatch-results/1"}' \
		'{"schema":"exitwatch-results/2","results":{}}' '{"benchmarks":5}' '{"benchmarks":[{}]}' \
		'{"benchmarks":[{"name":1,"real_time":"x"}]}' '{"a":1,"a":2}' '{' '[1,2' '1e999' \
		'{"schema":"exitwatch-results/1","cells":[{"samples":{"exits_per_s":[1,2,null,"x"]}}]}'
	   printf '%s' "$R" >"$out" ;;
	10) { head -c "$off" "$base"; printf '\n'; head -c "$off" "$base"; } >"$out" ;;	# two halves glued
	11) sed_flag; sed -E "s/,/,,/$R" "$base" >"$out" ;;			# double commas
	esac
}
for ((i = 0; i < NJSON; i++)); do
	f="$W/json/c$i.json"
	gen_json "$((SEED * 100000 + i))" "$f"
	rnd 10
	case $R in
	0 | 1 | 2 | 3) pick "$FIX/old.json" "$FIX/gbench-old.json"; run_case compare "$R" "$f" ;;
	4 | 5 | 6) pick "$FIX/old.json" "$FIX/same.json" "$FIX/gbench-old.json"; run_case compare "$f" "$R" ;;
	7) run_case compare "$f" "$f" ;;
	8) run_case compare -m exits_per_s,nope -t 0 "$FIX/old.json,$f" "$FIX/same.json" ;;
	9) run_case report "$f" -d "$W/reports/j$((i % 4))" ;;
	esac
done
dt=$(($(date +%s) - t0))
{
	echo "fuzz-cli: seed $SEED: $cases cases ($argv_cases argument vectors, $((cases - argv_cases)) corrupt-JSON runs) in ${dt}s:" \
		"exit 0: ${exits[0]}, exit 1: ${exits[1]}, exit 2 with a message: ${exits[2]}, failures: $failures" \
		"(ASan, UBSan$([ "${FUZZ_LEAKS:-1}" = 0 ] || echo ", LeakSanitizer"))"
	if [ -s "$W/findings.txt" ]; then
		echo "sanitizer reports (the first line of each, or a leak's allocation site; with the number of cases):"
		sed -E "s/0x[0-9a-f]+/0x.../g" "$W/findings.txt" | sort | uniq -c | sort -rn | head -10
	fi
} | tee "$W/summary.txt"
[ $failures = 0 ]
