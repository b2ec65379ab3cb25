/* SPDX-License-Identifier: GPL-2.0 */
/*
 * cellrun.h - the state of one repetition of one cell, shared by the stages
 * that fill it in order: the storm (storm.c) creates and kills children and
 * appends them to kids[]; the watcher thread (watcher.c) appends notices to
 * log[]; the BPF records (records.c) are appended to evs[]; the join
 * (join.c) matches the three and fills the cell's counts and latency
 * samples; cell.c drives the whole and frees it.  Internal to `exitwatch run`.
 */
#ifndef EXITWATCH_CELLRUN_H
#define EXITWATCH_CELLRUN_H

#include <sched.h>
#include <stdatomic.h>
#include "run.h"
#include "child.h"
#include "spawner.h"

/* one storm child, from its creation to its notice and BPF record */
struct child {
	pid_t pid;
	int round;
	uint64_t t_fork0, t_fork1, t_trigger;
	int kill_cpu1;		/* 1 + the CPU the storm called kill() on, 0 none */
	int expect_status;
	int mr_fd;		/* sigkill+mrelease: our own pidfd of the child, -1 none */
	int mr_ret;		/* process_mrelease(): 0 or -errno */
	uint64_t t_mrelease;	/* when it returned, 0 not called */
	int notice;		/* index into the notice log, -1 none */
	int event;		/* index into the events, -1 none */
	int next;		/* hash chain */
};

struct cellrun {
	struct ew_cell *cell;
	const struct ew_opts *opts;
	struct watcher w;
	struct ew_tracer *tracer;
	struct ew_shm *shm;
	/* children */
	struct child *kids;
	size_t nkids, capkids;
	/* notices, written by the watcher thread */
	struct ew_notice *log;
	size_t caplog;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	size_t nlog;		/* under lock */
	atomic_int stop;
	pthread_t thread;
	pid_t watcher_tid;
	int watcher_err;
	uint64_t watcher_cpu;
	/* BPF records */
	struct ew_event *evs;
	size_t nevs, capevs;
	size_t swept;		/* of which taken from the map, not the ring */
	/* every latency sample of the cell, over all repetitions (EW_L_NR) */
	struct ew_samples *acc;
	int inject_delay_us;	/* EXITWATCH_INJECT_DELAY_US for this mechanism */
	struct ew_spawner sp;	/* default spawn path (spawner.h); sp.pid 0: fork ourselves */
	/* --spawn vm: stacks of the children of one round */
	char *vm_stacks;
	size_t vm_count, vm_used;
	uint64_t t_start, t_end;	/* the storm's first and last moment */
};

/* storm.c: the rounds of the cell's scenario; 0, or -errno of a failed fork */
int ew_storm(struct cellrun *cr);
/* storm.c: SIGKILL to every child (the unnoticed are still alive); close mrelease pidfds */
void ew_storm_kill(struct cellrun *cr);
/* storm.c: unmap --spawn vm stacks */
void ew_storm_free(struct cellrun *cr);

/* watcher.c: start the watcher thread; returns when its tid is known */
void ew_watcher_start(struct cellrun *cr);
/* watcher.c: stop and join it; blocking mechanisms are woken by SIGUSR1 */
void ew_watcher_stop(struct cellrun *cr);
/* watcher.c: until `want` notices were logged; 0, -ETIMEDOUT after quiet_ms without one, -EINTR */
int ew_wait_notices(struct cellrun *cr, size_t want, int quiet_ms);
/* watcher.c: the number of notices logged so far */
size_t ew_nlog_now(struct cellrun *cr);
/* watcher.c: wait until fewer than n children of kids[first..] are unnoticed (churn) */
int ew_wait_inflight(struct cellrun *cr, size_t first, size_t base, int n, uint64_t end);

/* records.c: take the records of kids[first..] (ring, then the map) */
void ew_records_sweep(struct cellrun *cr, size_t first, int drain_ms);
/* records.c: the idle gap between burst rounds, then ew_records_sweep() */
void ew_records_settle(struct cellrun *cr, size_t first);

/* join.c: notices and records to children; the cell's counts and latency samples */
void ew_join(struct cellrun *cr);

/* REALTIME now + ms, for pthread_cond_timedwait() and pthread_timedjoin_np() */
static inline struct timespec ew_deadline_ms(long ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += ms * 1000000L;
	ts.tv_sec += ts.tv_nsec / 1000000000L;
	ts.tv_nsec %= 1000000000L;
	return ts;
}

#endif
