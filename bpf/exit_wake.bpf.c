// SPDX-License-Identifier: GPL-2.0
/*
 * exit_wake: who wakes a pidfd poller, and when, relative to the exit of the
 * process it watches.  Used by tests/f0_bpf_exit_wake.c to assert that each
 * child exit produces exactly one wake-up of the poller, issued by the
 * exiting task after its sched_process_exit.  CO-RE; loads on 6.1 and later.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "exit_wake.h"

const volatile pid_t watcher_tid = 0;

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 4096);
	__type(key, __u32);
	__type(value, struct exit_wake_rec);
} watched SEC(".maps");

SEC("tp_btf/sched_process_exit")
int BPF_PROG(ew_exit, struct task_struct *p)
{
	__u32 tgid = BPF_CORE_READ(p, tgid);
	struct exit_wake_rec *r = bpf_map_lookup_elem(&watched, &tgid);

	if (!r)
		return 0;
	__sync_fetch_and_add(&r->exits, 1);
	/* the group's last thread: signal->live already dropped to 0 */
	if (BPF_CORE_READ(p, signal, live.counter) == 0 && !r->exit_ns)
		r->exit_ns = bpf_ktime_get_ns();
	return 0;
}

SEC("tp_btf/sched_waking")
int BPF_PROG(ew_waking, struct task_struct *p)
{
	struct task_struct *cur;
	struct exit_wake_rec *r;
	__u32 tgid;

	if (BPF_CORE_READ(p, pid) != watcher_tid)
		return 0;
	cur = bpf_get_current_task_btf();
	tgid = cur->tgid;
	r = bpf_map_lookup_elem(&watched, &tgid);
	if (!r)
		return 0;
	__sync_fetch_and_add(&r->wakes, 1);
	if (!r->exit_ns)
		__sync_fetch_and_add(&r->wakes_before_exit, 1);
	r->wake_ns = bpf_ktime_get_ns();
	r->waker_tid = cur->pid;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
