#!/bin/bash
# scripts/gate.sh - the performance regression gate of `make check`: exact
# cost in guest instructions, not host wall-clock time.
#
#   scripts/gate.sh            1. the base and patched 6.1 guests, booted twice
#                              each in deterministic QEMU (scripts/cost.sh
#                              --gate base patched): each boot pair must agree
#                              within 0.05 %, and no operation may cost more
#                              than COST_THRESHOLD % (0.5) above the baseline
#                              committed for the kernel's key in
#                              results/baselines/cost/ (Linux source version,
#                              the patches' source hunks, config fragments,
#                              gcc, binutils, QEMU, the cost suite); a missing
#                              baseline fails, naming the command that makes it
#                              2. the gate's self-test (scripts/cost.sh
#                              --selftest patched): a BPF loop on
#                              sched_process_exit adds about 1.2 % of
#                              fork+exit+reap to every exit; exactly the
#                              operations with an exit must be flagged, each by
#                              the injected amount +- 10 %
#   scripts/gate.sh --update   write the baselines of base and patched
#                              (= scripts/cost.sh --update-baselines base patched)
#   scripts/gate.sh --wallclock [--update | --noise K]
#                              the former wall-clock gate (scripts/gate-wallclock.sh)
#
# Output: build/cost/ (console logs, JSON, comparison).  Exit 0 when every part passed.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
cd "$TOP" || exit 2

case "${1:-}" in
--wallclock) shift; exec "$TOP/scripts/gate-wallclock.sh" "$@" ;;
--update) exec "$TOP/scripts/cost.sh" --update-baselines base patched ;;
"") ;;
*) die "unknown option '$1' (want --update or --wallclock)" ;;
esac

fail=0
t0=$(date +%s)
"$TOP/scripts/cost.sh" --gate base patched || fail=1
t1=$(date +%s)
"$TOP/scripts/cost.sh" --selftest patched || fail=1
t2=$(date +%s)
echo "gate: base and patched against their baselines $((t1 - t0)) s, self-test $((t2 - t1)) s"
[ $fail = 0 ] && echo "gate: all parts passed" || echo "gate: FAILED"
exit $fail
