#!/bin/bash
# Pid reuse: how often the pollers that name a process by its number
# (proc-poll: stat /proc/<pid>; kill0-poll: kill(pid, 0)) miss a death or
# report one that did not happen, against the pidfd mechanisms.
#
# Boots a guest (default: patched, REUSE_KERNEL=base|patched) with
# `exitwatch run -s reuse --guest` as its extra payload: pid_max is lowered
# to 1000 for each cell, and after each burst a helper forks and reaps
# fillers for 500 ms so the dead children's pids come back (harness/run.c,
# harness/SCHEMA.md).  The suite itself is not run in that guest.  Writes
# results/reliability/: pid_reuse.json (the exitwatch results), pid_reuse.dat,
# pid_reuse.gp and the plot pid_reuse.svg/.png.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
B="$TOP/build"
R="$TOP/results/reliability"
KERNEL=${REUSE_KERNEL:-patched}
SIZES=${REUSE_SIZES:-10,100}
W="$B/reliability/reuse-$KERNEL"
die() { echo "pid-reuse: $*" >&2; exit 1; }

make -s -C "$TOP" "$B/exitwatch-static" >/dev/null || die "cannot build build/exitwatch-static"
[ -f "$B/$KERNEL/bzImage" ] || die "no build/$KERNEL/bzImage: make kernel KERNEL=$KERNEL"
rm -rf "$W"
mkdir -p "$W/extra" "$R"
cp "$B/exitwatch-static" "$W/extra/exitwatch"
MECHS=${REUSE_MECHANISMS:-pidfd-epoll,pidfd-poll,pidfd-info,waitid,proc-poll,kill0-poll}
INTERVALS=${REUSE_INTERVALS_US:-1000 100000}
cmd="exitwatch run -s reuse -n $SIZES -m $MECHS --guest --no-floor --interval-us"
{
	echo '#!/bin/sh'
	for iv in $INTERVALS; do
		echo "/extra/$cmd $iv -o \$1/pid_reuse_$iv.json >\$1/pid_reuse_$iv.log 2>&1"
		echo "echo \"exit \$?\" >>\$1/pid_reuse_$iv.log"
	done
} >"$W/extra/run.sh"
chmod +x "$W/extra/run.sh"
# no KTAP binary has this name: only the payload runs (vm-test then finds no
# test output and says so; the payload's own files are what counts here)
VM_DIR="$W/vm" VM_EXTRA_DIR="$W/extra" VM_EXTRA_APPEND="exitwatch.only=payload-only" \
	"$TOP/scripts/vm-test.sh" "$KERNEL" >"$W/vm-test.txt" 2>&1 || true
out="$W/vm/out"
[ -f "$out/done" ] || { tail -20 "$W/vm-test.txt" >&2; die "the guest did not finish"; }
for iv in $INTERVALS; do
	[ -s "$out/pid_reuse_$iv.json" ] || { cat "$out/pid_reuse_$iv.log" >&2; die "no pid_reuse_$iv.json from the guest"; }
done
if [ -s "$W/vm/splats.txt" ]; then
	head "$W/vm/splats.txt" >&2
	die "kernel reports in the guest's dmesg"
fi
kver=$(cat "$out/kernel.txt")
rm -f "$R"/pid_reuse*.json
: >"$W/rows.tsv"
for iv in $INTERVALS; do
	cp "$out/pid_reuse_$iv.json" "$R/pid_reuse_$iv.json"
	jq -r --arg iv "$iv" '.runs[] | select(.scenario == "reuse") |
		[.mechanism, $iv, .n, (.exits // 0), (.detection_errors.missed // 0), (.detection_errors.false // 0),
		 (.detection_errors.duplicate // 0), (.count // 0), .status] | @tsv' "$R/pid_reuse_$iv.json" >>"$W/rows.tsv"
done
grep -q . "$W/rows.tsv" || die "no reuse cells in the results"
{
	echo "# pid reuse in a $KERNEL guest ($kver), pid_max 1000, pids recycled for 500 ms after each burst"
	echo "# command: $cmd US (US = interval_us below), 3 bursts per cell"
	echo "# mechanism interval_us n exits missed false duplicate noticed status wrong_per_100_exits"
	awk -F'\t' '{ wrong = $5 + $6 + $7; printf "%s %d %d %d %d %d %d %d %s %.2f\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $4 ? 100 * wrong / $4 : 0 }' "$W/rows.tsv"
} >"$R/pid_reuse.dat"

# the plot: wrong answers (missed + false + duplicate) per 100 exits, by mechanism, one bar per size
mechs=$(awk '!/^#/ && $9 == "ok" {print $1}' "$R/pid_reuse.dat" | awk '!seen[$0]++' | tr '\n' ' ')
combos=$(awk '!/^#/ && $9 == "ok" {print $2 ":" $3}' "$R/pid_reuse.dat" | sort -t: -k1,1n -k2,2n -u | tr '\n' ' ')
{
	printf '# mechanism'
	for c in $combos; do printf ' "N=%s, poll %s ms"' "${c#*:}" "$(awk -v u="${c%%:*}" 'BEGIN { printf "%g", u / 1000 }')"; done
	echo
	for m in $mechs; do
		printf '%s' "$m"
		for c in $combos; do
			awk -v m="$m" -v iv="${c%%:*}" -v n="${c#*:}" '!/^#/ && $1 == m && $2 == iv && $3 == n && $9 == "ok" { v = $10; f = 1 }
				END { printf " %s", f ? v : "NaN" }' "$R/pid_reuse.dat"
		done
		echo
	done
} >"$R/pid_reuse_bars.dat"
sizes=$combos
ncol=$(echo $sizes | wc -w)
cat >"$R/pid_reuse.gp" <<EOF
# gnuplot: results/reliability/pid_reuse_bars.dat (scripts/pid-reuse.sh)
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set grid ytics
set key top left title "children per burst, poll interval of proc-poll and kill0-poll"
set ylabel "wrong answers per 100 exits (missed + false + duplicate)"
set xlabel "mechanism"
set xtics rotate by -30 nomirror
set yrange [0:*]
set title "Pid reuse (pid_max 1000, pids recycled after each burst): $KERNEL guest, $kver"
plot for [i=2:$((ncol + 1))] "pid_reuse_bars.dat" using i:xtic(1) title columnhead(i)
EOF
(cd "$R" && gnuplot -e 'set terminal svg size 900,520 font "sans,13" background "white"; set output "pid_reuse.svg"' pid_reuse.gp &&
	gnuplot -e 'set terminal pngcairo size 1100,640 font "sans,13"; set output "pid_reuse.png"' pid_reuse.gp) ||
	die "gnuplot failed"
echo "pid-reuse: $KERNEL guest ($kver): results/reliability/pid_reuse{_*.json,.dat,.svg,.png}"
cat "$R/pid_reuse.dat"
