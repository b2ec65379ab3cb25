#!/bin/bash
# Pid reuse: how often the watchers that name a process by its number
# (proc-poll: stat /proc/<pid>; kill0-poll: kill(pid, 0)) take a dead child
# for alive because its pid came back, against the pidfd.
#
# One guest boot (default: patched; REUSE_KERNEL=base|patched):
#   1. tests/stress_pid_reuse (KTAP): pid_max 600, a recycler keeping ~60
#      short-lived fillers alive, 6 rounds of 50 victims killed and reaped at
#      once, each asked about at lags of 1 ms to 3 s after its death; the
#      figure (results/reliability/pid_reuse.{dat,gp,svg,png});
#   2. `exitwatch run -s reuse --guest` (harness/run.c: pid_max 1000, pids
#      recycled for 500 ms after each burst) at the poll intervals of
#      REUSE_INTERVALS_US: a table (pid_reuse_harness.dat, the JSON beside).
# Nothing else of the suite runs in that guest.
set -euo pipefail
. "$(dirname "$0")/lib.sh"
R="$TOP/results/reliability"
KERNEL=${REUSE_KERNEL:-patched}
MECHS=${REUSE_MECHANISMS:-pidfd-epoll,pidfd-poll,pidfd-info,waitid,proc-poll,kill0-poll}
INTERVALS=${REUSE_INTERVALS_US:-1000 100000}
W="$B/reliability/reuse-$KERNEL"

$MAKE -s -C "$TOP" "$B/exitwatch-guest" "$B/tests/stress_pid_reuse" >/dev/null ||
	die "cannot build build/exitwatch-guest and the test"
[ -f "$B/$KERNEL/bzImage" ] || die "no build/$KERNEL/bzImage: make kernel KERNEL=$KERNEL"
rm -rf "$W"
mkdir -p "$W/extra" "$R"
cp "$B/exitwatch-guest" "$W/extra/exitwatch"
cmd="exitwatch run -s reuse -m $MECHS --guest --no-floor --interval-us"
{
	echo '#!/bin/sh'
	for iv in $INTERVALS; do
		echo "/extra/$cmd $iv -o \$1/pid_reuse_$iv.json >\$1/pid_reuse_$iv.log 2>&1"
		echo "echo \"exit \$?\" >>\$1/pid_reuse_$iv.log"
	done
} >"$W/extra/run.sh"
chmod +x "$W/extra/run.sh"
VM_DIR="$W/vm" VM_EXTRA_DIR="$W/extra" VM_EXTRA_APPEND="exitwatch.only=stress_pid_reuse" \
	"$TOP/scripts/vm-test.sh" "$KERNEL" >"$W/vm-test.txt" 2>&1 || { cat "$W/vm-test.txt" >&2; die "vm-test failed"; }
out="$W/vm/out"
tap="$out/stress_pid_reuse.tap"
kver=$(cat "$out/kernel.txt")
grep -q '^ok 1 ' "$tap" || die "stress_pid_reuse did not pass: $(cat "$tap")"
cp "$tap" "$R/pid_reuse.tap"

# 1. the figure: wrong "alive" answers per 100 questions, by lag after the death
{
	echo "# pid reuse in a $KERNEL guest ($kver): $(sed -n 's/^# pid-reuse: //p' "$tap")"
	echo "# command: scripts/pid-reuse.sh (make vm-test KERNEL=$KERNEL, exitwatch.only=stress_pid_reuse)"
	sed -n 's/^# pid-reuse after a wrap (\(.*\)): asked=\([0-9]*\) proc_poll_wrong=\([0-9]*\) kill0_poll_wrong=\([0-9]*\) pidfd_wrong=\([0-9]*\)$/# after a wrap: \2 \3 \4 \5 (\1)/p' "$tap"
	echo "# lag_ms asked proc_poll_wrong kill0_poll_wrong pidfd_wrong proc_pct kill0_pct pidfd_pct"
	sed -n 's/^# pid-reuse lag_ms=\([0-9]*\) asked=\([0-9]*\) proc_poll_wrong=\([0-9]*\) kill0_poll_wrong=\([0-9]*\) pidfd_wrong=\([0-9]*\)$/\1 \2 \3 \4 \5/p' "$tap" |
		awk '{ printf "%s %s %s %s %s %.2f %.2f %.2f\n", $1, $2, $3, $4, $5, 100 * $3 / $2, 100 * $4 / $2, 100 * $5 / $2 }'
} >"$R/pid_reuse.dat"
[ "$(grep -vc '^#' "$R/pid_reuse.dat")" -gt 0 ] || die "no pid-reuse lines in $tap"
# the report's one plot style, beside the script so that it redraws there
cp "$TOP/harness/plot-style.gp" "$R/"
cat >"$R/pid_reuse.gp" <<EOF
# gnuplot: results/reliability/pid_reuse.dat (scripts/pid-reuse.sh)
load "plot-style.gp"
eval svg("pid_reuse", 900, 520)
set grid
set key top left box opaque
set logscale x
set xrange [0.7:4500]
set yrange [-1:*]
set xlabel "time since the child died and was reaped (ms, log scale)"
set ylabel "wrong answers per 100 questions (dead child said to be alive)"
set title "Pid reuse, $KERNEL guest $kver: pid_max 600, ~60 short-lived fillers recycling pids"
plot "pid_reuse.dat" using 1:6 with linespoints lw 4 pt 7 ps 1.6 title "proc-poll: /proc/<pid> exists", \\
     "pid_reuse.dat" using 1:7 with linespoints lw 2 pt 5 ps 1.0 dt 2 title "kill0-poll: kill(pid, 0) == 0 (the same answers)", \\
     "pid_reuse.dat" using 1:8 with linespoints lw 3 pt 9 ps 1.2 title "pidfd: no POLLIN on the pidfd"
eval png("pid_reuse", 900, 520)
replot
set output
EOF
(cd "$R" && gnuplot pid_reuse.gp) || die "gnuplot failed"

# 2. the harness's reuse scenario, as a table
rm -f "$R"/pid_reuse_[0-9]*.json "$R/pid_reuse_bars.dat"
: >"$W/rows.tsv"
for iv in $INTERVALS; do
	[ -s "$out/pid_reuse_$iv.json" ] || { cat "$out/pid_reuse_$iv.log" >&2; die "no pid_reuse_$iv.json from the guest"; }
	cp "$out/pid_reuse_$iv.json" "$R/pid_reuse_harness_$iv.json"
	jq -r --arg iv "$iv" '.runs[] | select(.scenario == "reuse") |
		[.mechanism, $iv, .n, (.exits // 0), (.detection_errors.missed // 0), (.detection_errors.false // 0),
		 (.detection_errors.duplicate // 0), (.count // 0), .status] | @tsv' "$out/pid_reuse_$iv.json" >>"$W/rows.tsv"
done
{
	echo "# exitwatch reuse scenario in a $KERNEL guest ($kver), pid_max 1000, pids recycled for 500 ms after each burst"
	echo "# command: $cmd US (US = interval_us), 3 bursts per cell"
	echo "# mechanism interval_us n exits missed false duplicate noticed status"
	awk -F'\t' '{ printf "%s %d %d %d %d %d %d %d %s\n", $1, $2, $3, $4, $5, $6, $7, $8, $9 }' "$W/rows.tsv"
} >"$R/pid_reuse_harness.dat"
echo "pid-reuse: $KERNEL guest ($kver): results/reliability/pid_reuse.{dat,svg,png}, pid_reuse_harness.dat"
cat "$R/pid_reuse.dat"
