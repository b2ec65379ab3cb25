/* SPDX-License-Identifier: GPL-2.0 */
/* Shared between exit_wake.bpf.c and its users (tests/f0_bpf_exit_wake.c). */
#ifndef EXITWATCH_EXIT_WAKE_H
#define EXITWATCH_EXIT_WAKE_H

/*
 * One entry per watched child, keyed by its tgid and inserted by user space
 * before the child may exit.  The BPF side fills it in.
 */
struct exit_wake_rec {
	__u64 exit_ns;		/* sched_process_exit of the child's last thread */
	__u64 wake_ns;		/* last sched_waking of the watcher by the child */
	__u32 wakes;		/* sched_waking of the watcher, current == child */
	__u32 wakes_before_exit; /* of those, before sched_process_exit */
	__u32 waker_tid;	/* tid of the task that issued the wake-up */
	__u32 exits;		/* sched_process_exit events seen for this tgid */
};

#endif
