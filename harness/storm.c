// SPDX-License-Identifier: GPL-2.0
/*
 * storm.c - the first stage of a cell: create the children and kill them or
 * let them exit, round after round, as the cell's scenario says (burst and
 * heavy: a process group killed at once; churn: a fixed number in flight;
 * stagger: exits spread over a window; reuse: bursts with their pids
 * recycled at once).  Each child is recorded in cr->kids with its fork and
 * trigger stamps; the watcher thread (watcher.c) reports the deaths.
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include "cellrun.h"
#include "sweep.h"

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

static void vm_stacks(struct cellrun *cr, size_t n)
{
	if (!cr->opts->spawn_vm)
		return;
	ew_storm_free(cr);
	cr->vm_stacks = mmap(NULL, n * VM_STACK, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (cr->vm_stacks == MAP_FAILED)
		cr->vm_stacks = NULL;
	cr->vm_count = n;
	cr->vm_used = 0;
}

void ew_storm_free(struct cellrun *cr)
{
	if (cr->vm_stacks)
		munmap(cr->vm_stacks, cr->vm_count * VM_STACK);
	cr->vm_stacks = NULL;
}

static struct child *new_child(struct cellrun *cr)
{
	struct child *c;

	if (cr->nkids == cr->capkids) {
		size_t ncap = cr->capkids ? cr->capkids * 2 : 1024;
		struct child *nk = realloc(cr->kids, ncap * sizeof(*nk));

		if (!nk)
			return NULL;
		cr->kids = nk;
		cr->capkids = ncap;
	}
	c = &cr->kids[cr->nkids];
	memset(c, 0, sizeof(*c));
	return c;
}

/* the child by one of the three ways (--spawn); its pid, or -1 with errno */
static pid_t fork_child(struct cellrun *cr, int kind, int idx, int *pidfd)
{
	const struct watcher_ops *ops = cr->w.ops;
	int autoreap = !!(ops->flags & EW_CLONE_AUTOREAP);
	int want_pidfd = !!(ops->flags & EW_NEEDS_PIDFD);
	struct ew_clone_args a;
	pid_t pid;

	/*
	 * CLONE_AUTOREAP children are always forked here: the spawner's
	 * CLONE_PARENT is refused with CLONE_AUTOREAP (7.1's rule), and
	 * --spawn vm children share our memory.
	 */
	if (cr->opts->spawn_vm && kind != K_HEAVY && !autoreap) {
		pid = spawn_vm(cr, kind, idx, want_pidfd, pidfd);
		if (pid < 0 && errno == 0)
			errno = ENOMEM;
		return pid;
	}
	if (cr->sp.pid > 0 && !autoreap) {
		struct ew_spawn_req rq = { kind, idx, cr->cell->rss_mb, cr->opts->stagger_ms,
					   want_pidfd };

		return ew_spawner_child(&cr->sp, &rq, pidfd);
	}
	memset(&a, 0, sizeof(a));
	/*
	 * CLONE_FILES: the children share our fd table, so neither fork nor
	 * exit costs grow with the pidfds we hold for their siblings.
	 */
	a.flags = CLONE_FILES | (want_pidfd ? CLONE_PIDFD : 0);
	a.pidfd = (uint64_t)(uintptr_t)pidfd;
	a.exit_signal = SIGCHLD;
	if (autoreap) {
		a.flags |= CLONE_AUTOREAP;
		a.exit_signal = 0;
	}
	pid = sys_clone3(&a, sizeof(a));
	if (pid == 0)
		child_body(cr->shm, kind, idx, cr->cell->rss_mb, cr->opts->stagger_ms);
	return pid;
}

/* one child, recorded and handed to the watcher; its pid or -errno */
static int spawn(struct cellrun *cr, int kind, int round, pid_t pgid)
{
	int pidfd = -1, idx = (int)cr->nkids;
	struct child *c = new_child(cr);
	pid_t pid;

	if (!c)
		return -ENOMEM;
	c->t_fork0 = ew_now_ns();
	pid = fork_child(cr, kind, idx, &pidfd);
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
	if (cr->w.ops->add(&cr->w, pid, pidfd) < 0) {
		if (pidfd >= 0)
			close(pidfd);
	}
	return pid;
}

static void added(struct cellrun *cr)
{
	if (cr->w.ops->added)
		cr->w.ops->added(&cr->w);
}

static void wait_ready(struct cellrun *cr, int want)
{
	uint64_t deadline = ew_now_ns() + 30000000000ULL;

	while (atomic_load(&cr->shm->ready) < want && ew_now_ns() < deadline && !ew_interrupted)
		usleep(200);
}

/*
 * n children in a new process group, all ready to die: the group's id, or
 * -errno (-EINTR when interrupted before the first child)
 */
static pid_t spawn_group(struct cellrun *cr, int n, int kind, int round)
{
	size_t first = cr->nkids;
	pid_t pgid = 0;

	atomic_store(&cr->shm->ready, 0);
	for (int i = 0; i < n && !ew_interrupted; i++) {
		int r = spawn(cr, kind, round, pgid);

		if (r < 0)
			return r;
		if (!pgid)
			pgid = r;
	}
	if (!pgid)
		return -EINTR;
	if (cr->opts->debug)
		fprintf(stderr, "debug: forked %d in %.3f s\n", n,
			(ew_now_ns() - cr->kids[first].t_fork0) / 1e9);
	added(cr);
	wait_ready(cr, (int)(cr->nkids - first));
	if (cr->opts->debug)
		fprintf(stderr, "debug: ready after %.3f s\n",
			(ew_now_ns() - cr->kids[first].t_fork0) / 1e9);
	return pgid;
}

/* the trigger of kids[first..]: now, just before the kill */
static void trigger(struct cellrun *cr, size_t first)
{
	uint64_t t = ew_now_ns();
	int cpu1 = 1 + sched_getcpu();

	for (size_t i = first; i < cr->nkids; i++) {
		cr->kids[i].t_trigger = t;
		cr->kids[i].kill_cpu1 = cpu1;
	}
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

/*
 * burst, heavy, reuse: the whole group dies at once, by one kill() of the
 * process group; reuse (recycle_ms) then recycles their pids at once
 */
static int round_kill(struct cellrun *cr, int n, int kind, int round, int recycle_ms)
{
	size_t first = cr->nkids, base = ew_nlog_now(cr);
	pid_t pgid, rec = 0;
	int r;

	vm_stacks(cr, n);
	pgid = spawn_group(cr, n, kind, round);
	if (pgid < 0)
		return pgid;
	trigger(cr, first);
	if (kill(-pgid, SIGKILL) < 0)
		return -errno;
	if (cr->cell->kill_path == EW_KILL_MRELEASE)
		mrelease_round(cr->cell, cr->kids + first, cr->nkids - first);
	if (recycle_ms)
		rec = start_recycler(recycle_ms);
	r = ew_wait_notices(cr, base + (cr->nkids - first), recycle_ms ? 2000 : 3000);
	if (rec > 0) {
		kill(rec, SIGKILL);
		waitpid(rec, NULL, __WCLONE);
	}
	return r;
}

/* churn: children that exit by themselves, n in flight, for ms */
static int round_churn(struct cellrun *cr, int n, int ms)
{
	uint64_t end = ew_now_ns() + (uint64_t)ms * 1000000ULL;
	size_t base = ew_nlog_now(cr), first = cr->nkids;
	int r;

	vm_stacks(cr, 4 * (size_t)n + 64);
	while (ew_now_ns() < end && !ew_interrupted) {
		size_t inflight = (cr->nkids - first) - (ew_nlog_now(cr) - base);

		if (inflight >= (size_t)n) {
			if (ew_wait_inflight(cr, first, base, n, end))
				break;
			continue;
		}
		r = spawn(cr, K_EXIT, 0, -1);
		if (r < 0)
			return r;
		added(cr);
	}
	return ew_wait_notices(cr, base + (cr->nkids - first), 3000);
}

/* stagger: n children released at once, each exits at its own moment of the window */
static int round_stagger(struct cellrun *cr, int n, int round)
{
	size_t first = cr->nkids, base = ew_nlog_now(cr);
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
	added(cr);
	wait_ready(cr, (int)(cr->nkids - first));
	atomic_store(&cr->shm->t0, ew_now_ns() + 1000000ULL);
	cr->shm->go = 1;
	futex(&cr->shm->go, FUTEX_WAKE, INT_MAX);
	return ew_wait_notices(cr, base + (cr->nkids - first), 3000 + cr->opts->stagger_ms);
}

#define PID_MAX "/proc/sys/kernel/pid_max"

/* pid_max lowered for the reuse rounds (unless EXITWATCH_KEEP_PID_MAX); the old value in old */
static void lower_pid_max(const struct ew_opts *o, char *old, int len)
{
	FILE *f = fopen(PID_MAX, "r");

	old[0] = 0;
	if (f) {
		if (!fgets(old, len, f))
			old[0] = 0;
		fclose(f);
	}
	f = o->keep_pid_max ? NULL : fopen(PID_MAX, "w");
	if (f) {
		fprintf(f, "%d\n", o->reuse_pid_max);
		fclose(f);
	}
}

static void restore_pid_max(const struct ew_opts *o, const char *old)
{
	FILE *f;

	if (!old[0] || o->keep_pid_max)
		return;
	f = fopen(PID_MAX, "w");
	if (f) {
		fputs(old, f);
		fclose(f);
	}
}

static int storm_reuse(struct cellrun *cr)
{
	struct ew_cell *c = cr->cell;
	char old[32];
	int r = 0;

	lower_pid_max(cr->opts, old, sizeof(old));
	for (int i = 0; i < 3 && !ew_interrupted && r >= 0; i++) {
		size_t kids0 = cr->nkids;

		r = round_kill(cr, c->n, K_PAUSE, i, 500);
		if (r == -ETIMEDOUT)
			r = 0;
		if (r < 0 && r != -EINTR)
			break;	/* a fork failed: this round has no notices to wait for */
		c->rounds++;
		ew_records_sweep(cr, kids0, 30);
	}
	restore_pid_max(cr->opts, old);
	return r;
}

/* burst, heavy: rounds until min_exits (heavy: heavy_rounds), at most max_rounds */
static int storm_bursts(struct cellrun *cr)
{
	struct ew_cell *c = cr->cell;
	const struct ew_opts *o = cr->opts;
	int heavy = c->scenario == EW_SC_HEAVY;
	int rounds = heavy ? o->heavy_rounds : (o->min_exits + c->n - 1) / c->n;
	int r = 0;

	if (rounds > o->max_rounds)
		rounds = o->max_rounds;
	if (rounds < 1)
		rounds = 1;
	for (int i = 0; i < rounds && !ew_interrupted && !r; i++) {
		size_t kids0 = cr->nkids;

		r = round_kill(cr, c->n, heavy ? K_HEAVY : K_PAUSE, i, 0);
		c->rounds++;
		ew_records_settle(cr, kids0);
	}
	return r;
}

int ew_storm(struct cellrun *cr)
{
	struct ew_cell *c = cr->cell;
	int r = 0;

	cr->t_start = ew_now_ns();
	switch (c->scenario) {
	case EW_SC_BURST:
	case EW_SC_HEAVY:
		r = storm_bursts(cr);
		break;
	case EW_SC_REUSE:
		r = storm_reuse(cr);
		break;
	case EW_SC_CHURN:
		r = round_churn(cr, c->n, cr->opts->churn_ms);
		c->rounds = 1;
		break;
	case EW_SC_STAGGER:
		r = round_stagger(cr, c->n, 0);
		c->rounds = 1;
		break;
	}
	cr->t_end = ew_now_ns();
	return r;
}

void ew_storm_kill(struct cellrun *cr)
{
	for (size_t i = 0; i < cr->nkids; i++) {
		kill(cr->kids[i].pid, SIGKILL);
		if (cr->kids[i].mr_fd >= 0)
			close(cr->kids[i].mr_fd);
	}
}
