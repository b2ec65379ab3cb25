// SPDX-License-Identifier: GPL-2.0
/*
 * run.c - `exitwatch run`: scenarios x mechanisms.  For each cell a watcher
 * thread runs the mechanism while this (the storm) thread creates children
 * and kills them or lets them exit; notices and BPF records are joined per
 * child afterwards, summarised, and written as JSON (harness/SCHEMA.md).
 */
#include <limits.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <linux/futex.h>
#include "run.h"
#include "json.h"
#include "child.h"
#include "spawner.h"
#include "reference.h"
#include "sweep.h"
#include "load.h"
#include "neutral.h"

volatile sig_atomic_t ew_interrupted;

static const char *const scenario_names[EW_SC_NR] = {
	"burst", "churn", "stagger", "heavy", "reuse",
};
static const char *const lat_names[EW_L_NR] = {
	"trigger_to_user", "exit_to_user", "exit_to_wake", "wake_to_run", "run_to_user",
	"signal_to_begin", "begin_to_exit", "mm_teardown", "exit_to_reap",
	"exit_to_freed", "trigger_to_freed", "trigger_to_mrelease",
};
static const char *const stage_names[EW_S_NR] = {
	"exit_to_mm_start", "mm_teardown", "mm_end_to_notify", "notify_to_wake",
	"wake_to_run", "run_to_user",
};

const char *ew_scenario_name(int sc) { return sc >= 0 && sc < EW_SC_NR ? scenario_names[sc] : "?"; }
const char *ew_lat_name(int l) { return l >= 0 && l < EW_L_NR ? lat_names[l] : "?"; }
const char *ew_stage_name(int s) { return s >= 0 && s < EW_S_NR ? stage_names[s] : "?"; }

static const char *const rep_metric_names[EW_R_NR] = {
	"exits_per_s", "watcher_cpu_ns_per_exit", "syscalls_per_exit",
	"trigger_to_user_p50_ns", "trigger_to_user_p99_ns", "exit_to_user_p50_ns",
	"exit_to_user_p99_ns", "exit_to_wake_p50_ns",
};

const char *ew_rep_metric_name(int m) { return m >= 0 && m < EW_R_NR ? rep_metric_names[m] : "?"; }

int ew_scenario_find(const char *name)
{
	for (int i = 0; i < EW_SC_NR; i++)
		if (!strcmp(scenario_names[i], name))
			return i;
	return -1;
}

void ew_opts_default(struct ew_opts *o)
{
	memset(o, 0, sizeof(*o));
	for (int i = 0; i < ew_nmechanisms; i++)
		o->mechs[o->nmechs++] = ew_mechanisms[i];
	o->scenarios[o->nscen++] = EW_SC_BURST;
	o->gap_ms = 0;
	o->ns[o->nn++] = 1;
	o->ns[o->nn++] = 10;
	o->ns[o->nn++] = 100;
	o->loads[o->nloads++] = 0;
	o->min_exits = 300;
	o->max_rounds = 300;
	o->churn_ms = 1000;
	o->churn_n = 10;
	o->stagger_ms = 500;
	o->stagger_n = 500;
	o->heavy_mbs[o->nheavy_mb++] = 64;
	o->heavy_n = 8;
	o->neutral_exits = 50;
	o->heavy_rounds = 2;
	o->interval_us = 1000;
	o->perturb_rounds = 24;
	o->perturb_ms = 100;
	o->reuse_pid_max = 1000;
	o->out = "-";
	o->reps = 1;
}

/* ---- the stage split (shared with the tests) ---- */

void ew_stage_split(const struct ew_event *ev, uint64_t t_user, uint64_t out[EW_S_NR])
{
	static const int ends[EW_S_NR - 1] = {
		EW_T_MM_START, EW_T_MM_END, EW_T_NOTIFY, EW_T_WAKE, EW_T_RUN,
	};
	uint64_t prev = ev->t[EW_T_EXIT];

	memset(out, 0, sizeof(uint64_t) * EW_S_NR);
	/* a stage whose end stamp is missing or out of order folds into the next */
	for (int s = 0; s < EW_S_NR - 1; s++) {
		uint64_t b = ev->t[ends[s]];

		if (b && b >= prev && b <= t_user) {
			out[s] = b - prev;
			prev = b;
		}
	}
	out[EW_S_RUN_TO_USER] = t_user - prev;
}

struct child {
	pid_t pid;
	int round;
	uint64_t t_fork0, t_fork1, t_trigger;
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
};

/* --spawn vm: the child shares our memory, runs on its own small stack */
#define VM_STACK (16 * 1024)

struct vm_arg {
	struct ew_shm *shm;
	int kind, idx, heavy_mb, stagger_ms;
};

static int vm_child(void *p)
{
	struct vm_arg *a = p;

	child_body(a->shm, a->kind, a->idx, a->heavy_mb, a->stagger_ms);
}

static pid_t spawn_vm(struct cellrun *cr, int kind, int idx, int want_pidfd, int *pidfd)
{
	char *stack;
	struct vm_arg *a;

	if (!cr->vm_stacks || !cr->vm_count)
		return -ENOMEM;
	/* churn reuses stacks as a ring: at most n children are alive */
	stack = cr->vm_stacks + (size_t)(cr->vm_used++ % cr->vm_count) * VM_STACK;
	/* the argument lives at the bottom of the child's own stack area */
	a = (struct vm_arg *)stack;
	a->shm = cr->shm;
	a->kind = kind;
	a->idx = idx;
	a->heavy_mb = cr->cell->rss_mb;
	a->stagger_ms = cr->opts->stagger_ms;
	return clone(vm_child, stack + VM_STACK, CLONE_VM | CLONE_FILES | SIGCHLD |
		     (want_pidfd ? CLONE_PIDFD : 0), a, pidfd);
}

static int spawn(struct cellrun *cr, int kind, int round, pid_t pgid)
{
	const struct watcher_ops *ops = cr->w.ops;
	struct ew_clone_args a;
	int pidfd = -1, idx = (int)cr->nkids;
	int autoreap = !!(ops->flags & EW_CLONE_AUTOREAP);
	struct child *c;
	pid_t pid;

	if (cr->nkids == cr->capkids) {
		size_t ncap = cr->capkids ? cr->capkids * 2 : 1024;
		struct child *nk = realloc(cr->kids, ncap * sizeof(*nk));

		if (!nk)
			return -ENOMEM;
		cr->kids = nk;
		cr->capkids = ncap;
	}
	c = &cr->kids[cr->nkids];
	memset(c, 0, sizeof(*c));
	memset(&a, 0, sizeof(a));
	/*
	 * CLONE_FILES: the children share our fd table, so neither fork nor
	 * exit costs grow with the pidfds we hold for their siblings.
	 */
	a.flags = CLONE_FILES | ((ops->flags & EW_NEEDS_PIDFD) ? CLONE_PIDFD : 0);
	a.pidfd = (uint64_t)(uintptr_t)&pidfd;
	a.exit_signal = SIGCHLD;
	if (autoreap) {
		a.flags |= CLONE_AUTOREAP;
		a.exit_signal = 0;
	}
	c->t_fork0 = ew_now_ns();
	/*
	 * CLONE_AUTOREAP children are always forked here: the spawner's
	 * CLONE_PARENT is refused with CLONE_AUTOREAP (7.1's rule), and
	 * --spawn vm children share our memory.
	 */
	if (cr->opts->spawn_vm && kind != K_HEAVY && !autoreap) {
		pid = spawn_vm(cr, kind, idx, !!(ops->flags & EW_NEEDS_PIDFD), &pidfd);
		if (pid < 0 && errno == 0)
			errno = ENOMEM;
	} else if (cr->sp.pid > 0 && !autoreap) {
		struct ew_spawn_req rq = { kind, idx, cr->cell->rss_mb, cr->opts->stagger_ms,
					   !!(ops->flags & EW_NEEDS_PIDFD) };

		pid = ew_spawner_child(&cr->sp, &rq, &pidfd);
	} else {
		pid = sys_clone3(&a, sizeof(a));
		if (pid == 0)
			child_body(cr->shm, kind, idx, cr->cell->rss_mb, cr->opts->stagger_ms);
	}
	c->t_fork1 = ew_now_ns();
	if (pid < 0)
		return -errno;
	c->pid = pid;
	c->round = round;
	c->notice = -1;
	c->event = -1;
	c->mr_fd = -1;
	if (cr->cell->kill_path == EW_KILL_MRELEASE)
		c->mr_fd = pidfd >= 0 ? fcntl(pidfd, F_DUPFD_CLOEXEC, 3) : sys_pidfd_open(pid, 0);
	c->expect_status = (kind == K_PAUSE || kind == K_HEAVY) ? SIGKILL : (1 + idx % 100) << 8;
	cr->nkids++;
	if (pgid >= 0)
		setpgid(pid, pgid ? pgid : pid);
	if (ops->add(&cr->w, pid, pidfd) < 0) {
		if (pidfd >= 0)
			close(pidfd);
	}
	return pid;
}

/* ---- the watcher thread ---- */

static void on_usr1(int sig)
{
}

static void *watcher_main(void *arg)
{
	struct cellrun *cr = arg;
	struct ew_notice buf[256];
	uint64_t c0;

	cr->watcher_tid = gettid();
	pthread_mutex_lock(&cr->lock);
	pthread_cond_broadcast(&cr->cond);
	pthread_mutex_unlock(&cr->lock);
	c0 = ew_thread_cpu_ns();
	while (!atomic_load(&cr->stop)) {
		int n = cr->w.ops->wait(&cr->w, buf, 256, 100);

		if (n < 0) {
			cr->watcher_err = n;
			break;
		}
		if (!n)
			continue;
		/*
		 * EXITWATCH_INJECT_DELAY_US: a deliberately slow watcher, for
		 * testing the regression gate.  Busy-wait after each notice and
		 * only then take its user-side stamp, so each notice of a batch
		 * is later than the one before, as with real per-notice work.
		 */
		for (int i = 0; i < n && cr->inject_delay_us; i++) {
			uint64_t until = ew_now_ns() + (uint64_t)cr->inject_delay_us * 1000ULL;

			while (ew_now_ns() < until)
				;
			buf[i].t_user = ew_now_ns();
		}
		pthread_mutex_lock(&cr->lock);
		for (int i = 0; i < n && cr->nlog < cr->caplog; i++)
			cr->log[cr->nlog++] = buf[i];
		pthread_cond_broadcast(&cr->cond);
		pthread_mutex_unlock(&cr->lock);
	}
	cr->watcher_cpu = ew_thread_cpu_ns() - c0;
	return NULL;
}

/* wait until the watcher logged `want` notices; 0, or -ETIMEDOUT after quiet_ms of no progress */
static int wait_notices(struct cellrun *cr, size_t want, int quiet_ms)
{
	size_t last = (size_t)-1;
	uint64_t last_t = ew_now_ns();
	int ret = 0;

	pthread_mutex_lock(&cr->lock);
	while (cr->nlog < want) {
		struct timespec ts;

		if (cr->nlog != last) {
			last = cr->nlog;
			last_t = ew_now_ns();
		} else if (ew_now_ns() - last_t > (uint64_t)quiet_ms * 1000000ULL || cr->watcher_err) {
			ret = -ETIMEDOUT;
			break;
		}
		if (ew_interrupted && ew_now_ns() - last_t > 200000000ULL) {
			ret = -EINTR;
			break;
		}
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 50 * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&cr->cond, &cr->lock, &ts);
	}
	pthread_mutex_unlock(&cr->lock);
	return ret;
}

static size_t nlog_now(struct cellrun *cr)
{
	size_t n;

	pthread_mutex_lock(&cr->lock);
	n = cr->nlog;
	pthread_mutex_unlock(&cr->lock);
	return n;
}

static int collect_ev(void *ctx, const struct ew_event *ev)
{
	struct cellrun *cr = ctx;

	if (cr->nevs == cr->capevs) {
		size_t ncap = cr->capevs ? cr->capevs * 2 : 1024;
		struct ew_event *ne = realloc(cr->evs, ncap * sizeof(*ne));

		if (!ne)
			return 0;
		cr->evs = ne;
		cr->capevs = ncap;
	}
	cr->evs[cr->nevs++] = *ev;
	return 0;
}

/* records leave at sched_process_free (after an RCU grace period): wait for them */
static void drain_events(struct cellrun *cr, size_t want_total, int max_ms)
{
	uint64_t deadline = ew_now_ns() + (uint64_t)max_ms * 1000000ULL;

	if (!cr->tracer)
		return;
	while (cr->nevs < want_total && ew_now_ns() < deadline)
		ew_tracer_poll(cr->tracer, 20, collect_ev, cr);
	ew_tracer_poll(cr->tracer, 0, collect_ev, cr);
}

/*
 * after a short drain, take the records of children still missing one
 * straight from the map (their sched_process_free may be seconds away)
 */
static void sweep_events_after(struct cellrun *cr, size_t first, int drain_ms)
{
	struct ew_event ev;

	if (!cr->tracer)
		return;
	drain_events(cr, cr->nevs + (cr->nkids - first), drain_ms);
	for (size_t i = first; i < cr->nkids; i++) {
		int have = 0;

		for (size_t e = cr->nevs; e-- > 0 && !have;)
			have = cr->evs[e].tgid == (__u32)cr->kids[i].pid &&
			       cr->evs[e].t[EW_T_FORK] >= cr->kids[i].t_fork0;
		if (have || ew_tracer_take(cr->tracer, cr->kids[i].pid, &ev))
			continue;
		if (ev.t[EW_T_FORK] && ev.t[EW_T_FORK] < cr->kids[i].t_fork0)
			continue;
		collect_ev(cr, &ev);
		cr->swept++;
	}
	/* records that left the map for the ring while we looked */
	ew_tracer_poll(cr->tracer, 0, collect_ev, cr);
}

static void sweep_events(struct cellrun *cr, size_t first)
{
	sweep_events_after(cr, first, 30);
}

/*
 * between burst rounds: the same idle gap (--gap-ms, default 0) with the
 * tracer and without it, records drained meanwhile; then the round's
 * records still in the BPF map are taken from it (records_from_map) rather
 * than waited for.  Waiting for them (sched_process_free, after an RCU grace
 * period) left the CPUs idle longer before each kill with the tracer on,
 * which alone raised trigger->user from 45 to 80 us here (issue 17).
 */
static void settle(struct cellrun *cr, size_t first)
{
	uint64_t until = ew_now_ns() + (uint64_t)cr->opts->gap_ms * 1000000ULL, now;

	while ((now = ew_now_ns()) < until && !ew_interrupted) {
		int ms = (int)((until - now + 999999) / 1000000);

		if (cr->tracer)
			ew_tracer_poll(cr->tracer, ms, collect_ev, cr);
		else
			usleep((useconds_t)((until - now) / 1000));
	}
	sweep_events_after(cr, first, 0);
}

static void wait_ready(struct cellrun *cr, int want)
{
	uint64_t deadline = ew_now_ns() + 30000000000ULL;

	while (atomic_load(&cr->shm->ready) < want && ew_now_ns() < deadline && !ew_interrupted)
		usleep(200);
}

/* ---- one round of each scenario ---- */

static void vm_stacks(struct cellrun *cr, size_t n)
{
	if (!cr->opts->spawn_vm)
		return;
	if (cr->vm_stacks)
		munmap(cr->vm_stacks, cr->vm_count * VM_STACK);
	cr->vm_stacks = mmap(NULL, n * VM_STACK, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (cr->vm_stacks == MAP_FAILED)
		cr->vm_stacks = NULL;
	cr->vm_count = n;
	cr->vm_used = 0;
}

/*
 * sigkill+mrelease (issue 17): right after the kill, reap each victim's
 * address space in our own context, as Android's lmkd does
 */
static void mrelease_round(struct ew_cell *cell, struct child *kids, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (kids[i].mr_fd < 0)
			continue;
		kids[i].mr_ret = sys_process_mrelease(kids[i].mr_fd, 0) ? -errno : 0;
		kids[i].t_mrelease = ew_now_ns();
		cell->mrelease_calls++;
		if (!kids[i].mr_ret)
			cell->mrelease_ok++;
		else
			cell->mrelease_errno = -kids[i].mr_ret;
		close(kids[i].mr_fd);
		kids[i].mr_fd = -1;
	}
}

static int round_kill(struct cellrun *cr, int n, int kind, int round)
{
	size_t first = cr->nkids, base = nlog_now(cr);
	pid_t pgid = 0;
	uint64_t t;
	int r;

	vm_stacks(cr, n);

	atomic_store(&cr->shm->ready, 0);
	for (int i = 0; i < n && !ew_interrupted; i++) {
		r = spawn(cr, kind, round, pgid);
		if (r < 0)
			return r;
		if (!pgid)
			pgid = r;
	}
	if (getenv("EXITWATCH_DEBUG"))
		fprintf(stderr, "debug: forked %d in %.3f s\n", n, (ew_now_ns() - cr->kids[first].t_fork0) / 1e9);
	if (cr->w.ops->added)
		cr->w.ops->added(&cr->w);
	wait_ready(cr, (int)(cr->nkids - first));
	t = ew_now_ns();
	if (getenv("EXITWATCH_DEBUG"))
		fprintf(stderr, "debug: ready after %.3f s\n", (t - cr->kids[first].t_fork0) / 1e9);
	for (size_t i = first; i < cr->nkids; i++)
		cr->kids[i].t_trigger = t;
	/* the whole burst dies at once: one kill() of the process group */
	if (kill(-pgid, SIGKILL) < 0)
		return -errno;
	if (cr->cell->kill_path == EW_KILL_MRELEASE)
		mrelease_round(cr->cell, cr->kids + first, cr->nkids - first);
	return wait_notices(cr, base + (cr->nkids - first), 3000);
}

static int round_churn(struct cellrun *cr, int n, int ms)
{
	uint64_t end = ew_now_ns() + (uint64_t)ms * 1000000ULL;
	size_t base = nlog_now(cr), first = cr->nkids;
	int r;

	vm_stacks(cr, 4 * (size_t)n + 64);
	while (ew_now_ns() < end && !ew_interrupted) {
		size_t inflight = (cr->nkids - first) - (nlog_now(cr) - base);

		if (inflight >= (size_t)n) {
			pthread_mutex_lock(&cr->lock);
			while ((cr->nkids - first) - (cr->nlog - base) >= (size_t)n && !cr->watcher_err) {
				struct timespec ts;

				clock_gettime(CLOCK_REALTIME, &ts);
				ts.tv_nsec += 20000000L;
				if (ts.tv_nsec >= 1000000000L) {
					ts.tv_sec++;
					ts.tv_nsec -= 1000000000L;
				}
				if (pthread_cond_timedwait(&cr->cond, &cr->lock, &ts) == ETIMEDOUT &&
				    ew_now_ns() > end + 3000000000ULL)
					break;
			}
			pthread_mutex_unlock(&cr->lock);
			if (cr->watcher_err)
				break;
			continue;
		}
		r = spawn(cr, K_EXIT, 0, -1);
		if (r < 0)
			return r;
		if (cr->w.ops->added)
			cr->w.ops->added(&cr->w);
	}
	return wait_notices(cr, base + (cr->nkids - first), 3000);
}

static int round_stagger(struct cellrun *cr, int n, int round)
{
	size_t first = cr->nkids, base = nlog_now(cr);
	int r;

	vm_stacks(cr, n);
	atomic_store(&cr->shm->ready, 0);
	atomic_store(&cr->shm->t0, 0);
	cr->shm->go = 0;
	for (int i = 0; i < n && !ew_interrupted; i++) {
		r = spawn(cr, K_STAGGER, round, -1);
		if (r < 0)
			return r;
	}
	if (cr->w.ops->added)
		cr->w.ops->added(&cr->w);
	wait_ready(cr, (int)(cr->nkids - first));
	atomic_store(&cr->shm->t0, ew_now_ns() + 1000000ULL);
	cr->shm->go = 1;
	futex(&cr->shm->go, FUTEX_WAKE, INT_MAX);
	return wait_notices(cr, base + (cr->nkids - first), 3000 + cr->opts->stagger_ms);
}

/*
 * reuse: a helper process (not our child's sibling in wait terms: it reaps
 * its own) forks and reaps short-lived fillers for ms, so that with a low
 * pid_max the pids of the children just killed come back to life.
 */
static pid_t start_recycler(int ms)
{
	/*
	 * exit_signal 0: a "clone child", which waitid(P_ALL, WEXITED) and
	 * waitpid(-1) skip without __WCLONE, so the waitid mechanisms do not
	 * reap it and count a notice for a process that is not a storm child
	 */
	struct ew_clone_args a = { 0 };
	pid_t pid = sys_clone3(&a, sizeof(a));

	if (pid == 0) {
		uint64_t end = ew_now_ns() + (uint64_t)ms * 1000000ULL;
		struct sigaction dfl = { .sa_handler = SIG_DFL };

		sigaction(SIGCHLD, &dfl, NULL);
		/*
		 * the clone copied our fd table: its copies of the children's
		 * pidfds would keep their files open after the watcher closes
		 * them, and epoll drops a registration only when the file is
		 * released, so pidfd-epoll would see closed fds fire again
		 * (thousands of duplicate notices, waitid on reused fd numbers)
		 */
		close_range(3, ~0U, 0);
		while (ew_now_ns() < end) {
			pid_t f = fork();

			if (f == 0)
				_exit(0);
			if (f > 0)
				waitpid(f, NULL, 0);
		}
		_exit(0);
	}
	return pid;
}

/* ---- joining and statistics ---- */

#define HBITS 16
static void join(struct cellrun *cr)
{
	struct ew_cell *c = cr->cell;
	int *head = malloc(sizeof(int) << HBITS);
	struct ew_samples lat[EW_L_NR];
	long double stage_sum[EW_S_NR] = { 0 }, e2u_sum = 0;
	size_t i;

	memset(lat, 0, sizeof(lat));
	if (!head)
		return;
	for (i = 0; i < (1u << HBITS); i++)
		head[i] = -1;
	for (i = 0; i < cr->nkids; i++) {
		uint32_t h = hash32(cr->kids[i].pid) & ((1u << HBITS) - 1);

		cr->kids[i].next = head[h];
		head[h] = (int)i;
	}
	/* notices -> children: the newest child with that pid forked before the notice */
	for (i = 0; i < cr->nlog; i++) {
		const struct ew_notice *n = &cr->log[i];
		int best = -1;

		for (int k = head[hash32(n->pid) & ((1u << HBITS) - 1)]; k >= 0; k = cr->kids[k].next) {
			struct child *ch = &cr->kids[k];

			if (ch->pid != n->pid || ch->t_fork0 > n->t_user)
				continue;
			if (best < 0 || ch->t_fork0 > cr->kids[best].t_fork0)
				best = k;
		}
		if (best < 0) {
			if (!(cr->w.ops->flags & EW_SYSTEM_WIDE))
				c->false_notices++;
			continue;
		}
		if (cr->kids[best].notice >= 0) {
			c->duplicates++;
			continue;
		}
		cr->kids[best].notice = (int)i;
	}
	/* BPF records -> children: same pid, forked within the child's clone3 */
	for (i = 0; i < cr->nevs; i++) {
		const struct ew_event *ev = &cr->evs[i];

		for (int k = head[hash32(ev->tgid) & ((1u << HBITS) - 1)]; k >= 0; k = cr->kids[k].next) {
			struct child *ch = &cr->kids[k];

			if (ch->pid != (pid_t)ev->tgid || ch->event >= 0)
				continue;
			if (ev->t[EW_T_FORK] && (ev->t[EW_T_FORK] < ch->t_fork0 || ev->t[EW_T_FORK] > ch->t_fork1))
				continue;
			ch->event = (int)i;
			break;
		}
	}
	for (i = 0; i < cr->nkids; i++) {
		struct child *ch = &cr->kids[i];
		const struct ew_notice *n = ch->notice >= 0 ? &cr->log[ch->notice] : NULL;
		const struct ew_event *ev = ch->event >= 0 ? &cr->evs[ch->event] : NULL;

		c->exits++;
		if (cr->tracer) {
			if (ev)
				c->bpf_records++;
			else
				c->bpf_missing++;
			if (!ev && getenv("EXITWATCH_DEBUG")) {
				fprintf(stderr, "debug: no record for pid %d round %d (child %zu of %zu)\n",
					ch->pid, ch->round, i, cr->nkids);
				for (size_t e = 0; e < cr->nevs; e++)
					if (cr->evs[e].tgid == (__u32)ch->pid)
						fprintf(stderr, "debug:   event tgid %u fork %llu vs [%llu,%llu] exit %llu\n",
							cr->evs[e].tgid, (unsigned long long)cr->evs[e].t[EW_T_FORK],
							(unsigned long long)ch->t_fork0, (unsigned long long)ch->t_fork1,
							(unsigned long long)cr->evs[e].t[EW_T_EXIT]);
			}
		}
		if (!n) {
			c->missed++;
			continue;
		}
		c->noticed++;
		c->statuses_expected++;
		if (n->has_status && n->status == ch->expect_status)
			c->statuses_recovered++;
		if (ch->t_trigger && n->t_user >= ch->t_trigger)
			ew_samples_add(&lat[EW_L_TRIGGER_TO_USER], n->t_user - ch->t_trigger);
		if (!ev)
			continue;
		if (ev->t[EW_T_EXIT] && n->t_user < ev->t[EW_T_EXIT]) {
			/* declared dead before it died */
			c->false_notices++;
			continue;
		}
		if (ev->t[EW_T_EXIT]) {
			uint64_t st[EW_S_NR];
			struct ew_event split = *ev;

			/*
			 * a poller is woken by its timer, which may fire in an
			 * interrupt while the exiting child is current: no wake
			 */
			if (cr->w.ops->flags & EW_POLLS) {
				if (split.t[EW_T_NOTIFY] == split.t[EW_T_WAKE])
					split.t[EW_T_NOTIFY] = 0;
				split.t[EW_T_WAKE] = split.t[EW_T_RUN] = 0;
			}
			ew_samples_add(&lat[EW_L_EXIT_TO_USER], n->t_user - ev->t[EW_T_EXIT]);
			ew_stage_split(&split, n->t_user, st);
			for (int s = 0; s < EW_S_NR; s++)
				stage_sum[s] += st[s];
			e2u_sum += n->t_user - ev->t[EW_T_EXIT];
			c->stage_count++;
		}
		if (ev->t[EW_T_WAKE] && !(cr->w.ops->flags & EW_POLLS)) {
			c->woken++;
			ew_samples_add(&lat[EW_L_EXIT_TO_WAKE], ev->t[EW_T_WAKE] - ev->t[EW_T_EXIT]);
			if (ev->t[EW_T_RUN] >= ev->t[EW_T_WAKE]) {
				ew_samples_add(&lat[EW_L_WAKE_TO_RUN], ev->t[EW_T_RUN] - ev->t[EW_T_WAKE]);
				if (n->t_user >= ev->t[EW_T_RUN])
					ew_samples_add(&lat[EW_L_RUN_TO_USER], n->t_user - ev->t[EW_T_RUN]);
			}
		}
		if (ev->t[EW_T_SIGNAL] && ev->t[EW_T_BEGIN] >= ev->t[EW_T_SIGNAL])
			ew_samples_add(&lat[EW_L_SIGNAL_TO_BEGIN], ev->t[EW_T_BEGIN] - ev->t[EW_T_SIGNAL]);
		if (ev->t[EW_T_BEGIN] && ev->t[EW_T_EXIT] >= ev->t[EW_T_BEGIN])
			ew_samples_add(&lat[EW_L_BEGIN_TO_EXIT], ev->t[EW_T_EXIT] - ev->t[EW_T_BEGIN]);
		if (ev->t[EW_T_MM_START] && ev->t[EW_T_MM_END] >= ev->t[EW_T_MM_START])
			ew_samples_add(&lat[EW_L_MM_TEARDOWN], ev->t[EW_T_MM_END] - ev->t[EW_T_MM_START]);
		if (ev->t[EW_T_REAP] && ev->t[EW_T_EXIT] && ev->t[EW_T_REAP] >= ev->t[EW_T_EXIT])
			ew_samples_add(&lat[EW_L_EXIT_TO_REAP], ev->t[EW_T_REAP] - ev->t[EW_T_EXIT]);
		if (c->scenario == EW_SC_HEAVY)
			ew_freed_samples(ev, ch->t_trigger, ch->t_mrelease, lat);
	}
	c->cdf_metric = lat[EW_L_EXIT_TO_USER].n ? EW_L_EXIT_TO_USER : EW_L_TRIGGER_TO_USER;
	for (int l = 0; l < EW_L_NR; l++) {
		c->lat[l] = ew_summarize(&lat[l]);
		if (l == c->cdf_metric)
			for (int q = 0; q < EW_CDF_POINTS; q++)
				c->cdf_ns[q] = ew_percentile_sorted(lat[l].v, lat[l].n, q / 100.0);
		for (size_t k = 0; cr->acc && k < lat[l].n; k++)
			ew_samples_add(&cr->acc[l], lat[l].v[k]);
		ew_samples_free(&lat[l]);
	}
	if (c->stage_count) {
		for (int s = 0; s < EW_S_NR; s++)
			c->stage_mean_ns[s] = (double)(stage_sum[s] / c->stage_count);
		c->stage_exit_to_user_mean_ns = (double)(e2u_sum / c->stage_count);
	}
	free(head);
}

/* ---- one cell: (scenario, N, load, mechanism) ---- */

static pid_t spawn_plain(int busy)
{
	pid_t pid = fork();

	if (pid == 0) {
		if (busy)
			for (volatile unsigned long x = 0;; x++)
				;
		for (;;)
			pause();
	}
	return pid;
}

/*
 * the optional BPF programs a cell of this scenario needs: the end of
 * exit_mmap (memory freed) in the heavy cells only; exit_group entry only
 * where children exit by themselves (churn, stagger): killed ones start
 * exiting at SIGKILL delivery, and sys_enter runs on every system call
 */
void ew_cell_programs(struct ew_tracer *tracer, int scenario)
{
	if (!tracer)
		return;
	ew_tracer_optional(tracer, EW_OPT_EXIT_MMAP, scenario == EW_SC_HEAVY);
	ew_tracer_optional(tracer, EW_OPT_SYS_ENTER, scenario == EW_SC_CHURN || scenario == EW_SC_STAGGER);
	/* the stage stamps: only in the neutrality pass's stamped blocks (neutral.c) */
	ew_tracer_optional(tracer, EW_OPT_STAGES, 0);
}

/* the default spawn path: ew-spawner for this cell; on failure fork ourselves, and say so */
static int spawner_failed;

static void start_spawner(struct cellrun *cr, int shm_fd)
{
	char why[PATH_MAX + 64];

	cr->sp.pid = 0;
	if (cr->opts->spawn_vm || cr->opts->spawn_self || spawner_failed)
		return;
	if (ew_spawner_start(&cr->sp, shm_fd, why, sizeof(why)) < 0) {
		spawner_failed = 1;
		fprintf(stderr, "exitwatch: no spawner (%s): children are forked by exitwatch itself\n", why);
	}
}

/* one repetition of a cell into c; its latency samples are appended to acc */
int ew_run_cell(const struct ew_opts *o, struct ew_cell *c, struct ew_tracer *tracer,
		struct ew_shm *shm, int shm_fd, struct ew_samples *acc)
{
	struct cellrun cr;
	pthread_t th;
	pid_t sentinel, load[8];
	int nload = 0, r = 0, ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	struct sigaction ign = { .sa_handler = SIG_IGN }, dfl = { .sa_handler = SIG_DFL };
	uint64_t drops0 = 0, full0 = 0, t_start, t_end;
	char why[200];

	memset(&cr, 0, sizeof(cr));
	cr.cell = c;
	cr.opts = o;
	cr.shm = shm;
	cr.tracer = tracer;
	cr.acc = acc;
	if (!o->inject_mech || o->inject_mech == c->ops)
		cr.inject_delay_us = o->inject_delay_us;
	cr.w.ops = c->ops;
	cr.w.interval_us = o->interval_us;
	cr.w.capacity = c->n > 16 ? c->n : 16;
	if (c->ops->probe(why, sizeof(why))) {
		c->skipped = 1;
		snprintf(c->reason, sizeof(c->reason), "%s", why);
		return 0;
	}
	if (c->scenario == EW_SC_REUSE && !o->guest) {
		c->skipped = 1;
		snprintf(c->reason, sizeof(c->reason), "%s",
			 "reuse needs pid_max lowered, a system-wide setting: it runs only inside the guest VM (--guest)");
		return 0;
	}
	cr.caplog = c->scenario == EW_SC_CHURN ? 400000 : (size_t)c->n * (size_t)o->max_rounds + 1024;
	if (c->scenario == EW_SC_BURST && cr.caplog > (size_t)o->min_exits + (size_t)c->n * 2 + 1024)
		cr.caplog = (size_t)o->min_exits + (size_t)c->n * 2 + 1024;
	cr.log = calloc(cr.caplog, sizeof(*cr.log));
	if (!cr.log)
		return -ENOMEM;
	pthread_mutex_init(&cr.lock, NULL);
	pthread_cond_init(&cr.cond, NULL);
	r = c->ops->init(&cr.w);
	if (r) {
		c->skipped = 1;
		snprintf(c->reason, sizeof(c->reason), "init failed: %s", strerror(-r));
		free(cr.log);
		return 0;
	}
	if (c->ops->flags & EW_AUTOREAP)
		sigaction(SIGCHLD, &ign, NULL);
	/* waitid(P_ALL) blocks rather than failing with ECHILD while this lives */
	sentinel = spawn_plain(0);
	start_spawner(&cr, shm_fd);
	if (c->load)
		for (nload = 0; nload < ncpu && nload < 8; nload++)
			load[nload] = spawn_plain(1);
	if (tracer) {
		ew_tracer_reset_hists(tracer);
		ew_tracer_clear_watchers(tracer);
		drops0 = ew_tracer_counter(tracer, EW_C_RB_DROPS);
		full0 = ew_tracer_counter(tracer, EW_C_MAP_FULL);
		ew_tracer_poll(tracer, 0, NULL, NULL);	/* forget stale records */
	}
	pthread_mutex_lock(&cr.lock);
	pthread_create(&th, NULL, watcher_main, &cr);
	while (!cr.watcher_tid)
		pthread_cond_wait(&cr.cond, &cr.lock);
	pthread_mutex_unlock(&cr.lock);
	if (tracer)
		ew_tracer_add_watcher(tracer, cr.watcher_tid);

	t_start = ew_now_ns();
	switch (c->scenario) {
	case EW_SC_BURST:
	case EW_SC_HEAVY: {
		int rounds = c->scenario == EW_SC_HEAVY ? o->heavy_rounds
							: (o->min_exits + c->n - 1) / c->n;

		if (rounds > o->max_rounds)
			rounds = o->max_rounds;
		if (rounds < 1)
			rounds = 1;
		for (int i = 0; i < rounds && !ew_interrupted && !r; i++) {
			uint64_t t0 = ew_now_ns();
			size_t kids0 = cr.nkids;

			r = round_kill(&cr, c->n, c->scenario == EW_SC_HEAVY ? K_HEAVY : K_PAUSE, i);
			c->rounds++;
			(void)t0;
			settle(&cr, kids0);
		}
		break;
	}
	case EW_SC_REUSE: {
		char old[32] = "";
		FILE *f = fopen("/proc/sys/kernel/pid_max", "r");

		if (f) {
			if (!fgets(old, sizeof(old), f))
				old[0] = 0;
			fclose(f);
		}
		f = getenv("EXITWATCH_KEEP_PID_MAX") ? NULL : fopen("/proc/sys/kernel/pid_max", "w");
		if (f) {
			fprintf(f, "%d\n", o->reuse_pid_max);
			fclose(f);
		}
		for (int i = 0; i < 3 && !ew_interrupted && r >= 0; i++) {
			size_t kids0 = cr.nkids;
			pid_t rec;

			vm_stacks(&cr, c->n);
			r = 0;
			{
				/* like a burst, with pids recycled right after the kill */
				size_t first = cr.nkids, base = nlog_now(&cr);
				pid_t pgid = 0;
				uint64_t t;

				atomic_store(&cr.shm->ready, 0);
				for (int k = 0; k < c->n && r >= 0; k++) {
					r = spawn(&cr, K_PAUSE, i, pgid);
					if (r > 0 && !pgid)
						pgid = r;
				}
				if (r < 0)
					break;
				if (c->ops->added)
					c->ops->added(&cr.w);
				wait_ready(&cr, (int)(cr.nkids - first));
				t = ew_now_ns();
				for (size_t k = first; k < cr.nkids; k++)
					cr.kids[k].t_trigger = t;
				kill(-pgid, SIGKILL);
				rec = start_recycler(500);
				r = wait_notices(&cr, base + (cr.nkids - first), 2000);
				if (rec > 0) {
					kill(rec, SIGKILL);
					waitpid(rec, NULL, __WCLONE);
				}
			}
			c->rounds++;
			sweep_events(&cr, kids0);
			if (r == -ETIMEDOUT)
				r = 0;
		}
		if (old[0] && !getenv("EXITWATCH_KEEP_PID_MAX")) {
			f = fopen("/proc/sys/kernel/pid_max", "w");
			if (f) {
				fputs(old, f);
				fclose(f);
			}
		}
		break;
	}
	case EW_SC_CHURN:
		r = round_churn(&cr, c->n, o->churn_ms);
		c->rounds = 1;
		break;
	case EW_SC_STAGGER:
		r = round_stagger(&cr, c->n, 0);
		c->rounds = 1;
		break;
	}
	t_end = ew_now_ns();
	if (r == -ETIMEDOUT || r == -EINTR)
		r = 0;
	c->interrupted = !!ew_interrupted;

	/* stop the watcher; blocking mechanisms are interrupted by SIGUSR1 */
	atomic_store(&cr.stop, 1);
	for (;;) {
		struct timespec ts;

		pthread_kill(th, SIGUSR1);
		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += 20000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		if (pthread_timedjoin_np(th, NULL, &ts) == 0)
			break;
	}
	sweep_events(&cr, c->scenario == EW_SC_BURST || c->scenario == EW_SC_HEAVY ? cr.nkids : 0);

	/* children nobody noticed are still here: kill and reap them */
	for (size_t i = 0; i < cr.nkids; i++) {
		kill(cr.kids[i].pid, SIGKILL);
		if (cr.kids[i].mr_fd >= 0)
			close(cr.kids[i].mr_fd);
	}
	kill(sentinel, SIGKILL);
	ew_spawner_stop(&cr.sp);
	for (int i = 0; i < nload; i++)
		kill(load[i], SIGKILL);
	if (c->ops->flags & EW_AUTOREAP) {
		while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
			;
		sigaction(SIGCHLD, &dfl, NULL);
	} else {
		while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
			;
	}
	c->ops->fini(&cr.w);

	/* churn, stagger: the trigger is the child's own stamp before _exit() */
	if (c->scenario == EW_SC_CHURN || c->scenario == EW_SC_STAGGER)
		for (size_t i = cr.nkids > SHM_SLOTS ? cr.nkids - SHM_SLOTS : 0; i < cr.nkids; i++)
			cr.kids[i].t_trigger = shm->stamp[i % SHM_SLOTS];
	c->watcher_cpu_ns = cr.watcher_cpu;
	c->syscalls = cr.w.syscalls;
	c->add_syscalls = cr.w.add_syscalls;
	c->mech_lost = cr.w.lost_events;
	c->bpf_swept = cr.swept;
	join(&cr);
	if (cr.watcher_err) {
		snprintf(c->reason, sizeof(c->reason), "watcher error: %s", strerror(-cr.watcher_err));
	}
	/* exits per second: from the first trigger (or start) to the last notice */
	{
		uint64_t last = 0;

		for (size_t i = 0; i < cr.nlog; i++)
			if (cr.log[i].t_user > last)
				last = cr.log[i].t_user;
		if (c->scenario == EW_SC_BURST || c->scenario == EW_SC_HEAVY) {
			/* sum over rounds of (last notice - kill) */
			uint64_t span = 0;

			for (int rd = 0; rd < c->rounds; rd++) {
				uint64_t trig = 0, lu = 0;

				for (size_t i = 0; i < cr.nkids; i++) {
					struct child *ch = &cr.kids[i];

					if (ch->round != rd)
						continue;
					trig = ch->t_trigger;
					if (ch->notice >= 0 && cr.log[ch->notice].t_user > lu)
						lu = cr.log[ch->notice].t_user;
				}
				if (lu > trig && trig)
					span += lu - trig;
			}
			c->span_ns = span;
		} else {
			c->span_ns = last > t_start ? last - t_start : t_end - t_start;
		}
		c->exits_per_s = c->span_ns ? c->noticed / (c->span_ns / 1e9) : 0;
	}
	if (tracer) {
		c->rb_drops = ew_tracer_counter(tracer, EW_C_RB_DROPS) - drops0;
		c->map_full = ew_tracer_counter(tracer, EW_C_MAP_FULL) - full0;
		for (int h = 0; h < EW_H_NR; h++)
			ew_tracer_read_hist(tracer, h, &c->hist[h]);
		c->have_hist = 1;
	}
	free(cr.log);
	free(cr.kids);
	free(cr.evs);
	if (cr.vm_stacks)
		munmap(cr.vm_stacks, cr.vm_count * VM_STACK);
	pthread_mutex_destroy(&cr.lock);
	pthread_cond_destroy(&cr.cond);
	return r;
}

/* ---- repetitions: per-repetition figures, sums, and the summaries over all ---- */

struct cell_acc {
	struct ew_samples lat[EW_L_NR];
};

static double lat_or_nan(const struct ew_summary *s, int p99)
{
	if (!s->count)
		return NAN;
	return (double)(p99 ? s->p99 : s->p50);
}

/* add repetition r (one run_cell) to the cell c */
void ew_cell_merge(struct ew_cell *c, const struct ew_cell *r)
{
	int k = c->reps;

	if (k < EW_MAX_REPS) {
		double per = r->noticed ? 1.0 / r->noticed : NAN;

		c->rep[EW_R_EXITS_PER_S][k] = r->noticed ? r->exits_per_s : NAN;
		c->rep[EW_R_CPU_PER_EXIT][k] = r->watcher_cpu_ns * per;
		c->rep[EW_R_SYSCALLS_PER_EXIT][k] = (r->syscalls + r->add_syscalls) * per;
		c->rep[EW_R_T2U_P50][k] = lat_or_nan(&r->lat[EW_L_TRIGGER_TO_USER], 0);
		c->rep[EW_R_T2U_P99][k] = lat_or_nan(&r->lat[EW_L_TRIGGER_TO_USER], 1);
		c->rep[EW_R_E2U_P50][k] = lat_or_nan(&r->lat[EW_L_EXIT_TO_USER], 0);
		c->rep[EW_R_E2U_P99][k] = lat_or_nan(&r->lat[EW_L_EXIT_TO_USER], 1);
		c->rep[EW_R_E2W_P50][k] = lat_or_nan(&r->lat[EW_L_EXIT_TO_WAKE], 0);
	}
	c->reps++;
	c->rounds += r->rounds;
	c->exits += r->exits;
	c->noticed += r->noticed;
	c->missed += r->missed;
	c->false_notices += r->false_notices;
	c->duplicates += r->duplicates;
	c->bpf_records += r->bpf_records;
	c->bpf_swept += r->bpf_swept;
	c->bpf_missing += r->bpf_missing;
	c->rb_drops += r->rb_drops;
	c->map_full += r->map_full;
	c->statuses_expected += r->statuses_expected;
	c->statuses_recovered += r->statuses_recovered;
	c->watcher_cpu_ns += r->watcher_cpu_ns;
	c->syscalls += r->syscalls;
	c->add_syscalls += r->add_syscalls;
	c->mech_lost += r->mech_lost;
	c->span_ns += r->span_ns;
	c->woken += r->woken;
	/* stage means weighted by their sample counts; ew_cell_finish divides */
	for (int s = 0; s < EW_S_NR; s++)
		c->stage_mean_ns[s] += r->stage_mean_ns[s] * r->stage_count;
	c->stage_exit_to_user_mean_ns += r->stage_exit_to_user_mean_ns * r->stage_count;
	c->stage_count += r->stage_count;
	if (r->have_hist) {
		c->have_hist = 1;
		for (int h = 0; h < EW_H_NR; h++) {
			for (int s = 0; s < EW_HIST_SLOTS; s++)
				c->hist[h].slots[s] += r->hist[h].slots[s];
			c->hist[h].count += r->hist[h].count;
			c->hist[h].sum_ns += r->hist[h].sum_ns;
		}
	}
	c->interrupted |= r->interrupted;
	c->mrelease_calls += r->mrelease_calls;
	c->mrelease_ok += r->mrelease_ok;
	if (r->mrelease_errno)
		c->mrelease_errno = r->mrelease_errno;
	if (r->reason[0] && !c->reason[0])
		snprintf(c->reason, sizeof(c->reason), "%s", r->reason);
}

/* the summaries over all repetitions (acc: every latency sample of the cell) */
void ew_cell_finish(struct ew_cell *c, struct ew_samples *acc)
{
	if (!c->reps)
		return;
	c->exits_per_s = c->span_ns ? c->noticed / (c->span_ns / 1e9) : 0;
	if (c->stage_count) {
		for (int s = 0; s < EW_S_NR; s++)
			c->stage_mean_ns[s] /= c->stage_count;
		c->stage_exit_to_user_mean_ns /= c->stage_count;
	}
	c->cdf_metric = acc[EW_L_EXIT_TO_USER].n ? EW_L_EXIT_TO_USER : EW_L_TRIGGER_TO_USER;
	for (int l = 0; l < EW_L_NR; l++) {
		c->lat[l] = ew_summarize(&acc[l]);
		if (l == c->cdf_metric)
			for (int q = 0; q < EW_CDF_POINTS; q++)
				c->cdf_ns[q] = ew_percentile_sorted(acc[l].v, acc[l].n, q / 100.0);
	}
}

/* ---- JSON ---- */

static void json_summary(struct ew_json *j, const char *key, const struct ew_summary *s)
{
	ew_json_obj(j, key);
	ew_json_u64(j, "count", s->count);
	ew_json_u64(j, "min", s->min);
	ew_json_u64(j, "p50", s->p50);
	ew_json_u64(j, "p90", s->p90);
	ew_json_u64(j, "p99", s->p99);
	ew_json_u64(j, "p99_9", s->p999);
	ew_json_u64(j, "max", s->max);
	ew_json_dbl(j, "mean", s->mean);
	ew_json_end_obj(j);
}

void ew_cell_stages_json(struct ew_json *j, const struct ew_cell *c)
{
	double sum = 0;

	if (!c->stage_count)
		return;
	ew_json_obj(j, "stages_mean_ns");
	for (int s = 0; s < EW_S_NR; s++) {
		ew_json_dbl(j, ew_stage_name(s), c->stage_mean_ns[s]);
		sum += c->stage_mean_ns[s];
	}
	ew_json_end_obj(j);
	ew_json_u64(j, "stages_count", c->stage_count);
	ew_json_dbl(j, "stages_sum_mean_ns", sum);
	ew_json_dbl(j, "exit_to_user_mean_ns", c->stage_exit_to_user_mean_ns);
}

static void json_cell(struct ew_json *j, const struct ew_cell *c)
{
	double per = c->noticed ? 1.0 / c->noticed : NAN;

	ew_json_obj(j, NULL);
	ew_json_str(j, "scenario", ew_scenario_name(c->scenario));
	ew_json_u64(j, "n", c->n);
	ew_json_bool(j, "load", c->load);
	ew_json_str(j, "mechanism", c->ops->name);
	if (c->scenario == EW_SC_HEAVY) {
		ew_json_u64(j, "rss_mb", c->rss_mb);
		ew_json_str(j, "kill_path", ew_kill_path_name(c->kill_path));
	}
	ew_json_str(j, "status", c->skipped ? "skipped" : c->interrupted ? "interrupted" : "ok");
	if (c->skipped) {
		ew_json_str(j, "skip_reason", c->reason);
		ew_json_end_obj(j);
		return;
	}
	if (c->reason[0])
		ew_json_str(j, "error", c->reason);
	ew_json_u64(j, "repetitions", c->reps);
	ew_json_obj(j, "samples");
	for (int m = 0; m < EW_R_NR; m++) {
		ew_json_arr_inline(j, ew_rep_metric_name(m));
		for (int k = 0; k < c->reps && k < EW_MAX_REPS; k++)
			ew_json_dbl(j, NULL, c->rep[m][k]);
		ew_json_end_arr(j);
	}
	ew_json_end_obj(j);
	ew_json_u64(j, "rounds", c->rounds);
	ew_json_u64(j, "exits", c->exits);
	ew_json_u64(j, "count", c->noticed);
	ew_json_u64(j, "lost", c->bpf_missing + c->mech_lost);
	ew_json_obj(j, "detection_errors");
	ew_json_u64(j, "missed", c->missed);
	ew_json_u64(j, "false", c->false_notices);
	ew_json_u64(j, "duplicate", c->duplicates);
	ew_json_end_obj(j);
	ew_json_obj(j, "exit_status");
	ew_json_u64(j, "expected", c->statuses_expected);
	ew_json_u64(j, "recovered", c->statuses_recovered);
	ew_json_end_obj(j);
	ew_json_obj(j, "bpf");
	ew_json_u64(j, "records", c->bpf_records);
	ew_json_u64(j, "records_from_map", c->bpf_swept);
	ew_json_u64(j, "missing", c->bpf_missing);
	ew_json_u64(j, "ringbuf_drops", c->rb_drops);
	ew_json_u64(j, "map_full", c->map_full);
	ew_json_u64(j, "watcher_woken", c->woken);
	ew_json_end_obj(j);
	ew_json_u64(j, "mechanism_lost_events", c->mech_lost);
	if (c->kill_path == EW_KILL_MRELEASE) {
		ew_json_obj(j, "mrelease");
		ew_json_u64(j, "calls", c->mrelease_calls);
		ew_json_u64(j, "returned_0", c->mrelease_ok);
		ew_json_str(j, "last_error", c->mrelease_errno ? strerror(c->mrelease_errno) : "");
		ew_json_end_obj(j);
	}
	ew_json_dbl(j, "exits_per_s", c->exits_per_s);
	ew_json_u64(j, "watcher_cpu_ns", c->watcher_cpu_ns);
	ew_json_dbl(j, "watcher_cpu_ns_per_exit", c->watcher_cpu_ns * per);
	ew_json_dbl(j, "syscalls_per_exit", (c->syscalls + c->add_syscalls) * per);
	ew_json_dbl(j, "watcher_syscalls_per_exit", c->syscalls * per);
	ew_json_dbl(j, "storm_syscalls_per_exit", c->add_syscalls * per);
	ew_json_obj(j, "latency_ns");
	for (int l = 0; l < EW_L_NR; l++)
		if (c->lat[l].count)
			json_summary(j, ew_lat_name(l), &c->lat[l]);
	ew_json_end_obj(j);
	ew_cell_stages_json(j, c);
	ew_json_str(j, "cdf_metric", ew_lat_name(c->cdf_metric));
	ew_json_arr_inline(j, "cdf_ns");
	for (int q = 0; q < EW_CDF_POINTS; q++)
		ew_json_u64(j, NULL, c->cdf_ns[q]);
	ew_json_end_arr(j);
	if (c->have_hist) {
		ew_json_obj(j, "kernel_hist_log2_ns");
		for (int h = 0; h < EW_H_NR; h++) {
			int last = -1;

			for (int s = 0; s < EW_HIST_SLOTS; s++)
				if (c->hist[h].slots[s])
					last = s;
			ew_json_arr_inline(j, ew_hist_name(h));
			for (int s = 0; s <= last; s++)
				ew_json_u64(j, NULL, c->hist[h].slots[s]);
			ew_json_end_arr(j);
		}
		ew_json_end_obj(j);
	}
	ew_json_end_obj(j);
}

static void read_first_line(const char *path, const char *prefix, char *out, size_t len)
{
	FILE *f = fopen(path, "r");
	char line[512];

	out[0] = 0;
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (!prefix || !strncmp(line, prefix, strlen(prefix))) {
			char *p = prefix ? strchr(line, ':') : line;

			p = p ? p + (prefix ? 1 : 0) : line;
			while (*p == ' ' || *p == '\t')
				p++;
			p[strcspn(p, "\n")] = 0;
			snprintf(out, len, "%.250s", p);
			break;
		}
	}
	fclose(f);
}

static void json_machine(struct ew_json *j, const char *load_start, const char *load_end)
{
	struct utsname u;
	char buf[256];

	uname(&u);
	ew_json_obj(j, "machine");
	ew_json_str(j, "kernel_release", u.release);
	ew_json_str(j, "kernel_version", u.version);
	ew_json_str(j, "arch", u.machine);
	ew_json_str(j, "hostname", u.nodename);
	ew_json_u64(j, "cpus_online", sysconf(_SC_NPROCESSORS_ONLN));
	read_first_line("/proc/cpuinfo", "model name", buf, sizeof(buf));
	ew_json_str(j, "cpu_model", buf);
	ew_json_u64(j, "mem_total_mb", (uint64_t)sysconf(_SC_PHYS_PAGES) * sysconf(_SC_PAGESIZE) >> 20);
	read_first_line("/etc/debian_version", NULL, buf, sizeof(buf));
	ew_json_str(j, "debian_version", buf);
	read_first_line("/proc/sys/kernel/pid_max", NULL, buf, sizeof(buf));
	ew_json_str(j, "pid_max", buf);
	ew_json_str(j, "loadavg_start", load_start);
	ew_json_str(j, "loadavg_end", load_end);
	ew_json_end_obj(j);
}

static void json_load(struct ew_json *j, const struct ew_load *l)
{
	ew_json_obj(j, "load");
	ew_json_bool(j, "measured", l->before.ok && l->after.ok);
	ew_json_arr_inline(j, "loadavg_before");
	for (int i = 0; i < 3; i++)
		ew_json_dbl(j, NULL, l->before.loadavg[i]);
	ew_json_end_arr(j);
	ew_json_arr_inline(j, "loadavg_after");
	for (int i = 0; i < 3; i++)
		ew_json_dbl(j, NULL, l->after.loadavg[i]);
	ew_json_end_arr(j);
	ew_json_dbl(j, "before_busy_cpus", l->before_busy_cpus);
	ew_json_dbl(j, "before_steal_pct", l->before_steal_pct);
	ew_json_dbl(j, "steal_pct", l->steal_pct);
	ew_json_dbl(j, "others_cpus", l->others_cpus);
	ew_json_u64(j, "cpus", l->cpus);
	ew_json_bool(j, "busy", l->busy);
	ew_json_str(j, "verdict", l->verdict);
	ew_json_end_obj(j);
}

static const struct ew_cell *find_cell(const struct ew_cell *cells, int n, int sc, int nn, int load,
				       const char *mech)
{
	for (int i = 0; i < n; i++)
		if (cells[i].scenario == sc && (nn < 0 || cells[i].n == nn) && cells[i].load == load &&
		    !strcmp(cells[i].ops->name, mech) && !cells[i].skipped)
			return &cells[i];
	return NULL;
}

void ew_json_target(struct ew_json *j, const char *name, const char *target, double measured,
		    const char *unit, int met, const char *note)
{
	ew_json_obj(j, NULL);
	ew_json_str(j, "name", name);
	ew_json_str(j, "target", target);
	ew_json_dbl(j, "measured", measured);
	ew_json_str(j, "unit", unit);
	if (met < 0)
		ew_json_null(j, "met");
	else
		ew_json_bool(j, "met", met);
	ew_json_str(j, "note", note);
	ew_json_end_obj(j);
}

static uint64_t burst1_t2u_p50(const struct ew_cell *cells, int ncells, const char *mech)
{
	const struct ew_cell *c = find_cell(cells, ncells, EW_SC_BURST, 1, 0, mech);

	return c ? c->lat[EW_L_TRIGGER_TO_USER].p50 : 0;
}

static void json_targets(struct ew_json *j, const struct ew_cell *cells, int ncells,
			 const struct ew_floor *fl, int traced, struct ew_ref *ref, const struct ew_neutral *nt)
{
	const struct ew_cell *a, *b;
	char note[512];
	uint64_t lost = 0, missed = 0, drops = 0, cnt = 0;
	double worst = 0;

	ew_json_arr(j, "targets");
	/* 1. perturbation */
	if (fl->perturb_done) {
		snprintf(note, sizeof(note), "median over %d interleaved slice pairs (ABBA) of traced / untraced rate; "
			 "per-iteration medians: %.0f us untraced, %.0f us traced (ratio %.3f)", fl->perturb_n,
			 fl->iter_untraced.p50 / 1e3, fl->iter_traced.p50 / 1e3, fl->iter_ratio);
		ew_json_target(j, "observer_perturbation",
			    "fork+exit+reap rate with tracer >= 0.98 x without (interleaved)",
			    fl->perturb_ratio, "ratio", fl->perturb_ratio >= 0.98, note);
	}
	if (!fl->perturb_done)
		ew_json_target(j, "observer_perturbation",
			    "fork+exit+reap rate with tracer >= 0.98 x without (interleaved)", NAN,
			    "ratio", -1, fl->perturb_reason[0] ? fl->perturb_reason : "not measured");
	if (nt->measured)
		ew_neutral_target(j, nt);
	/* 2. nothing lost */
	for (int i = 0; i < ncells; i++) {
		if (cells[i].skipped)
			continue;
		lost += cells[i].bpf_missing + cells[i].mech_lost;
		missed += cells[i].missed;
		drops += cells[i].rb_drops;
		cnt += cells[i].exits;
	}
	snprintf(note, sizeof(note), "%llu storm exits; %llu missed by watchers, %llu without a BPF record, %llu ring-buffer drops%s",
		 (unsigned long long)cnt, (unsigned long long)missed, (unsigned long long)lost,
		 (unsigned long long)drops, traced ? "" : " (tracer off: BPF side not checked)");
	ew_json_target(j, "nothing_lost", "every storm exit accounted for; zero ring-buffer drops",
		    (double)(missed + lost + drops), "exits unaccounted + drops",
		    missed + lost + drops == 0 && traced ? 1 : (traced ? 0 : -1), note);
	/* 3. the floor */
	/* wake->run is stamped in the neutrality pass's stamped blocks, not in the cells */
	a = ew_neutral_stamped(nt, "pidfd-epoll");
	if (!a || !a->lat[EW_L_WAKE_TO_RUN].count)
		a = find_cell(cells, ncells, EW_SC_BURST, 1, 0, "pidfd-epoll");
	if (a && fl->done && a->lat[EW_L_WAKE_TO_RUN].count) {
		snprintf(note, sizeof(note), "pidfd-epoll wake->run p50 %.1f us (burst N=1, stage stamps) vs pipe ping-pong one-way p50 %.1f us",
			 a->lat[EW_L_WAKE_TO_RUN].p50 / 1e3, fl->pipe_one_way.p50 / 1e3);
		ew_json_target(j, "pidfd_wake_vs_floor", "report pidfd wake->run against the pipe wake-up floor",
			    (double)a->lat[EW_L_WAKE_TO_RUN].p50 / (double)(fl->pipe_one_way.p50 ? fl->pipe_one_way.p50 : 1),
			    "ratio of p50s", -1, note);
	} else {
		ew_json_target(j, "pidfd_wake_vs_floor", "report pidfd wake->run against the pipe wake-up floor",
			    NAN, "ratio of p50s", -1,
			    "needs burst N=1 pidfd-epoll with the stage stamps (--neutrality), and the floor");
	}
	b = find_cell(cells, ncells, EW_SC_CHURN, -1, 0, "pidfd-epoll");
	if (b && fl->done && fl->fork_exit_reap_per_s > 0) {
		double ratio = b->exits_per_s / fl->fork_exit_reap_per_s;

		snprintf(note, sizeof(note), "churn pidfd-epoll %.0f exits/s%s vs raw fork+exit+reap %.0f /s",
			 b->exits_per_s, traced ? " (tracing)" : " (tracer off)", fl->fork_exit_reap_per_s);
		ew_json_target(j, "storm_rate_vs_raw", ">= 0.8 of the raw fork+exit+reap rate while tracing",
			    ratio, "ratio", traced ? ratio >= 0.8 : -1, note);
	} else {
		ew_json_target(j, "storm_rate_vs_raw", ">= 0.8 of the raw fork+exit+reap rate while tracing",
			    NAN, "ratio", -1, "needs the churn scenario with pidfd-epoll, and the floor");
	}
	/* 4. scaling */
	a = find_cell(cells, ncells, EW_SC_BURST, 10, 0, "pidfd-epoll");
	b = find_cell(cells, ncells, EW_SC_BURST, 10000, 0, "pidfd-epoll");
	if (a && b && a->noticed && b->noticed) {
		double ca = (double)a->watcher_cpu_ns / a->noticed, cb = (double)b->watcher_cpu_ns / b->noticed;

		snprintf(note, sizeof(note), "watcher CPU per exit: %.2f us at N=10, %.2f us at N=10000", ca / 1e3, cb / 1e3);
		ew_json_target(j, "pidfd_epoll_scaling", "watcher CPU per exit at N=10,000 within 1.5x of N=10",
			    cb / ca, "ratio", cb / ca <= 1.5, note);
	} else {
		ew_json_target(j, "pidfd_epoll_scaling", "watcher CPU per exit at N=10,000 within 1.5x of N=10",
			    NAN, "ratio", -1, "needs burst N=10 and N=10000 with pidfd-epoll");
	}
	/* 5. stage sum */
	cnt = 0;
	for (int i = 0; i < ncells; i++) {
		const struct ew_cell *c = &cells[i];
		double sum = 0, err;

		if (c->skipped || !c->stage_count)
			continue;
		for (int s = 0; s < EW_S_NR; s++)
			sum += c->stage_mean_ns[s];
		err = fabs(sum - c->stage_exit_to_user_mean_ns) / (c->stage_exit_to_user_mean_ns ? c->stage_exit_to_user_mean_ns : 1);
		if (err > worst)
			worst = err;
		cnt++;
	}
	snprintf(note, sizeof(note), "worst relative difference over %llu cells: sum of stage means vs mean exit->user",
		 (unsigned long long)cnt);
	ew_json_target(j, "stage_sum", "stage breakdown of exit->user adds up to the end-to-end figure within 1%",
		    worst, "relative difference", cnt ? worst <= 0.01 : -1, note);
	/* 6. the independent reference */
	ew_ref_targets(j, ref, burst1_t2u_p50(cells, ncells, "pidfd-epoll"),
		       burst1_t2u_p50(cells, ncells, "waitid"));
	ew_json_end_arr(j);
}

static void loadavg(char *buf, size_t len)
{
	read_first_line("/proc/loadavg", NULL, buf, len);
}

int ew_run(struct ew_opts *o)
{
	int ncells = 0, maxcells, done = 0, ret = 0;
	struct cell_acc *accs;
	struct ew_cell *cells;
	struct ew_tracer *tracer = NULL;
	struct ew_tracer_info tinfo;
	struct ew_floor floor_;
	struct ew_ref ref = { 0 };
	struct ew_load_snap snap_idle, snap0, snap1;
	struct ew_load mload;
	struct ew_neutral neutral;
	struct ew_shm *shm;
	int shm_fd = -1;
	char why[512] = "", load0[128], load1[128];
	struct sigaction usr1 = { .sa_handler = on_usr1 };
	struct ew_json j;
	FILE *out;
	uint64_t t_begin = ew_now_ns();

	memset(&floor_, 0, sizeof(floor_));
	memset(&tinfo, 0, sizeof(tinfo));
	sigaction(SIGUSR1, &usr1, NULL);	/* no SA_RESTART: interrupts waits */
	loadavg(load0, sizeof(load0));
	/* half a second of doing nothing: what the others use (load.h) */
	ew_load_snap(&snap_idle);
	usleep(500000);
	ew_load_snap(&snap0);
	maxcells = o->nmechs * o->nloads * (o->nscen * (o->nn + 1)) + o->nloads * ew_heavy_cells_max(o);
	cells = calloc(maxcells, sizeof(*cells));
	shm = ew_shm_create(&shm_fd);
	if (!cells || !shm) {
		fprintf(stderr, "exitwatch: out of memory\n");
		return 1;
	}
	for (int s = 0; s < o->nscen; s++) {
		int sc = o->scenarios[s];
		int nlist = sc == EW_SC_BURST ? o->nn : 1;

		if (sc == EW_SC_HEAVY) {
			/* the victim-size sweep (sweep.c); load on is for bursts only with --load-sizes */
			for (int l = 0; l < o->nloads; l++)
				if (!o->loads[l] || !o->nload_ns)
					ew_heavy_cells(o, o->loads[l], cells, &ncells, maxcells);
			continue;
		}
		for (int k = 0; k < nlist; k++)
			for (int l = 0; l < o->nloads; l++)
				for (int m = 0; m < o->nmechs; m++) {
					struct ew_cell *c;
					int keep = 1;

					if (sc == EW_SC_BURST && o->nlarge && o->ns[k] > o->large_n) {
						keep = 0;
						for (int x = 0; x < o->nlarge; x++)
							keep |= o->large_mechs[x] == o->mechs[m];
					}
					/* with --load-sizes, load on is for those bursts only */
					if (sc != EW_SC_BURST && o->loads[l] && o->nload_ns)
						keep = 0;
					if (sc == EW_SC_BURST && o->loads[l] && o->nload_ns) {
						int in = 0;

						for (int x = 0; x < o->nload_ns; x++)
							in |= o->load_ns[x] == o->ns[k];
						keep &= in;
					}
					if (!keep)
						continue;
					c = &cells[ncells++];

					c->scenario = sc;
					c->load = o->loads[l];
					c->ops = o->mechs[m];
					c->n = sc == EW_SC_BURST ? o->ns[k] : sc == EW_SC_CHURN ? o->churn_n
					     : sc == EW_SC_STAGGER ? o->stagger_n : sc == EW_SC_HEAVY ? o->heavy_n : 100;
				}
	}
	if (!o->no_bpf) {
		ew_tracer_set_mm_stamps(o->mm_stamps);
		tracer = ew_tracer_open(getpid(), 1, why, sizeof(why));
		if (tracer && ew_tracer_attach(tracer)) {
			snprintf(why, sizeof(why), "BPF programs failed to attach: running without the tracer");
			ew_tracer_close(tracer);
			tracer = NULL;
		}
		if (tracer)
			ew_tracer_info(tracer, &tinfo);
		else
			fprintf(stderr, "exitwatch: %s\n", why);
	} else {
		snprintf(why, sizeof(why), "tracer disabled by --no-bpf");
	}
	if (tracer && !tinfo.stages_loaded)
		fprintf(stderr, "exitwatch: stage breakdown limited: %s\n", tinfo.stages_reason);

	if (!o->no_floor && !ew_interrupted) {
		fprintf(stderr, "exitwatch: measuring the floor (pipe ping-pong, fork+exit+reap, tracer perturbation)\n");
		/* the programs of the cells whose children exit by themselves, as fork+exit+reap's do */
		ew_cell_programs(tracer, EW_SC_CHURN);
		ew_measure_floor(&floor_, tracer, o);
	}
	if (tracer)
		ew_tracer_attach(tracer);
	memset(&neutral, 0, sizeof(neutral));
	if (o->neutral_pairs && !ew_interrupted) {
		fprintf(stderr, "exitwatch: observer neutrality: burst N=1, %d rounds of ABCCBA blocks of %d exits (A no tracer, B the cells' programs, C with the stage stamps)\n",
			o->neutral_pairs, o->neutral_exits);
		ew_neutrality(&neutral, o, tracer, shm, shm_fd, o->neutral_pairs, o->neutral_exits);
	}

	accs = calloc(ncells ? ncells : 1, sizeof(*accs));
	if (!accs) {
		fprintf(stderr, "exitwatch: out of memory\n");
		return 1;
	}
	/*
	 * --reps K: the whole matrix K times over, so that each cell's
	 * repetitions are spread over the run (drift in the machine's load
	 * spreads over all cells instead of biasing one)
	 */
	for (int rep = 0; rep < o->reps && !ew_interrupted; rep++) {
		for (int i = 0; i < ncells && !ew_interrupted; i++) {
			struct ew_cell *c = &cells[i];
			struct ew_cell *r;
			uint64_t t0 = ew_now_ns();

			if (c->skipped)
				continue;
			r = calloc(1, sizeof(*r));
			if (!r) {
				fprintf(stderr, "exitwatch: out of memory\n");
				break;
			}
			r->scenario = c->scenario;
			r->n = c->n;
			r->load = c->load;
			r->ops = c->ops;
			r->rss_mb = c->rss_mb;
			r->kill_path = c->kill_path;
			if (o->reps > 1)
				fprintf(stderr, "[%3d/%d rep %d/%d] ", i + 1, ncells, rep + 1, o->reps);
			else
				fprintf(stderr, "[%3d/%d] ", i + 1, ncells);
			fprintf(stderr, "%-7s N=%-5d load=%-3s %-13s ", ew_scenario_name(c->scenario),
				c->n, c->load ? "on" : "off", c->ops->name);
			if (c->scenario == EW_SC_HEAVY)
				fprintf(stderr, "%4d MB %-16s ", c->rss_mb, ew_kill_path_name(c->kill_path));
			fflush(stderr);
			if (!o->no_ref)
				ew_ref_slice(&ref, 10);	/* interleaved with the cells */
			ew_cell_programs(tracer, c->scenario);
			ret = ew_run_cell(o, r, tracer, shm, shm_fd, accs[i].lat);
			if (r->skipped) {
				c->skipped = 1;
				snprintf(c->reason, sizeof(c->reason), "%s", r->reason);
				fprintf(stderr, "skipped: %s\n", r->reason);
				free(r);
				continue;
			}
			ew_cell_merge(c, r);
			fprintf(stderr, "%6llu exits  p50 %8.1f us  p99 %9.1f us (%s)  missed %llu  %.1fs%s\n",
				(unsigned long long)r->exits, r->lat[r->cdf_metric].p50 / 1e3,
				r->lat[r->cdf_metric].p99 / 1e3, ew_lat_name(r->cdf_metric),
				(unsigned long long)r->missed, (ew_now_ns() - t0) / 1e9,
				r->reason[0] ? " (watcher error)" : "");
			free(r);
			if (ret) {
				fprintf(stderr, "exitwatch: cell failed: %s\n", strerror(-ret));
				ret = 0;
			}
		}
	}
	for (int i = 0; i < ncells; i++) {
		ew_cell_finish(&cells[i], accs[i].lat);
		if (cells[i].reps || cells[i].skipped)
			done++;
		for (int l = 0; l < EW_L_NR; l++)
			ew_samples_free(&accs[i].lat[l]);
	}
	free(accs);
	if (ew_interrupted)
		fprintf(stderr, "exitwatch: interrupted: writing the %d cells collected\n", done);
	loadavg(load1, sizeof(load1));
	ew_load_snap(&snap1);
	ew_load_judge(&mload, &snap_idle, &snap0, &snap1, (int)sysconf(_SC_NPROCESSORS_ONLN), sysconf(_SC_CLK_TCK));
	fprintf(stderr, "exitwatch: %s\n", mload.verdict);

	out = strcmp(o->out, "-") ? fopen(o->out, "w") : stdout;
	if (!out) {
		fprintf(stderr, "exitwatch: %s: %s\n", o->out, strerror(errno));
		return 1;
	}
	ew_json_init(&j, out);
	ew_json_obj(&j, NULL);
	ew_json_str(&j, "schema", "exitwatch-results/2");
	ew_json_obj(&j, "tool");
	ew_json_str(&j, "name", "exitwatch");
	ew_json_str(&j, "version", EW_VERSION);
	ew_json_str(&j, "command", o->argv_line);
	ew_json_u64(&j, "started_unix", (uint64_t)time(NULL) - (ew_now_ns() - t_begin) / 1000000000ULL);
	ew_json_dbl(&j, "duration_s", (ew_now_ns() - t_begin) / 1e9);
	ew_json_bool(&j, "interrupted", !!ew_interrupted);
	ew_json_str(&j, "note", o->note ? o->note : "");
	ew_json_end_obj(&j);
	json_machine(&j, load0, load1);
	json_load(&j, &mload);
	ew_json_obj(&j, "tracer");
	ew_json_bool(&j, "enabled", tracer != NULL);
	ew_json_str(&j, "reason", tracer ? "" : why);
	if (tracer) {
		ew_json_bool(&j, "stage_programs", tinfo.stages_loaded);
		ew_json_bool(&j, "mm_tracepoints", tinfo.mm_loaded);
		ew_json_str(&j, "stage_programs_reason", tinfo.stages_reason);
		ew_json_str(&j, "exit_tracepoint_placement", tinfo.exit_tp_layout);
		ew_json_i64(&j, "exit_tp_before_exit_mm", tinfo.exit_tp_before_mm);
		ew_json_u64(&j, "ringbuf_drops_total", ew_tracer_counter(tracer, EW_C_RB_DROPS));
		ew_json_u64(&j, "records_total", ew_tracer_counter(tracer, EW_C_EVENTS));
		ew_json_u64(&j, "map_full_total", ew_tracer_counter(tracer, EW_C_MAP_FULL));
	}
	ew_json_end_obj(&j);
	ew_json_obj(&j, "options");
	ew_json_u64(&j, "min_exits", o->min_exits);
	ew_json_u64(&j, "interval_us", o->interval_us);
	ew_json_u64(&j, "churn_ms", o->churn_ms);
	ew_json_u64(&j, "stagger_ms", o->stagger_ms);
	ew_json_arr_inline(&j, "heavy_mb");
	for (int k = 0; k < o->nheavy_mb; k++)
		ew_json_u64(&j, NULL, o->heavy_mbs[k]);
	ew_json_end_arr(&j);
	ew_json_u64(&j, "heavy_n", o->heavy_n);
	ew_json_u64(&j, "neutrality_pairs", o->neutral_pairs);
	ew_json_u64(&j, "heavy_rounds", o->heavy_rounds);
	ew_json_str(&j, "spawn", o->spawn_vm ? "vm" : o->spawn_self || spawner_failed ? "fork" : "spawner");
	ew_json_bool(&j, "mm_stamps", o->mm_stamps);
	ew_json_u64(&j, "gap_ms", (uint64_t)o->gap_ms);
	ew_json_u64(&j, "reps", o->reps);
	ew_json_u64(&j, "inject_delay_us", o->inject_delay_us);
	if (o->inject_delay_us && o->inject_mech)
		ew_json_str(&j, "inject_delay_mechanism", o->inject_mech->name);
	else
		ew_json_null(&j, "inject_delay_mechanism");
	ew_json_end_obj(&j);
	ew_json_obj(&j, "floor");
	ew_json_bool(&j, "measured", floor_.done);
	if (floor_.done) {
		json_summary(&j, "pipe_pingpong_one_way_ns", &floor_.pipe_one_way);
		ew_json_dbl(&j, "fork_exit_reap_per_s", floor_.fork_exit_reap_per_s);
		ew_json_u64(&j, "repetitions", floor_.reps);
		ew_json_obj(&j, "samples");
		ew_json_arr_inline(&j, "pipe_pingpong_one_way_ns");
		for (int k = 0; k < floor_.reps; k++)
			ew_json_dbl(&j, NULL, floor_.rep_pipe_p50[k]);
		ew_json_end_arr(&j);
		ew_json_arr_inline(&j, "fork_exit_reap_per_s");
		for (int k = 0; k < floor_.reps; k++)
			ew_json_dbl(&j, NULL, floor_.rep_fork_rate[k]);
		ew_json_end_arr(&j);
		ew_json_end_obj(&j);
	}
	ew_json_end_obj(&j);
	ew_ref_json(&j, &ref);
	ew_neutral_json(&j, &neutral);
	ew_json_obj(&j, "perturbation");
	ew_json_bool(&j, "measured", floor_.perturb_done);
	ew_json_str(&j, "reason", floor_.perturb_reason);
	if (floor_.perturb_done) {
		ew_json_u64(&j, "slice_ms", o->perturb_ms);
		ew_json_arr_inline(&j, "traced_per_s");
		for (int i = 0; i < floor_.perturb_n; i++)
			ew_json_dbl(&j, NULL, floor_.traced_per_s[i]);
		ew_json_end_arr(&j);
		ew_json_arr_inline(&j, "untraced_per_s");
		for (int i = 0; i < floor_.perturb_n; i++)
			ew_json_dbl(&j, NULL, floor_.untraced_per_s[i]);
		ew_json_end_arr(&j);
		ew_json_dbl(&j, "traced_median_per_s", floor_.traced_median);
		ew_json_dbl(&j, "untraced_median_per_s", floor_.untraced_median);
		ew_json_dbl(&j, "ratio_of_medians", floor_.ratio_of_medians);
		ew_json_dbl(&j, "ratio", floor_.perturb_ratio);
		json_summary(&j, "iteration_traced_ns", &floor_.iter_traced);
		json_summary(&j, "iteration_untraced_ns", &floor_.iter_untraced);
		ew_json_dbl(&j, "iteration_median_ratio", floor_.iter_ratio);
	}
	ew_json_end_obj(&j);
	ew_json_arr(&j, "mechanisms");
	for (int m = 0; m < o->nmechs; m++) {
		char r[256] = "";
		int skip = o->mechs[m]->probe(r, sizeof(r));

		ew_json_obj(&j, NULL);
		ew_json_str(&j, "name", o->mechs[m]->name);
		ew_json_str(&j, "how", o->mechs[m]->how);
		ew_json_bool(&j, "available", !skip);
		ew_json_str(&j, "skip_reason", skip ? r : "");
		ew_json_bool(&j, "parent_only", !!(o->mechs[m]->flags & EW_PARENT_ONLY));
		ew_json_bool(&j, "polls", !!(o->mechs[m]->flags & EW_POLLS));
		ew_json_bool(&j, "autoreaped_children", !!(o->mechs[m]->flags & EW_AUTOREAP));
		ew_json_end_obj(&j);
	}
	ew_json_end_arr(&j);
	ew_json_arr(&j, "runs");
	for (int i = 0; i < ncells; i++)
		if (cells[i].reps || cells[i].skipped)
			json_cell(&j, &cells[i]);
	ew_json_end_arr(&j);
	json_targets(&j, cells, ncells, &floor_, tracer != NULL, &ref, &neutral);
	ew_json_end_obj(&j);
	if (out != stdout)
		fclose(out);
	else
		fflush(out);
	ew_tracer_close(tracer);
	free(cells);
	munmap(shm, sizeof(*shm));
	ew_ref_free(&ref);
	ew_neutral_free(&neutral);
	close(shm_fd);
	return ew_interrupted ? 130 : 0;
}
