// SPDX-License-Identifier: GPL-2.0
/*
 * test_pidref: reference counts of a process's own struct pid and
 * task_struct, sampled at a marker syscall, so that tests/f6_pidfd_self.c
 * can check that 100,000 PIDFD_SELF_* calls leave them unchanged.  A
 * leaked reference never frees anything while the process lives, so user
 * space cannot see it; the counters can.  CO-RE tp_btf; loads on 6.1+.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/bpf_core_read.h>
#include "test_pidref.h"

const volatile pid_t target_tgid = 0;

struct pidref_sample sample = {};

SEC("tp_btf/sys_enter")
int BPF_PROG(pidref_sys_enter, struct pt_regs *regs, long id)
{
	struct task_struct *cur;

	if (id != PIDREF_MARKER_NR)
		return 0;
	cur = bpf_get_current_task_btf();
	if (cur->tgid != target_tgid)
		return 0;
	sample.thread_pid_refs = BPF_CORE_READ(cur, thread_pid, count.refs.counter);
	sample.tgid_pid_refs = BPF_CORE_READ(cur, signal, pids[PIDTYPE_TGID], count.refs.counter);
	sample.task_usage = BPF_CORE_READ(cur, usage.refs.counter);
	sample.tid = cur->pid;
	__sync_fetch_and_add(&sample.seq, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
