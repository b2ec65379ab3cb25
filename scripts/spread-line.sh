#!/bin/bash
# scripts/spread-line.sh AB_DIR [COST_JSON] - one paragraph for the A/B
# section: the run-to-run spread of the wall-clock A/B (the per-quantity
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
echo "Run-to-run spread of the two methods: this wall-clock A/B's repetitions spread by $med % (median)"
echo "and up to $max % over its $((n / 2)) quantities on both kernels (\`exitwatch compare\`'s spread column), so"
echo "it resolves only effects of tens of percent; it is the method that sees caches, contention and real"
if [ -r "$COST" ]; then
	jq -r '"latency. The exact cost (`make cost`, results/cost/) repeats between two boots of a kernel to "
		+ ([.[].determinism.max_boot_diff_pct] | max | tostring) + " % (largest difference over "
		+ (length | tostring) + " kernels, made " + (.[0].created // "?") + "), so it resolves a single"
		+ " instruction, but counts instructions, not time: trust it for what a patch adds to a code path,"
		+ " and this A/B for what that costs on a real machine."' "$COST"
else
	echo "latency. The exact cost (\`make cost\`) was not found ($COST): run it for the other method's spread."
fi
