#!/bin/bash
# Writes results/reliability/section.md (appended to the report by
# `make report`) from the outputs of real runs, each figure with the
# command that produced it:
#   bad input    build/host/out, build/{base,patched,debug}/vm/out f8_bad_input.tap
#   stress       build/debug/vm/out/stress_fork_storm.tap (and the other guests')
#   kernel       build/debug/vm: dmesg splats, kmemleak; the splat canary run
#   pid reuse    results/reliability/pid_reuse.dat (scripts/pid-reuse.sh)
#   CLI fuzz     build/fuzz-cli/summary.txt (scripts/fuzz-cli.sh)
# The stream files it read are copied to results/reliability/runs/.
set -uo pipefail
. "$(dirname "$0")/lib.sh"
R="$TOP/results/reliability"
mkdir -p "$R/runs"
S="$R/section.md"
declare -A DIR=([host]="$B/host/out" [base]="$B/base/vm/out" [patched]="$B/patched/vm/out" [debug]="$B/debug/vm/out")
kver() { cat "${DIR[$1]}/kernel.txt" 2>/dev/null || { [ "$1" = host ] && uname -r; } || echo "?"; }
when() { date -u -r "$1" '+%Y-%m-%d %H:%M UTC' 2>/dev/null || echo "?"; }
cmd_of() { # where -> the command that produced that directory
	case $1 in
	host) echo "make test-host" ;;
	*) echo "make vm-test KERNEL=$1" ;;
	esac
}

{
	echo "## Reliability"
	echo
	echo "Bad input, a fork-storm stress, fault injection and pid reuse, on the debug kernel"
	echo "(KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak, failslab and fail_page_alloc:"
	echo "\`kernel-patches/config/debug.config\` over \`base.config\`, the whole series applied) and on"
	echo "the other kernels. Every figure below was copied by \`scripts/reliability-section.sh\` from"
	echo "the output of the command named beside it."
	echo
	echo "### Bad input (tests/f8_bad_input.c)"
	echo
	echo "Every undefined flag bit of pidfd_open, pidfd_send_signal, pidfd_getfd, process_madvise,"
	echo "process_mrelease, waitid(P_PIDFD) options and clone3 flags; PIDFD_GET_INFO with every size"
	echo "0..4096 through the ioctl size encoding, other directions and numbers, undefined mask bits;"
	echo "NULL, unmapped, PROT_NONE, read-only, kernel and page-straddling pointers; closed fds and"
	echo "fds that are not pidfds (memfd, a binary, /dev/null, epoll, socket, eventfd, pipe, nsfd) in"
	echo "every pidfd-taking call; a pidfd from outside the caller's pid namespace; PIDFD_SELF_* in"
	echo "every call; clone3 sizes 0..63, above a page, with a dirty tail, and bad flag combinations"
	echo "(CLONE_PIDFD|CLONE_THREAD without CLONE_SIGHAND, CLONE_WAIT_PIDFD with CLONE_THREAD, ...)."
	echo "The expected errno of each case is this machine's kernel's; each case is asserted."
	echo
	echo "| kernel | cases tried | result | command | run |"
	echo "|---|---|---|---|---|"
	for k in host base patched debug; do
		t="${DIR[$k]}/f8_bad_input.tap"
		[ -f "$t" ] || { echo "| $k | not run | | \`$(cmd_of $k)\` | |"; continue; }
		cp "$t" "$R/runs/f8_bad_input.$k.tap"
		n=$(sed -n 's/^# bad-input cases tried: //p' "$t")
		res=$(sed -n 's/^# Totals: //p' "$t")
		echo "| $k ($(kver $k)) | ${n:-?} | $res | \`$(cmd_of $k)\` | $(when "$t") |"
	done
	echo
	echo "Where the reference answers differently from SPEC's text or from 6.1 for reasons outside"
	echo "pidfds, the test says which: GET_INFO of a pid outside the caller's namespace is EREMOTE on"
	echo "6.18 and ESRCH in SPEC F4 (the 6.1 series), both accepted; PIDFD_GET_INFO on an epoll fd"
	echo "is EINVAL where epoll has ioctls (6.9+) and ENOTTY before. waitid(P_PIDFD) with an"
	echo "unmapped infop and no WNOWAIT reaps the child and then fails with EFAULT, losing the"
	echo "status, on 6.1 and 6.18 alike; with WNOWAIT nothing is lost. Both are asserted."
	echo

	echo "### Fork-storm stress (tests/stress_fork_storm.c)"
	echo
	echo "A burst (all children blocked on one pipe, a pidfd each, released at once) and a churn"
	echo "(clone3(CLONE_PIDFD), at most 64 alive), with 4 epoll pollers (one-shot EPOLLIN) and 2"
	echo "PIDFD_GET_INFO readers running throughout. Checked: every child reaped exactly once with the"
	echo "status it exited with, every pidfd reporting the exit exactly once, PIDFD_INFO_EXIT equal to"
	echo "the wait status, no zombie, no fd left, and (debug guest: own pid cache, nothing else"
	echo "forking) the \"pid\" slab back to where it started."
	echo
	for k in debug patched base host; do
		t="${DIR[$k]}/stress_fork_storm.tap"
		[ -f "$t" ] || continue
		cp "$t" "$R/runs/stress_fork_storm.$k.tap"
		echo "**$k ($(kver $k))**, \`$(cmd_of $k)\`$([ $k = debug ] && echo ' (the debug guest puts EW_STRESS_CHILDREN=10000 EW_STRESS_CHURN=5000 on its command line)'), $(when "$t"): $(sed -n 's/^# Totals: //p' "$t")"
		echo
		echo '```'
		grep -E '^# stress|^(not )?ok ' "$t" | sed 's/^# //'
		echo '```'
		echo
	done

	echo "### Kernel reports (debug guest)"
	echo
	any=0
	d="$B/debug/vm"
	if [ -f "$d/out/dmesg.txt" ]; then
		any=1
		nsplat=$( [ -s "$d/splats.txt" ] && wc -l <"$d/splats.txt" || echo 0)
		if [ -f "$d/out/kmemleak.txt" ]; then
			nleak=$(grep -c '^unreferenced object' "$d/out/kmemleak.txt" || true)
		else
			nleak="no kmemleak report, so no count of"
		fi
		# the verdict vm-test printed, counted again by the same script
		verdict=$("$TOP/scripts/ktap-verdict.sh" "$d/out" suite 2>/dev/null | sed -n 's/^suite: //p')
		echo "- \`make vm-test KERNEL=debug\` (the whole suite, the 6.1 pidfd selftests and the stress"
		echo "  above), $(when "$d/out/dmesg.txt"): ${verdict:-no verdict};"
		echo "  $nsplat dmesg lines matching a splat pattern (BUG, WARNING incl. lockdep and RCU-lockdep,"
		echo "  KASAN, sleep-in-atomic, RCU stalls, hung tasks, oopses); $nleak unreferenced objects after"
		echo "  two kmemleak scans; lockdep at the end:$(tr -s ' ' <"$d/out/lockdep.txt" 2>/dev/null || echo ' not recorded')."
		cp "$d/out/dmesg.txt" "$R/runs/dmesg.debug.vm.txt"
	fi
	[ $any = 1 ] || echo "The debug guest has not been run: \`make vm-test KERNEL=debug\`."
	c="$B/debug/splat-canary"
	if [ -f "$c/vm-test.txt" ]; then
		echo
		echo "The gate can fail: \`make check-debug\` first boots the debug guest with a test-only module"
		echo "(tests/meta/splat_canary.c) that makes KASAN, WARN, kmemleak, might_sleep and lockdep each"
		echo "report once, for real; vm-test failed that run ($(when "$c/vm-test.txt")) and showed:"
		echo
		echo '```'
		grep -hE 'BUG: KASAN|WARNING:|sleeping function|circular locking|kmemleak:|lockdep was off' "$c/vm/splats.txt" "$c/vm-test.txt" 2>/dev/null |
			sed 's/^[0-9]*://' | sort -u | head -8
		echo '```'
	fi
	echo

	echo "### Pid reuse (scripts/pid-reuse.sh)"
	echo
	if [ -f "$R/pid_reuse.dat" ]; then
		sed -n 's/^# pid reuse in \(.*\)$/In \1./p' "$R/pid_reuse.dat"
		echo "Each round forks 50 victims, kills and reaps them, then asks at each lag whether each one"
		echo "is still alive; every \"alive\" is wrong. Command: \`scripts/pid-reuse.sh\`"
		echo "(\`tests/stress_pid_reuse.c\` in a patched guest)."
		echo
		echo "| time since the death | asked | proc-poll wrong | kill0-poll wrong | pidfd wrong |"
		echo "|---|---|---|---|---|"
		awk '!/^#/ { printf "| %s ms | %d | %d (%.1f %%) | %d (%.1f %%) | %d |\n", $1, $2, $3, $6, $4, $7, $5 }' "$R/pid_reuse.dat"
		sed -n 's/^# after a wrap: \([0-9]*\) \([0-9]*\) \([0-9]*\) \([0-9]*\) (\(.*\))$/\1 \2 \3 \4 \5/p' "$R/pid_reuse.dat" |
			awk '{ n = $1; rest = $0; sub(/^[0-9]+ [0-9]+ [0-9]+ [0-9]+ /, "", rest)
				printf "| after the recycler went through the pid space (%s) | %d | %d (%.1f %%) | %d (%.1f %%) | %d |\n",
					rest, n, $2, 100 * $2 / n, $3, 100 * $3 / n, $4 }'
		echo
		echo "![pid reuse: wrong answers per 100 questions](pid_reuse.png)"
		echo
		if [ -f "$R/pid_reuse_harness.dat" ]; then
			sed -n 's/^# exitwatch reuse scenario in \(.*\)$/The harness\x27s \`reuse\` scenario in \1:/p; s/^# command: \(.*\)$/\`\1\`./p' "$R/pid_reuse_harness.dat"
			echo
			echo "| mechanism | poll interval | children per burst | exits | missed | false | duplicate | noticed |"
			echo "|---|---|---|---|---|---|---|---|"
			awk '!/^#/ && $9 == "ok" { printf "| %s | %g ms | %d | %d | %d | %d | %d | %d |\n", $1, $2 / 1000, $3, $4, $5, $6, $7, $8 }' "$R/pid_reuse_harness.dat"
		fi
	else
		echo "Not run yet: \`scripts/pid-reuse.sh\`."
	fi
	echo

	echo "### The command line under garbage (scripts/fuzz-cli.sh)"
	echo
	if [ -f "$B/fuzz-cli/summary.txt" ]; then
		echo "\`make fuzz-cli\` ($(when "$B/fuzz-cli/summary.txt")), exitwatch built with"
		echo "\`-fsanitize=address,undefined\`:"
		echo
		echo '```'
		cat "$B/fuzz-cli/summary.txt"
		echo '```'
	else
		echo "Not run yet: \`make fuzz-cli\`."
	fi
} >"$S"
echo "reliability-section: wrote $S"
