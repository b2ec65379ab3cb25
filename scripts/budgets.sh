#!/bin/bash
# Size budgets of the series, read from the two guest kernels' own BTF and
# ELF (build/base/vmlinux, build/patched/vmlinux): struct pid may grow by
# 8 bytes at most (SPEC F5); struct signal_struct and the vmlinux text size
# are printed for review.  Writes build/budgets.md; exit 1 on a broken budget.
set -uo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
B="$TOP/build"
for k in base patched; do
	[ -e "$B/$k/vmlinux" ] || { echo "budgets: no $B/$k/vmlinux: build it with make kernel KERNEL=$k" >&2; exit 1; }
done

struct_size() { # vmlinux struct
	bpftool btf dump file "$1" format raw 2>/dev/null |
		sed -n "s/^\[[0-9]*\] STRUCT '$2' size=\([0-9]*\) .*/\1/p" | head -1
}
text_size() { size "$1" | awk 'NR == 2 { print $1 }'; }

bad=0
{
	echo "| quantity | base 6.1 | patched 6.1 | change | budget |"
	echo "|---|---|---|---|---|"
	for s in pid signal_struct; do
		a=$(struct_size "$B/base/vmlinux" $s)
		b=$(struct_size "$B/patched/vmlinux" $s)
		if [ -z "$a" ] || [ -z "$b" ]; then
			echo "| sizeof(struct $s) | ${a:-?} | ${b:-?} | | no BTF |"
			bad=1
			continue
		fi
		budget="-"
		if [ $s = pid ]; then
			if [ $((b - a)) -le 8 ]; then budget="<= +8: met"; else budget="<= +8: **BROKEN**"; bad=1; fi
		fi
		echo "| sizeof(struct $s) (BTF) | $a | $b | $((b - a)) bytes | $budget |"
	done
	a=$(text_size "$B/base/vmlinux")
	b=$(text_size "$B/patched/vmlinux")
	echo "| vmlinux .text and rodata (size(1) text) | $a | $b | $((b - a)) bytes ($(awk -v a="$a" -v b="$b" 'BEGIN { printf "%+.3f%%", (b - a) * 100 / a }')) | - |"
} >"$B/budgets.md"
echo "Size budgets (build/budgets.md):"
cat "$B/budgets.md"
exit $bad
