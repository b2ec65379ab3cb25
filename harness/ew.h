/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ew.h - exitwatch's harness: the watcher interface every mechanism
 * implements (one file each, mech_*.c), and the small helpers they share.
 *
 * Data flows one way, one repetition of a cell at a time (cell.c): storm
 * (storm.c) -> watchers (mech_*.c, in the thread of watcher.c) -> samples
 * (user stamps joined with the BPF records of tracer.c: records.c, join.c,
 * timeline.c) -> statistics (cellstats.c, stats.c) -> JSON (results.c with
 * the targets of targets.c, json.c) -> plots and report (report.c, reading
 * the JSON with jsonr.c).  run.c builds the matrix of cells and runs it.
 */
#ifndef EXITWATCH_EW_H
#define EXITWATCH_EW_H

#include <pthread.h>
#include <stdint.h>
#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include <time.h>
#include "pidfd_uapi.h"

#define EW_VERSION "0.5"

static inline uint64_t ew_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline uint64_t ew_thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* What a watcher learned about one death. */
struct ew_notice {
	pid_t pid;
	int status;		/* wait(2) status word, if has_status */
	int has_status;
	uint64_t t_user;	/* CLOCK_MONOTONIC when the watcher knew */
	int cpu1;		/* 1 + the CPU the watcher knew it on, 0 unknown */
};

/* mechanism properties */
enum {
	EW_NEEDS_PIDFD = 1 << 0,	/* the storm hands it a pidfd per child */
	EW_PARENT_ONLY = 1 << 1,	/* only the parent can use it */
	EW_AUTOREAP = 1 << 2,	/* someone else reaps: children are autoreaped */
	EW_POLLS = 1 << 3,	/* no wake-up: the watcher polls on a timer */
	EW_SYSTEM_WIDE = 1 << 4,	/* also reports deaths of processes not ours */
	/* children are clone3(CLONE_AUTOREAP) ones (F9): never zombies, no wait */
	EW_CLONE_AUTOREAP = 1 << 5,
};

struct watcher {
	const struct watcher_ops *ops;
	void *priv;
	int interval_us;	/* polling mechanisms */
	int capacity;		/* most children alive at once */
	uint64_t syscalls;	/* counted by the mechanism, in its own thread */
	uint64_t add_syscalls;	/* counted in add(), the storm's thread */
	uint64_t lost_events;	/* the mechanism said it lost events */
};

struct watcher_ops {
	const char *name;
	const char *how;
	unsigned int flags;
	/* 0: usable on this kernel; else fills why with the skip reason */
	int (*probe)(char *why, size_t len);
	int (*init)(struct watcher *w);
	/* storm thread; may race with wait() in the watcher thread */
	int (*add)(struct watcher *w, pid_t pid, int pidfd);
	/* storm thread, optional: a batch of add()s is complete */
	void (*added)(struct watcher *w);
	/* watcher thread: notices so far, 0 on timeout, -errno on error */
	int (*wait)(struct watcher *w, struct ew_notice *out, int max, int timeout_ms);
	void (*fini)(struct watcher *w);
};

extern const struct watcher_ops ew_pidfd_epoll_ops, ew_pidfd_poll_ops, ew_waitid_ops,
	ew_sigchld_scan_ops, ew_proc_poll_ops, ew_kill0_poll_ops, ew_cn_proc_ops,
	ew_uring_waitid_ops, ew_pidfd_info_ops, ew_autoreap_info_ops;

extern const struct watcher_ops *const ew_mechanisms[];
extern const int ew_nmechanisms;
const struct watcher_ops *ew_mechanism_find(const char *name);

/* a mutex-protected set of live pids, for the mechanisms that scan */
struct ew_pidset {
	pthread_mutex_t lock;
	pid_t *pids;
	int *fds;
	int n, cap;
};

int ew_pidset_init(struct ew_pidset *s, int cap);
int ew_pidset_add(struct ew_pidset *s, pid_t pid, int fd);
void ew_pidset_fini(struct ew_pidset *s);
/* copy the current members out (under the lock) */
int ew_pidset_snapshot(struct ew_pidset *s, pid_t *pids, int *fds, int max);
void ew_pidset_remove(struct ew_pidset *s, pid_t pid);

/* .probe of the pidfd mechanisms: pidfd_open() works here (5.3+) */
int ew_probe_pidfd_open(char *why, size_t len);

/*
 * The plumbing of the timer pollers (proc-poll, kill0-poll): a pid set in
 * w->priv sized for w->capacity, filled by .add, freed by .fini.
 */
int ew_pollset_init(struct watcher *w);
int ew_pollset_add(struct watcher *w, pid_t pid, int pidfd);
void ew_pollset_fini(struct watcher *w);

/*
 * the body of the polling mechanisms: check every pid in the set each
 * interval with dead(); returns notices, 0 after timeout_ms or a signal
 */
int ew_poll_scan(struct watcher *w, struct ew_pidset *set, int (*dead)(pid_t pid),
		 struct ew_notice *out, int max, int timeout_ms);

/* wait status word from a waitid() siginfo */
int ew_status_from_siginfo(const siginfo_t *si);

/* kernel version as major*1000 + minor */
int ew_kernel_version(void);

#endif
