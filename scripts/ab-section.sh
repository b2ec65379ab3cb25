#!/bin/bash
# scripts/ab-section.sh DIR ROUNDS REPS SECONDS TSC_KHZ - called by scripts/ab.sh:
# turns DIR/compare-{ew,bench}.tsv (exitwatch compare --tsv, base = OLD,
# patched = NEW) and the per-boot JSON under DIR/data/ into
# DIR/section.md and the plots DIR/ab_ratios.{svg,png}, DIR/ab_boots.{svg,png}.
set -euo pipefail
W=$1
ROUNDS=$2
REPS=$3
SECS=$4
TSC_KHZ=$5
ALPHA=0.05
# the report's one plot style (terminals, fonts, sizes): harness/plot-style.gp
STYLE=$(cd "$(dirname "$0")/.." && pwd)/harness/plot-style.gp

first_json() { ls "$W/data/$1/ew/"*.json | head -1; }
jget() { jq -r "$2" "$1"; }
kbase=$(jget "$(first_json base)" '.machine.kernel_release + " " + .machine.kernel_version')
kpatched=$(jget "$(first_json patched)" '.machine.kernel_release + " " + .machine.kernel_version')
tracer_base=$(jget "$(first_json base)" '.tracer | if .enabled then "loaded" else "not loaded: " + (.reason // "?") end')
tracer_patched=$(jget "$(first_json patched)" '.tracer | if .enabled then "loaded" else "not loaded: " + (.reason // "?") end')

# rows of the main table: "key<TAB>label<TAB>scale<TAB>unit"; key = entry|metric
rows() {
	printf 'floor|fork_exit_reap_per_s\tfork+exit+reap, one child at a time\t1\t/s\n'
	printf 'floor|pipe_pingpong_one_way_ns\tpipe ping-pong, one way (wake-up floor)\t1000\tus\n'
	awk -F'\t' 'NR > 1 && $1 != "floor" { print $1 }' "$W/compare-ew.tsv" | sort -u | while read -r e; do
		m=${e##* }
		n=$(echo "$e" | sed -n 's/.* n=\([0-9]*\) .*/\1/p')
		printf '%s|exit_to_wake_p50_ns\texit -> wake p50, %s, burst of %s\t1000\tus\n' "$e" "$m" "$n"
		printf '%s|trigger_to_user_p50_ns\tkill -> watcher p50 (user side), %s, burst of %s\t1000\tus\n' "$e" "$m" "$n"
		printf '%s|watcher_cpu_ns_per_exit\twatcher CPU per exit, %s, burst of %s\t1000\tus\n' "$e" "$m" "$n"
	done
	awk -F'\t' 'NR > 1 && $2 == "real_time_ns" { print $1 }' "$W/compare-bench.tsv" | while read -r e; do
		printf '%s|real_time_ns\t%s (Google Benchmark, wall time per iteration)\t1000\tus\n' "$e" "${e#bench }"
	done
}

# joined: key, label, scale, unit, base, patched, ratio, p, verdict, n_base,
# n_patched; only quantities measured on both kernels
rows >"$W/ab-keys.tsv"
awk -F'\t' -v OFS='\t' -v reps="$REPS" '
	FNR == 1 { f++ }
	f <= 2 {
		if ($1 == "entry") next
		key = $1 "|" $2
		base[key] = $5; pat[key] = $6; ratio[key] = $7; p[key] = $9; v[key] = $10; no[key] = $3; nn[key] = $4
		# rounds (a base boot and the patched boot after it) where the
		# patched median is above the base median
		nb = split($13, b, ","); np = split($14, q, ","); up[key] = 0; rounds[key] = 0
		for (r = 0; r * reps < nb && r * reps < np; r++) {
			mb = med(b, r * reps + 1, reps); mp = med(q, r * reps + 1, reps)
			if (mb == "" || mp == "") continue
			rounds[key]++; up[key] += mp > mb
		}
		next
	}
	{
		if (!($1 in base) || no[$1] == 0 || nn[$1] == 0) next
		print $1, $2, $3, $4, base[$1] / $3, pat[$1] / $3, ratio[$1], p[$1], v[$1], no[$1], nn[$1], up[$1] "/" rounds[$1]
	}
	# median of the non-null values a[from .. from + n - 1]; "" if none
	function med(a, from, n,   i, k, t, j, c) {
		k = 0
		for (i = from; i < from + n; i++) if (i in a && a[i] != "null") c[++k] = a[i] + 0
		if (!k) return ""
		for (i = 2; i <= k; i++) { t = c[i]; for (j = i - 1; j >= 1 && c[j] > t; j--) c[j + 1] = c[j]; c[j + 1] = t }
		return k % 2 ? c[(k + 1) / 2] : (c[k / 2] + c[k / 2 + 1]) / 2
	}' "$W/compare-ew.tsv" "$W/compare-bench.tsv" "$W/ab-keys.tsv" >"$W/ab-rows.tsv"

fmt() { awk -v x="$1" 'BEGIN { if (x >= 1000) printf "%.0f", x; else if (x >= 10) printf "%.1f", x; else printf "%.2f", x }'; }

{
	echo "## Patch efficiency: the series against Debian's 6.1 (make ab)"
	echo
	echo "Made by \`make ab\` (scripts/ab.sh) on $(date -u '+%F %H:%M UTC'), in $((SECS / 60)) min: $ROUNDS boots of each"
	echo "kernel under QEMU TCG (2 vCPUs), in the order base, patched, base, patched, ... so that"
	echo "drift of the host's load falls on both alike; each boot measured $REPS repetitions of every cell,"
	echo "of the floor and of each micro-benchmark, so each kernel has $((ROUNDS * REPS)) repetitions per figure."
	echo "base: \`$kbase\`; patched: \`$kpatched\` ($(paste -sd';' "$W/kernels.txt" | sed 's/;/; /g'))."
	echo "Tracer (BPF) in the base guest: $tracer_base; in the patched guest: $tracer_patched."
	echo "Guest clock: the TSC at the host's rate (\`tsc_early_khz=$TSC_KHZ tsc=reliable\`: without it these"
	echo "tinyconfig guests fall back to the 4 ms jiffies clock)."
	echo
	echo "**TCG timings are fit for A/B ratios, not absolute latencies**: QEMU emulates the CPU, so"
	echo "every figure below is many times the host's; two kernels run under the same emulator,"
	echo "interleaved, can be compared by their ratio. Figures are medians over the repetitions;"
	echo "patched/base is the ratio of the medians (for a rate, above 1 is better; for a time, below 1);"
	echo "p is the two-sided Mann-Whitney U p-value of \`exitwatch compare\` on the repetitions"
	echo "(exact distribution); **bold**: p < $ALPHA. The last column counts the rounds (a base boot and the"
	echo "patched boot after it) whose patched median is above the base median: a difference that the"
	echo "kernels make shows in most rounds, one that a burst of host load makes shows in one or two."
	echo "With $(wc -l <"$W/ab-rows.tsv") quantities, about $(awk -v n="$(wc -l <"$W/ab-rows.tsv")" -v a=$ALPHA 'BEGIN { printf "%.0f", n * a }') of them would show p < $ALPHA by chance alone."
	echo
	echo "| quantity | unit | base 6.1 | patched 6.1 | patched/base | p | rounds patched > base |"
	echo "|---|---|---|---|---|---|---|"
	while IFS=$'\t' read -r key label scale unit b pt ratio p v no nn rounds; do
		r=$(awk -v r="$ratio" 'BEGIN { if (r == "-") print "-"; else printf "%.3f", r }')
		if awk -v p="$p" -v a=$ALPHA 'BEGIN { exit !(p != "-" && p + 0 < a) }'; then
			r="**$r**"
		fi
		few=""
		[ "$v" = too-few ] && few=" (n=$no/$nn: too few)"
		echo "| $label | $unit | $(fmt "$b") | $(fmt "$pt") | $r | $p$few | $rounds |"
	done <"$W/ab-rows.tsv"
	echo
	one=$(grep -hE '^  (only|measured only) in' "$W/compare-ew.txt" "$W/compare-bench.txt" || true)
	if [ -n "$one" ]; then
		echo "Measured on one kernel only (OLD = base, NEW = patched):"
		echo
		echo "$one" | sed 's/^  /- /; s/OLD/base/; s/NEW/patched/'
		echo
	fi
	"$(dirname "$0")/spread-line.sh" "$W"
	echo
	echo "![patched/base ratios](ab_ratios.png)"
	echo
	echo "![per-boot repetitions](ab_boots.png)"
	echo
	echo "Every comparison (all metrics, spread, verdicts): \`compare-ew.txt\`, \`compare-bench.txt\`"
	echo "beside this file; the per-boot JSON is in \`data/\`. Again: \`make ab\`, or"
	echo "\`build/exitwatch compare results/ab/data/base/ew results/ab/data/patched/ew\`."
} >"$W/section.md"

# ---- plots ----
# 1. ratios, one bar per quantity, significant ones filled
awk -F'\t' -v OFS='\t' -v a=$ALPHA '{ sig = ($8 != "-" && $8 + 0 < a); lab = $2; gsub(/ \(Google Benchmark, wall time per iteration\)/, "", lab)
	printf "%d\t%s\t%s\t%d\t%s\n", NR - 1, $7, lab, sig, $8 }' "$W/ab-rows.tsv" >"$W/ab_ratios.dat"
nrows=$(wc -l <"$W/ab_ratios.dat")
height=$((160 + 26 * nrows))
xr=$(awk -F'\t' '$2 != "-" && $2 > 0 { if (!lo || $2 < lo) lo = $2; if ($2 > hi) hi = $2 }
	END { lo = lo / 2.3; hi = hi * 2.3; if (lo > 0.5) lo = 0.5; if (hi < 2) hi = 2; printf "%g:%g", lo, hi }' "$W/ab_ratios.dat")
for term in svg png; do
	gnuplot <<EOF
load '$STYLE'
eval $term('$W/ab_ratios', 1100, $height)
set datafile separator '\t'
set title "patched / base 6.1, medians of $((ROUNDS * REPS)) repetitions each (QEMU TCG, interleaved boots)"
set xlabel "patched / base (log scale; a time below 1 or a rate above 1 is better)"
set logscale x 2
set xrange [$xr]
set yrange [$nrows - 0.3:-0.7]
set ytics nomirror font ',10'
set grid xtics
set key top right opaque box
set style fill solid 0.8 border -1
set arrow from 1, graph 0 to 1, graph 1 nohead lw 2 lc rgb '#444444'
set lmargin 62
plot '$W/ab_ratios.dat' using (\$4 > 0 ? \$2 : 1/0):1:(1):(\$2):(\$1 - 0.35):(\$1 + 0.35):ytic(3) with boxxyerror lc rgb '#c0392b' title 'p < $ALPHA', \
     '' using (\$4 > 0 ? 1/0 : \$2):1:(1):(\$2):(\$1 - 0.35):(\$1 + 0.35) with boxxyerror fs transparent solid 0.25 lc rgb '#2c3e50' title 'not significant', \
     '' using (\$2 >= 1 ? \$2 * 1.03 : 1/0):1:(sprintf('%.3f (p %s)', \$2, strcol(5))) with labels font ',9' left notitle, \
     '' using (\$2 < 1 ? \$2 / 1.03 : 1/0):1:(sprintf('%.3f (p %s)', \$2, strcol(5))) with labels font ',9' right notitle
EOF
done

# 2. drift check: every repetition in boot order, normalized to the base median
sel=("floor|fork_exit_reap_per_s" "floor|pipe_pingpong_one_way_ns")
sel+=("$(awk -F'\t' '$1 ~ /pidfd-epoll$/ && $2 == "trigger_to_user_p50_ns" { print $1 "|" $2; exit }' "$W/compare-ew.tsv")")
sel+=("$(awk -F'\t' '$1 ~ /pidfd-epoll$/ && $2 == "exit_to_wake_p50_ns" && $3 > 0 && $4 > 0 { print $1 "|" $2; exit }' "$W/compare-ew.tsv")")
: >"$W/ab_boots.dat"
idx=0
titles=()
for key in "${sel[@]}"; do
	[ -n "$key" ] && [ "$key" != "|" ] || continue
	awk -F'\t' -v key="$key" -v reps="$REPS" -v idx=$idx -v OFS='\t' '
		$1 "|" $2 == key {
			nb = split($13, b, ","); np = split($14, q, ",")
			for (i = 1; i <= nb; i++) if (b[i] != "null") print idx, 2 * int((i - 1) / reps) + 1 + (i - 1) % reps * 0.12, b[i] / $5, "base"
			for (i = 1; i <= np; i++) if (q[i] != "null") print idx, 2 * int((i - 1) / reps) + 2 + (i - 1) % reps * 0.12, q[i] / $5, "patched"
		}' "$W/compare-ew.tsv" >>"$W/ab_boots.dat"
	titles+=("$key")
	idx=$((idx + 1))
done
nplots=${#titles[@]}
for term in svg png; do
	{
		echo "load '$STYLE'"
		echo "eval $term('$W/ab_boots', 1100, $((260 * nplots + 60)))"
		echo "set datafile separator '\t'"
		echo "set multiplot layout $nplots,1 title 'every repetition in boot order (odd boots base, even boots patched), / base median'"
		echo "set xrange [0.5:$((2 * ROUNDS)) + 0.8]"
		echo "set xtics 1"
		echo "set grid ytics"
		echo "set key outside right"
		echo "set ylabel '/ base median'"
		for i in $(seq 0 $((nplots - 1))); do
			label=${titles[$i]}
			label=${label/|/: }
			[ "$i" = $((nplots - 1)) ] && echo "set xlabel 'boot'"
			echo "set title '$label'"
			echo "plot '$W/ab_boots.dat' using (\$1 == $i && strcol(4) eq 'base' ? \$2 : 1/0):3 with points pt 7 ps 0.9 lc rgb '#2c3e50' title 'base', \\"
			echo "     '' using (\$1 == $i && strcol(4) eq 'patched' ? \$2 : 1/0):3 with points pt 5 ps 0.9 lc rgb '#c0392b' title 'patched', 1 with lines dt 2 lc rgb '#888888' notitle"
		done
		echo "unset multiplot"
	} | gnuplot
done
echo "ab-section: wrote $W/section.md, ab_ratios.{svg,png}, ab_boots.{svg,png}"
