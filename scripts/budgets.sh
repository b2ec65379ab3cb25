#!/bin/bash
# Budgets of the series, measured in the two guests:
# - sizes, read from the guest kernels' own BTF and ELF (build/base/vmlinux,
#   build/patched/vmlinux): struct pid may not grow (SPEC F5); struct
#   signal_struct and the vmlinux text size are printed for review;
# - the pid slab caches' slot size at pid-namespace levels 0-3, from the
#   "pid-slab:" lines that tests/stress_fork_storm.c prints in each guest after
#   nesting three pid namespaces (/sys/kernel/slab/pid*/slab_size): no
#   growth at any level (SPEC F5);
# - slab allocations of a fork storm whose processes never get a pidfd
#   (SPEC F5, issue #3 item 4), from the "slab-storm:" line that
#   tests/f5_bpf_no_alloc.c prints in each guest (build/<kernel>/vm/out/):
#   the patched kernel may not allocate more per process than the base one,
#   within SLAB_TOLERANCE allocations per process; and the counter must see
#   the exit record that a pidfd_open() allocates on the patched kernel.
# - struct pid references before and after 100,000 PIDFD_SELF_* calls, from
#   tests/f6_pidfd_self.c in the patched guest.
# Writes build/budgets.json; exit 1 on a broken budget or a missing measurement,
# 2 without both kernels' vmlinux.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
# One extra allocation per process is the failure this budget is for (an
# exit record allocated for every process).  The guests' counts are not
# exactly reproducible: the even and odd halves of one run differed by 0
# to 0.18 allocations per process in four runs (IDR preload refills depend
# on which CPU forks; other work allocates pids too).  0.25 per process
# (2,500 in a 10,000-process storm) is above that noise and a quarter of
# the failure; a run whose own noise reaches it is reported inconclusive.
SLAB_TOLERANCE=${SLAB_TOLERANCE:-0.25}
for k in base patched; do
	[ -e "$B/$k/vmlinux" ] || die "no $B/$k/vmlinux: build it with make kernel KERNEL=$k"
done

struct_size() { # vmlinux struct
	bpftool btf dump file "$1" format raw 2>/dev/null |
		sed -n "s/^\[[0-9]*\] STRUCT '$2' size=\([0-9]*\) .*/\1/p" | head -1
}
text_size() { size "$1" | awk 'NR == 2 { print $1 }'; }

# the slab-storm line of a guest's F5 test output, as "key=value" words
storm_line() { # kernel
	sed -n 's/^# slab-storm: //p' "$B/$1/vm/out/f5_bpf_no_alloc.tap" 2>/dev/null | head -1
}
# the pid-slab line of a level, from a guest's fork-storm test output
slab_line() { # kernel level
	sed -n "s/^# pid-slab: \(level=$2 .*\)/\1/p" "$B/$1/vm/out/stress_fork_storm.tap" 2>/dev/null | head -1
}
field() { # "line" key
	echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | head -1
}
calc() { awk "BEGIN { $1 }"; }

# one row of the table: quantity base patched change rule verdict note, where
# verdict is met, broken (each sets the exit status), none (no budget),
# not_measured or no_btf, and note says more about the verdict
bad=0
emit() {
	case $6 in broken | not_measured | no_btf) bad=1 ;; esac
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$@"
}
judge() { # condition -> met|broken
	if calc "exit !($1)"; then echo met; else echo broken; fi
}

{
	for s in pid signal_struct; do
		a=$(struct_size "$B/base/vmlinux" $s)
		b=$(struct_size "$B/patched/vmlinux" $s)
		if [ -z "$a" ] || [ -z "$b" ]; then
			emit "sizeof(struct $s)" "${a:-?}" "${b:-?}" "" "" no_btf ""
			continue
		fi
		if [ $s = pid ]; then
			emit "sizeof(struct $s) (BTF)" "$a" "$b" "$((b - a)) bytes" "+0" "$(judge "$b - $a <= 0")" ""
		else
			emit "sizeof(struct $s) (BTF)" "$a" "$b" "$((b - a)) bytes" "" none ""
		fi
	done
	# pid slab slots per pid-namespace level (SPEC F5: no growth at 0-3)
	for lvl in 0 1 2 3; do
		sa=$(slab_line base $lvl) sb=$(slab_line patched $lvl)
		oa=$(field "$sa" object_size) ob=$(field "$sb" object_size)
		za=$(field "$sa" slab_size) zb=$(field "$sb" slab_size)
		if [ -z "$za" ] || [ -z "$zb" ]; then
			emit "pid slab slot, pid-namespace level $lvl" "${za:-not measured}" "${zb:-not measured}" "" "" \
				not_measured "run make vm-test for both kernels"
			continue
		fi
		emit "pid slab slot (object) bytes, pid-namespace level $lvl ($(field "$sb" cache))" "$za ($oa)" "$zb ($ob)" \
			"$((zb - za)) ($((ob - oa)))" "+0" "$(judge "$zb <= $za")" ""
	done

	a=$(text_size "$B/base/vmlinux")
	b=$(text_size "$B/patched/vmlinux")
	emit "vmlinux .text and rodata (size(1) text)" "$a" "$b" \
		"$((b - a)) bytes ($(calc "printf \"%+.3f%%\", ($b - $a) * 100 / $a"))" "" none ""

	lb=$(storm_line base)
	lp=$(storm_line patched)
	if [ -z "$lb" ] || [ -z "$lp" ]; then
		emit "fork storm slab allocations" "${lb:+measured}${lb:-no slab-storm line}" \
			"${lp:+measured}${lp:-no slab-storm line}" "" "" not_measured "run make vm-test for both kernels"
	else
		# per process: (a) without pidfds, (b) with one pidfd_open per
		# child, the <= 16-byte kmallocs apart, and the run's noise
		# (even minus odd chunks of (a))
		for k in base patched; do
			l=$([ $k = base ] && echo "$lb" || echo "$lp")
			ap=$(field "$l" a_procs) bp=$(field "$l" b_procs) hp=$(field "$l" a_half_procs)
			at=$(($(field "$l" a_cache) + $(field "$l" a_kmalloc)))
			bt=$(($(field "$l" b_cache) + $(field "$l" b_kmalloc)))
			as=$(field "$l" a_small) bs=$(field "$l" b_small)
			ev=$(field "$l" a_even) od=$(field "$l" a_odd)
			declare "procs_$k=$ap"
			declare "a_$k=$(calc "printf \"%.4f\", $at / $ap")"
			declare "ba_$k=$(calc "printf \"%.4f\", $bt / $bp - $at / $ap")"
			declare "small_$k=$(calc "printf \"%.4f\", $bs / $bp - $as / $ap")"
			declare "noise_$k=$(calc "d = ($ev - $od) / $hp; printf \"%.4f\", d < 0 ? -d : d")"
		done
		emit "fork+exit+reap, no pidfd (a): slab allocations per process ($procs_base / $procs_patched processes)" \
			"$a_base" "$a_patched" "$(calc "printf \"%+.4f\", $a_patched - $a_base")" \
			"<= base + $SLAB_TOLERANCE" "$(judge "$a_patched <= $a_base + $SLAB_TOLERANCE")" ""
		emit "one pidfd_open() per child (b) - (a), per process" "$ba_base" "$ba_patched" \
			"$(calc "printf \"%+.4f\", $ba_patched - $ba_base")" "" none ""
		# the exit record is a 16-byte kzalloc: seen in (b) on patched only
		ds=$(calc "printf \"%+.4f\", $small_patched - $small_base")
		v=$(judge "$ds >= 0.99")
		emit "(b) - (a), kmallocs of <= 16 bytes, per process" "$small_base" "$small_patched" "$ds" ">= +0.99" "$v" \
			"$([ "$v" = met ] && echo "the counter sees the exit record" || echo "the counter does not see the exit record")"
		v=$(judge "$noise_base < $SLAB_TOLERANCE && $noise_patched < $SLAB_TOLERANCE")
		emit "noise: even vs odd chunks of (a), per process" "$noise_base" "$noise_patched" "" "< $SLAB_TOLERANCE" "$v" \
			"$([ "$v" = met ] && echo "the budget above can be judged" || echo "inconclusive: too noisy to judge the budget")"
	fi

	# no struct pid reference leak after 100,000 PIDFD_SELF_* calls (F6,
	# asserted by tests/f6_pidfd_self.c; its line printed here)
	lr=$(sed -n 's/^# \([0-9]*\) calls: struct pid refs \([0-9-]*\) -> \([0-9-]*\), task_struct refs \([0-9-]*\) -> \([0-9-]*\)$/\1 \2 \3 \4 \5/p' \
		"$B/patched/vm/out/f6_pidfd_self.tap" 2>/dev/null | head -1)
	if [ -z "$lr" ]; then
		emit "struct pid references after PIDFD_SELF_* calls" "-" "no measurement" "" "" not_measured ""
	else
		set -- $lr
		emit "struct pid (task_struct) references of the caller, before -> after $1 PIDFD_SELF_* calls" \
			"no PIDFD_SELF" "$2 -> $3 ($4 -> $5)" "$(($3 - $2)) ($(($5 - $4)))" "< +$(($1 / 100)) (1 per 100 calls)" \
			"$(judge "$3 - $2 < int($1 / 100) && $5 - $4 < int($1 / 100)")" ""
	fi
} >"$B/budgets.tsv"

# build/budgets.json (schema exitwatch-budgets/1, harness/SCHEMA.md): the
# report's budgets table is drawn from it by exitwatch report
jq -R -s --arg date "$(date -u +%FT%TZ)" --argjson ok $((!bad)) --argjson tol "$SLAB_TOLERANCE" '
	{ schema: "exitwatch-budgets/1", date: $date, ok: ($ok == 1), slab_tolerance: $tol,
	  rows: (split("\n") | map(select(length > 0) | split("\t")
		| { quantity: .[0], base: .[1], patched: .[2], change: .[3], rule: .[4], verdict: .[5], note: .[6] })) }' \
	"$B/budgets.tsv" >"$B/budgets.json" || die "cannot write $B/budgets.json"
rm -f "$B/budgets.md"
echo "Budgets (build/budgets.json; slab counts from the guests' f5_bpf_no_alloc, tolerance $SLAB_TOLERANCE allocations per process):"
cut -f1-3,6 "$B/budgets.tsv" | column -t -s "$(printf '\t')"
exit $bad
