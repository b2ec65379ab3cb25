#!/bin/bash
# scripts/spread-line.sh AB_DIR [COST_JSON] - for the A/B section (JSON):
# the run-to-run spread of the wall-clock A/B (the per-quantity
# spread that exitwatch compare reports, in AB_DIR/compare-{ew,bench}.tsv)
# beside that of the exact cost (the largest difference between two boots
# of a kernel, from make cost's JSON), so a reader sees which figure to
# trust for what.  Called by scripts/ab-section.sh.
set -euo pipefail
W=$1
COST=${2:-$(cd "$(dirname "$0")/.." && pwd)/results/cost/cost.json}
# median and maximum of the spread columns (old_spread_pct, new_spread_pct)
read -r n med max < <(awk -F'\t' 'FNR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
	{ v[n++] = $c["old_spread_pct"] + 0; v[n++] = $c["new_spread_pct"] + 0 }
	END { if (!n) { print 0, "-", "-"; exit }
		asort(v); m = n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2
		printf "%d %.1f %.1f\n", n, m, v[n] }' "$W/compare-ew.tsv" "$W/compare-bench.tsv")
# a JSON object (the "spread" of exitwatch-ab/1): the A/B's spread, and the
# exact cost's largest difference between two boots (null without make cost)
if [ -r "$COST" ]; then
	cost=$(jq -c '{ max_boot_diff_pct: ([.[].determinism.max_boot_diff_pct] | max), kernels: length,
		created: (.[0].created // "?") }' "$COST")
else
	cost=null
fi
jq -n -c --argjson n "$((n / 2))" --arg med "$med" --arg max "$max" --arg file "$COST" --argjson cost "$cost" '
	{ quantities: $n, median_pct: $med, max_pct: $max, cost: $cost, cost_file: $file }'
