// SPDX-License-Identifier: GPL-2.0
/*
 * test_pidfd_wake: every wake-up of one watcher thread during a test round,
 * attributed to the watched process (current in its thread group), to a
 * designated reaper thread, or to anyone else, and placed before or after
 * the exit of the watched group's last thread.  sched_waking fires in the
 * waker's context, so current is the waker.  User space sets target_tgid
 * and reaper_tid (.bss) per round and reads the round back.  CO-RE tp_btf
 * only; loads unchanged on 6.1 and 6.18.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "test_pidfd_wake.h"

const volatile pid_t watcher_tid = 0;

pid_t target_tgid = 0;
pid_t reaper_tid = 0;
struct pidfd_wake_round wake_round = {};

SEC("tp_btf/sched_process_exit")
int BPF_PROG(pidfd_wake_exit, struct task_struct *p)
{
	if (!target_tgid || BPF_CORE_READ(p, tgid) != target_tgid)
		return 0;
	__sync_fetch_and_add(&wake_round.exits, 1);
	/* the group's last thread: signal->live already dropped to 0 */
	if (BPF_CORE_READ(p, signal, live.counter) == 0 && !wake_round.exit_ns)
		wake_round.exit_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(pidfd_wake_waking, struct task_struct *p)
{
	struct task_struct *cur;
	__u64 now;

	if (!target_tgid || BPF_CORE_READ(p, pid) != watcher_tid)
		return 0;
	cur = bpf_get_current_task_btf();
	now = bpf_ktime_get_ns();
	if (cur->tgid == target_tgid) {
		__sync_fetch_and_add(&wake_round.wakes_by_target, 1);
		if (!wake_round.exit_ns)
			__sync_fetch_and_add(&wake_round.wakes_by_target_before_exit, 1);
		wake_round.target_wake_ns = now;
		wake_round.target_waker_tid = cur->pid;
	} else if (reaper_tid && cur->pid == reaper_tid) {
		__sync_fetch_and_add(&wake_round.wakes_by_reaper, 1);
		if (!wake_round.exit_ns)
			__sync_fetch_and_add(&wake_round.wakes_by_reaper_before_exit, 1);
		wake_round.reaper_wake_ns = now;
	} else {
		__sync_fetch_and_add(&wake_round.wakes_other, 1);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
