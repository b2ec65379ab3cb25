/* SPDX-License-Identifier: GPL-2.0 */
/*
 * exitwatch.h - shared between bpf/exitwatch.bpf.c and harness/ (the event
 * record streamed through the ring buffer, the in-kernel histograms, and the
 * timeline stamps).  All times are bpf_ktime_get_ns() == CLOCK_MONOTONIC.
 */
#ifndef EXITWATCH_BPF_H
#define EXITWATCH_BPF_H

#define EW_HIST_SLOTS 40	/* log2(ns) buckets: slot k holds [2^k, 2^(k+1)) ns */

/* in-kernel log2 histograms, index into the `hists` array map */
enum ew_hist_id {
	EW_H_EXIT_TO_WAKE,	/* sched_process_exit (group dead) -> first watcher waking */
	EW_H_WAKE_TO_RUN,	/* that waking -> sched_switch to the watcher */
	EW_H_EXIT_TO_RUN,	/* sched_process_exit -> watcher on CPU */
	EW_H_BEGIN_TO_EXIT,	/* exit begins (exit_group entry or fatal signal) -> tp */
	EW_H_SIGNAL_TO_BEGIN,	/* SIGKILL generated -> the victim starts exiting */
	EW_H_MM_TEARDOWN,	/* exit_mm() start -> exit_mmap tracepoint */
	EW_H_EXIT_TO_REAP,	/* sched_process_exit -> release_task (needs fentry) */
	EW_H_NR,
};

struct ew_hist {
	__u64 slots[EW_HIST_SLOTS];
	__u64 count;
	__u64 sum_ns;
};

/* timeline stamps of one exiting thread group; 0 = not seen */
enum ew_stamp {
	EW_T_FORK,	/* sched_process_fork of the child (run mode) */
	EW_T_SIGNAL,	/* signal_generate SIGKILL to it */
	EW_T_BEGIN,	/* sys_enter exit/exit_group, or signal_deliver of SIGKILL */
	EW_T_EXIT,	/* sched_process_exit of the group's last thread */
	EW_T_MM_START,	/* first mmap_lock_start_locking while exiting: exit_mm() begins */
	EW_T_MM_END,	/* exit_mmap tracepoint, at the end of exit_mmap() */
	EW_T_NOTIFY,	/* do_notify_parent reached: fentry (optional), else the first
			 * of the exit signal generated and the first watcher wake */
	EW_T_WAKE,	/* first sched_waking of a watcher, current in this group */
	EW_T_RUN,	/* sched_switch to that watcher */
	EW_T_REAP,	/* fentry release_task of the leader (optional) */
	EW_T_FREE,	/* sched_process_free of the leader: the record is sent (this is
			 * an RCU callback, lazy RCU can hold it for seconds, so the
			 * harness also takes records straight from the map) */
	EW_T_NR,
};

struct ew_event {
	__u64 t[EW_T_NR];
	__u64 start_ns;		/* task->start_time of the leader: tells pid reuse apart */
	__u32 tgid;
	__u32 ppid;		/* parent tgid at fork or exit */
	__u32 waker_tid;	/* exiting thread that issued the first watcher wake */
	__u32 watcher_tid;	/* the watcher woken */
	__s32 exit_code;	/* task->exit_code of the leader at free */
	__u32 threads_exited;	/* sched_process_exit count in the group */
	__u32 watcher_wakes;	/* watcher wakes issued from this group */
	char comm[16];
};

/* counters, index into the `counters` per-CPU array map */
enum ew_counter {
	EW_C_RB_DROPS,		/* ring-buffer reservation failed: record lost */
	EW_C_MAP_FULL,		/* task map full: group not tracked */
	EW_C_EVENTS,		/* records sent */
	EW_C_NR,
};

#endif
