/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Shared between test_pidref.bpf.c and tests/f6_pidfd_self.c: reference
 * counts of the calling task's struct pids and task_struct, sampled when
 * the target process makes the marker syscall.
 */
#ifndef EXITWATCH_TEST_PIDREF_H
#define EXITWATCH_TEST_PIDREF_H

/* getppid(2) on x86-64: cheap, takes no pid references of the caller */
#define PIDREF_MARKER_NR 110

struct pidref_sample {
	__u64 seq;		/* samples taken */
	__s32 thread_pid_refs;	/* current->thread_pid->count */
	__s32 tgid_pid_refs;	/* current->signal->pids[PIDTYPE_TGID]->count */
	__s32 task_usage;	/* current->usage */
	__s32 tid;		/* the thread that made the marker call */
};

#endif
