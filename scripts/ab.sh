#!/bin/bash
# scripts/ab.sh - make ab: the patch series' efficiency, base against patched
# 6.1, measured inside QEMU guests.
#
# Boots the two kernels alternately, A B A B ... (AB_ROUNDS rounds), so that
# drift of the host (other work on its CPUs) falls on both kernels alike.
# Each boot skips the KTAP suite and runs build/ab/extra/run.sh: a short
# `exitwatch run --reps AB_REPS` matrix and the Google Benchmark
# micro-benchmarks with AB_REPS repetitions.  The repetitions of all boots of
# a kernel are pooled and `exitwatch compare` judges patched against base
# (Mann-Whitney U).  Writes results/ab/: section.json (the report's "patch
# efficiency" section), the compare tables, plots (SVG, PNG) and the per-boot
# raw JSON (results/ab/data/).  AB_UPDATE_BASELINES=1 also copies the raw
# JSON to results/baselines/guest-6.1-{base,patched}/.
#
# Environment: AB_ROUNDS (4), AB_REPS (3 per boot: 12 per kernel), AB_SIZES
# (10), AB_MECHANISMS, AB_REBUILD=1 (run scripts/kernel.sh even if the
# kernels are built), AB_OUT (results/ab).
set -euo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP"
W="$B/ab"
OUT=${AB_OUT:-$TOP/results/ab}
AB_ROUNDS=${AB_ROUNDS:-4}
AB_REPS=${AB_REPS:-3}
AB_SIZES=${AB_SIZES:-10}
AB_MECHANISMS=${AB_MECHANISMS:-pidfd-epoll,pidfd-poll,waitid,pidfd-info,autoreap-info,sigchld-scan}
AB_MIN_EXITS=${AB_MIN_EXITS:-60}
AB_BENCH_MIN_TIME=${AB_BENCH_MIN_TIME:-0.05}
KERNELS=(base patched)
# The tinyconfig guests find no HPET or ACPI PM timer to calibrate the TSC
# against, mark it unstable and fall back to jiffies: every time in the
# guest would be a multiple of 4 ms.  Under TCG the guest's TSC is the
# host's, so the guest is told the host's TSC rate (only the scale of guest
# times depends on it, equally for both kernels).
if [ -z "${AB_TSC_KHZ:-}" ]; then
	mhz=$(dmesg 2>/dev/null | sed -n 's/.*tsc: Refined TSC clocksource calibration: \([0-9.]*\) MHz.*/\1/p; s/.*tsc: Detected \([0-9.]*\) MHz processor.*/\1/p' | tail -1)
	[ -n "$mhz" ] || mhz=$(awk -F': *' '/^cpu MHz/ { print $2; exit }' /proc/cpuinfo)
	AB_TSC_KHZ=$(awk -v m="$mhz" 'BEGIN { printf "%d", m * 1000 }')
fi
APPEND="exitwatch.only=no-suite-in-ab-boots tsc_early_khz=$AB_TSC_KHZ tsc=reliable clocksource=tsc"

t_start=$(date +%s)

# ---- 1. what goes into the guests ----
$MAKE -s exitwatch exitwatch-guest "$B/bench/bench" >/dev/null || die "build failed"
for k in "${KERNELS[@]}"; do
	if [ "${AB_REBUILD:-0}" = 1 ] || [ ! -f "$B/$k/bzImage" ] || [ ! -f "$B/$k/vmlinux" ]; then
		./scripts/kernel.sh "$k" || die "kernel $k does not build"
	else
		log "using build/$k/bzImage as built $(date -u -r "$B/$k/bzImage" '+%F %T UTC') (AB_REBUILD=1 rebuilds)"
	fi
done
rm -rf "$W"
mkdir -p "$W/extra/lib" "$W/data"
cp "$B/exitwatch-guest" "$W/extra/exitwatch"
cp "$B/bench/bench" "$W/extra/bench"
# the bench binary is dynamic (Debian ships no static libbenchmark): its
# libraries and loader go with it
for lib in $(ldd "$B/bench/bench" | awk '/=>/ { print $3 } /^\t\/lib/ { print $1 }'); do
	cp -L "$lib" "$W/extra/lib/"
done
cat >"$W/extra/run.sh" <<EOF
#!/bin/sh
# written by scripts/ab.sh: one A/B boot (the KTAP suite is skipped)
out=\$1
/extra/exitwatch run --guest -s burst -n $AB_SIZES -m $AB_MECHANISMS --min-exits $AB_MIN_EXITS \\
	--reps $AB_REPS --perturb-rounds 4 --note "make ab boot" -o \$out/ew.json >\$out/ew.log 2>&1
echo "exitwatch rc=\$?" >>\$out/ew.log
/extra/lib/ld-linux-x86-64.so.2 --library-path /extra/lib /extra/bench \\
	--benchmark_repetitions=$AB_REPS --benchmark_min_time=$AB_BENCH_MIN_TIME \\
	--benchmark_out=\$out/bench.json --benchmark_out_format=json >\$out/bench.log 2>&1
echo "bench rc=\$?" >>\$out/bench.log
EOF
chmod +x "$W/extra/run.sh"

# ---- 2. boots, A B A B ----
seq_no=0
for round in $(seq 1 "$AB_ROUNDS"); do
	for k in "${KERNELS[@]}"; do
		seq_no=$((seq_no + 1))
		vm="$W/boot-$(printf %02d $seq_no)-$k"
		log "boot $seq_no/$((2 * AB_ROUNDS)): $k (round $round)"
		# exitwatch.only=: the suite runs only test binaries whose name has
		# this string: none.  vm-test's verdict then fails for want of KTAP
		# output; what counts here is the guest's own completion marker, a
		# clean dmesg and the two JSON files.
		VM_DIR="$vm" VM_EXTRA_DIR="$W/extra" VM_TIMEOUT=${VM_TIMEOUT:-900} \
			VM_EXTRA_APPEND="$APPEND" \
			./scripts/vm-test.sh "$k" >"$vm.log" 2>&1 || true
		[ -f "$vm/out/done" ] || { tail -30 "$vm.log"; die "boot $seq_no ($k) did not finish: $vm.log"; }
		[ ! -s "$vm/splats.txt" ] || { cat "$vm/splats.txt"; die "boot $seq_no ($k): kernel splat"; }
		for f in ew bench; do
			[ -s "$vm/out/$f.json" ] || { cat "$vm/out/$f.log" 2>/dev/null | tail -20; die "boot $seq_no ($k): no $f.json"; }
		done
		mkdir -p "$W/data/$k/ew" "$W/data/$k/bench"
		cp "$vm/out/ew.json" "$W/data/$k/ew/boot-$(printf %02d $seq_no).json"
		cp "$vm/out/bench.json" "$W/data/$k/bench/boot-$(printf %02d $seq_no).json"
		grep -q 'Switched to clocksource tsc$' "$vm/out/dmesg.txt" ||
			die "boot $seq_no ($k): the guest does not use the TSC clocksource (see $vm/out/dmesg.txt)"
		log "  $(cat "$vm/out/kernel.txt"), guest ran $(sed -n 's/.*guest ran \([0-9]*\) s.*/\1/p' "$vm.log") s," \
			"tracer $(jq -r 'if .tracer.enabled then "loaded" else "not loaded: " + .tracer.reason end' "$vm/out/ew.json")"
	done
done

# ---- 3. compare, budgets ----
EW="$B/exitwatch"
for f in ew bench; do
	set +e
	"$EW" compare "$W/data/base/$f" "$W/data/patched/$f" >"$W/compare-$f.txt" 2>&1
	rc=$?
	"$EW" compare --tsv "$W/data/base/$f" "$W/data/patched/$f" >"$W/compare-$f.tsv" 2>/dev/null
	set -e
	[ $rc -le 1 ] || { cat "$W/compare-$f.txt"; die "exitwatch compare failed on the $f results"; }
done
./scripts/budgets.sh >"$W/budgets.log" 2>&1 || log "budgets.sh: $(tail -1 "$W/budgets.log")"
# the report draws the budgets table from its JSON, after this section
cp "$B/budgets.json" "$W/budgets.json"

# ---- 4. the section and the plots ----
for k in "${KERNELS[@]}"; do
	echo "$k: build/$k/bzImage built $(date -u -r "$B/$k/bzImage" '+%F %H:%M UTC')"
done >"$W/kernels.txt"
"$TOP/scripts/ab-section.sh" "$W" "$AB_ROUNDS" "$AB_REPS" "$(($(date +%s) - t_start))" "$AB_TSC_KHZ"

rm -rf "$OUT"
mkdir -p "$OUT"
cp "$W/section.json" "$W"/*.svg "$W"/*.png "$W"/compare-*.txt "$W"/compare-*.tsv "$W/budgets.json" "$OUT/"
cp -r "$W/data" "$OUT/data"
if [ "${AB_UPDATE_BASELINES:-0}" = 1 ]; then
	for k in "${KERNELS[@]}"; do
		rm -rf "$TOP/results/baselines/guest-6.1-$k"
		cp -r "$W/data/$k" "$TOP/results/baselines/guest-6.1-$k"
	done
	log "baselines updated: results/baselines/guest-6.1-{base,patched}/"
fi
log "wrote $OUT/section.json ($(($(date +%s) - t_start)) s)"
