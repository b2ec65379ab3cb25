#!/bin/bash
# scripts/ab-section.sh DIR ROUNDS REPS SECONDS TSC_KHZ - called by scripts/ab.sh:
# turns DIR/compare-{ew,bench}.tsv (exitwatch compare --tsv, base = OLD,
# patched = NEW) and the per-boot JSON under DIR/data/ into
# DIR/section.json and the plots DIR/ab_ratios.{svg,png}, DIR/ab_boots.{svg,png}.
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

# DIR/section.json (schema exitwatch-ab/1, harness/SCHEMA.md): the run,
# every quantity with its verdict (significant: p < ALPHA), what was
# measured on one kernel only and the spread of the two methods;
# exitwatch report formats it
one=$(grep -hE '^  (only|measured only) in' "$W/compare-ew.txt" "$W/compare-bench.txt" || true)
jq -R -s --arg date "$(date -u +%FT%TZ)" --argjson seconds "$SECS" --argjson rounds "$ROUNDS" \
	--argjson reps "$REPS" --argjson tsc_khz "$TSC_KHZ" --argjson alpha "$ALPHA" \
	--arg kbase "$kbase" --arg kpatched "$kpatched" --arg tbase "$tracer_base" --arg tpatched "$tracer_patched" \
	--rawfile kernels "$W/kernels.txt" --arg one "$one" \
	--argjson chance "$(awk -v n="$(wc -l <"$W/ab-rows.tsv")" -v a=$ALPHA 'BEGIN { printf "%.0f", n * a }')" \
	--argjson spread "$("$(dirname "$0")/spread-line.sh" "$W")" '
	def lines: split("\n") | map(select(length > 0));
	def num: if . == "-" or . == "" then null else tonumber end;
	(lines | map(split("\t") | {
		label: .[1], unit: .[3], base: (.[4] | num), patched: (.[5] | num), ratio: (.[6] | num),
		p: .[7], significant: (.[7] != "-" and (.[7] | tonumber) < $alpha),
		too_few: (.[8] == "too-few"), n_base: (.[9] | tonumber), n_patched: (.[10] | tonumber),
		rounds_up: (.[11] | split("/")[0] | tonumber), rounds: (.[11] | split("/")[1] | tonumber) })) as $rows
	| { schema: "exitwatch-ab/1", date: $date, seconds: $seconds, rounds: $rounds, reps: $reps,
	    tsc_khz: $tsc_khz, alpha: $alpha, kernel_base: $kbase, kernel_patched: $kpatched,
	    kernels_built: ($kernels | lines), tracer_base: $tbase, tracer_patched: $tpatched,
	    expected_by_chance: $chance,
	    rows: $rows,
	    one_kernel_only: ($one | lines | map(sub("^  "; "") | sub("OLD"; "base") | sub("NEW"; "patched"))),
	    spread: $spread,
	    plots: { ratios: "ab_ratios.png", boots: "ab_boots.png" } }' "$W/ab-rows.tsv" >"$W/section.json" ||
	die "cannot write $W/section.json"
rm -f "$W/section.md"

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
echo "ab-section: wrote $W/section.json, ab_ratios.{svg,png}, ab_boots.{svg,png}"
