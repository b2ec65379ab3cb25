# scripts/series.sh - sourced, not run: the one reader of kernel-patches/series
# for scripts/kernel.sh, check-series.sh, cost.sh and series-tree.sh.
#
# series_read FILE: the patch file names FILE lists, in order, into the array
# `patches` (text after '#' and blank lines skipped); a name whose file is not
# beside FILE stops the caller through its own die().  A missing FILE is an
# empty series.
series_read() {
	local file=$1 line
	patches=()
	[ -f "$file" ] || return 0
	while read -r line; do
		line=${line%%#*}
		line=$(echo "$line" | tr -d '[:space:]')
		[ -n "$line" ] || continue
		[ -f "$(dirname "$file")/$line" ] || die "series names $line, which does not exist"
		patches+=("$line")
	done <"$file"
}
