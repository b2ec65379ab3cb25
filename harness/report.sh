#!/bin/sh
# report.sh EXITWATCH OUTDIR - the default storm matrix on this kernel, then
# plots (gnuplot), report.md and a self-contained report.html in OUTDIR
# (`exitwatch report`).  Sized to finish in under 5 minutes on a 2-core machine.
set -eu
BIN=$1
OUT=$2
HERE=$(cd "$(dirname "$0")" && pwd)
TOP=$(cd "$HERE/.." && pwd)
mkdir -p "$OUT"
rm -f "$OUT"/*.svg "$OUT"/*.png "$OUT"/*.dat "$OUT"/*.gp

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BUSY=$(ps -eo pcpu=,comm= --sort=-pcpu | awk '$1 > 5 && $2 != "ps" {printf "%s(%s%%) ", $2, $1}' | head -c 300)
NOTE="load average before the run: $LOAD_BEFORE; busy processes: ${BUSY:-none}"
echo "report: $NOTE" >&2

# Default matrix: every mechanism in every scenario, bursts of real forked
# children of 1, 10 and 100, background load for bursts of 100; bursts of 1000
# forked children only for pidfd-epoll, pidfd-poll (O(1) per exit), waitid
# and sigchld-scan (O(N) per event): forking 1000 children takes ~5 s each on
# a slow, busy 2-core machine (fork+exit+reap can be ~200/s there), and the
# scaling run below has every mechanism up to N=10,000.
# The heavy scenario is a sweep of victim size (issue 17): one victim at a
# time with 0, 16, 64 and 256 MB touched, 8 rounds each, every mechanism
# with SIGKILL and pidfd-epoll with SIGKILL + process_mrelease() (about 20 s
# here).  --neutrality: 24 rounds of ABCCBA blocks of 50 burst N=1 exits per
# mechanism before the cells: no tracer, the cells' programs, and with the
# stage stamps, which give the stage breakdown (about 70 s).  Many short
# blocks rather than a few long ones: which CPU the child and the watcher
# share moves a block's p50 by 10-20 %, and 2,400 exits a side in 48 blocks
# average that out (8 pairs of 100 gave on / off 0.89-1.28 for one
# mechanism in four runs, 24 rounds of 50 gave 1.02-1.05).
"$BIN" run \
	-s burst,churn,stagger,heavy,reuse \
	-n 1,10,100,1000 \
	-l both --load-sizes 100 \
	--large-n 100 --large-mechanisms pidfd-epoll,pidfd-poll,waitid,sigchld-scan \
	--min-exits "${EW_MIN_EXITS:-100}" --churn-ms 1000 \
	--stagger-n 200 --stagger-ms 500 --heavy-n 1 --heavy-rounds 8 --heavy-mb 0,16,64,256 \
	--neutrality 24:50 \
	--note "$NOTE" -o "$OUT/results.json"

# The N sweep to 10,000 (the scaling target) with CLONE_VM children, which
# are cheap to create: every mechanism, the same notification path.
"$BIN" run -s burst -n 10,100,1000,10000 --spawn vm --min-exits 1000 \
	--no-floor --note "$NOTE" -o "$OUT/results-scaling.json"

# Sections written by other tools are appended when they exist: the patch
# efficiency A/B (make ab), the exact cost (make cost) and the reliability runs.
"$BIN" report -d "$OUT" -s "$OUT/results-scaling.json" -m "$TOP/build/matrix.json" \
	-b "$TOP/build/bench/bench.json" \
	-S "$TOP/results/ab/section.json" -S "$TOP/results/ab/budgets.json" -S "$TOP/results/cost/section.json" \
	-S "$TOP/results/reliability/section.json" -R "$TOP/results/reliability" \
	"$OUT/results.json"
echo "report: wrote $OUT/report.md, $OUT/report.html, $OUT/results.json and plots" >&2
