/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between test_pidfd_wake.bpf.c and the tests that use it
 * (tests/f1_bpf_reap_wake.c, tests/f3_bpf_no_wake.c): who woke the watcher
 * thread during one round, relative to the exit of the watched process.
 */
#ifndef EXITWATCH_TEST_PIDFD_WAKE_H
#define EXITWATCH_TEST_PIDFD_WAKE_H

struct pidfd_wake_round {
	__u64 exit_ns;			/* sched_process_exit of the last thread (live == 0) */
	__u64 target_wake_ns;		/* last wake of the watcher by a target thread */
	__u64 reaper_wake_ns;		/* last wake of the watcher by the reaper */
	__u32 exits;			/* sched_process_exit events of the target's threads */
	__u32 wakes_by_target;		/* sched_waking(watcher), current in the target tgid */
	__u32 wakes_by_target_before_exit;
	__u32 wakes_by_reaper;		/* sched_waking(watcher), current == reaper thread */
	__u32 wakes_by_reaper_before_exit;
	__u32 wakes_other;		/* sched_waking(watcher) from anyone else */
	__u32 target_waker_tid;		/* the target thread that woke the watcher */
	__u32 pad;
	/*
	 * At each wake by the target or the reaper after the exit: was the
	 * watched process's exit info (PIDFD_INFO_EXIT) already published?
	 * Read from its struct pid, whose address pid_obj is taken at the
	 * exit; "unknown" on a kernel without exit info (base 6.1).
	 */
	__u64 pid_obj;
	__u32 wakes_info_published;
	__u32 wakes_info_unpublished;
	__u32 wakes_info_unknown;
	__s32 info_at_exit;		/* at sched_process_exit: 1 published, 0 not, -1 unknown */
};

#endif
