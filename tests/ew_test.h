/* SPDX-License-Identifier: GPL-2.0 */
/*
 * ew_test.h - helpers shared by the KTAP tests (tests/f*_*.c).
 * Include after ktap.h and pidfd_uapi.h.  Everything here is static inline
 * or static; each test binary is one translation unit.
 *
 *   - /proc readers: task state, status fields, pending-signal masks
 *   - children that block until told to exit (pipes, no sleeps)
 *   - waiting until another task sleeps (polls /proc/<tid>/stat)
 *   - a clone3 wrapper that runs a function in the child (threads too)
 *   - the exec helper: a test binary re-executed with EW_EXEC_HELPER set
 *     becomes a tiny program that reports "running" and waits to be told
 *     to exit, so exec tests need no other program in the guest initramfs
 *   - feature probes that SKIP with the reason named
 */
#ifndef EXITWATCH_EW_TEST_H
#define EXITWATCH_EW_TEST_H

#include <ctype.h>
#include <grp.h>
#include <poll.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/epoll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#ifndef SYS_exit
#define SYS_exit __NR_exit
#endif

static inline pid_t ew_gettid(void)
{
	return syscall(SYS_gettid);
}

/* reads a small file into buf as a string: its length, or -1 */
static inline ssize_t ew_read_small(const char *path, char *buf, size_t size)
{
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, size - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	return n;
}

/* one-letter state from a /proc .../stat file, or 0 */
static inline char ew_stat_state(const char *path)
{
	char buf[512], *p;

	if (ew_read_small(path, buf, sizeof(buf)) < 0)
		return 0;
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* one-letter state of a task (pid or tid) from /proc/<id>/stat, or 0 */
static inline char ew_task_state(pid_t id)
{
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/stat", id);
	return ew_stat_state(path);
}

/* state of thread tid of process pid, from /proc/<pid>/task/<tid>/stat */
static inline char ew_thread_state(pid_t pid, pid_t tid)
{
	char path[80];

	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	return ew_stat_state(path);
}

/*
 * Wait (up to ~20 s) until task id is in one of the states of "states"
 * (e.g. "S", "Z", "ZX").  Returns 1 when reached, 0 on timeout or when
 * the task is gone (state 0, unless states contains '0').
 */
static inline int ew_wait_state(pid_t id, const char *states)
{
	int i;

	for (i = 0; i < 200000; i++) {
		char s = ew_task_state(id);

		if (s && strchr(states, s))
			return 1;
		if (!s)
			return strchr(states, '0') != NULL;
		usleep(100);
	}
	return 0;
}

/* a line "Name:\t..." of /proc/<pid>/status (pid 0: self), into buf */
static inline int ew_status_line(pid_t pid, const char *name, char *out, size_t outsz)
{
	char path[64], buf[8192], *p, *e;
	size_t len = strlen(name);

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/status", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/status");
	if (ew_read_small(path, buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; p && *p; p = e ? e + 1 : NULL) {
		e = strchr(p, '\n');
		if (!strncmp(p, name, len) && p[len] == ':') {
			p += len + 1;
			while (*p == '\t' || *p == ' ')
				p++;
			len = e ? (size_t)(e - p) : strlen(p);
			if (len >= outsz)
				len = outsz - 1;
			memcpy(out, p, len);
			out[len] = '\0';
			return 0;
		}
	}
	return -1;
}

/* up to n unsigned numbers of a status line; returns how many were read */
static inline int ew_status_nums(pid_t pid, const char *name, unsigned long long *v, int n)
{
	char line[512], *p, *end;
	int i = 0;

	if (ew_status_line(pid, name, line, sizeof(line)))
		return -1;
	for (p = line; i < n; p = end) {
		while (*p && isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		v[i] = strtoull(p, &end, 10);
		if (end == p)
			break;
		i++;
	}
	return i;
}

/* a hex signal mask (SigPnd, ShdPnd) of /proc/<pid>/task/<tid>/status */
static inline unsigned long long ew_sigmask_of(pid_t pid, pid_t tid, const char *name)
{
	char path[96], buf[8192], *p;
	size_t len = strlen(name);
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", pid, tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return ~0ULL;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return ~0ULL;
	buf[n] = '\0';
	for (p = buf; p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, len) && p[len] == ':')
			return strtoull(p + len + 1, NULL, 16);
	return ~0ULL;
}

#define EW_SIGBIT(sig) (1ULL << ((sig) - 1))

static inline short ew_poll(int fd, short events, int timeout_ms)
{
	struct pollfd pfd = { .fd = fd, .events = events };
	int n = poll(&pfd, 1, timeout_ms);

	if (n < 0)
		return -1;
	return n ? pfd.revents : 0;
}

#ifndef __NR_close_range
#define __NR_close_range 436
#endif

/*
 * In a child: close every fd but stdio and keep.  A blocked child must not
 * hold the write end of another child's go pipe, or closing that pipe
 * would not wake the other child.
 */
static inline void ew_close_all_but(int keep)
{
	if (keep > 3)
		syscall(__NR_close_range, 3, keep - 1, 0);
	syscall(__NR_close_range, keep + 1, ~0U, 0);
}

/*
 * A child (through clone3 with these flags and exit_signal) that exits
 * with "code" once *go_fd is written to or closed.  Returns its pid, or
 * -1 with errno; with CLONE_PIDFD, *pidfd is set.
 */
static inline pid_t ew_spawn_blocked_flags(int *pidfd, int *go_fd, int code, uint64_t flags,
					   int exit_signal)
{
	int p[2], err;
	pid_t pid;
	char c;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = ew_clone3_fork(flags, pidfd, exit_signal);
	if (pid < 0) {
		err = errno;
		close(p[0]);
		close(p[1]);
		errno = err;
		return -1;
	}
	if (pid == 0) {
		ew_close_all_but(p[0]);
		if (read(p[0], &c, 1) < 0)
			_exit(100);
		_exit(code);
	}
	close(p[0]);
	*go_fd = p[1];
	return pid;
}

/*
 * A child (through clone3 with CLONE_PIDFD) that exits with "code" once
 * *go_fd is written to or closed.  Returns its pid; *pidfd is set.
 */
static inline pid_t ew_spawn_blocked(int *pidfd, int *go_fd, int code)
{
	return ew_spawn_blocked_flags(pidfd, go_fd, code, CLONE_PIDFD, SIGCHLD);
}

/*
 * poll() fd until one of the bits of "want" shows (POLLHUP: a pidfd whose
 * task is reaped), at most timeout_ms in all; the last revents (0: timed out).
 */
static inline short ew_poll_until(int fd, short want, int timeout_ms)
{
	struct timespec t0, t;
	short rev = 0;
	int left = timeout_ms;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (left >= 0) {
		rev = ew_poll(fd, POLLIN, left);
		if (rev <= 0 || (rev & want))
			return rev;
		usleep(200);	/* IN without HUP yet: the reap is under way */
		clock_gettime(CLOCK_MONOTONIC, &t);
		left = timeout_ms - (int)((t.tv_sec - t0.tv_sec) * 1000 +
					  (t.tv_nsec - t0.tv_nsec) / 1000000);
	}
	return rev;
}

/* GET_INFO(EXIT) must report status, the wait(2) status word */
static inline void ew_expect_exit_info(int pidfd, int status)
{
	struct ew_pidfd_info info;

	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT));
	ASSERT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
	EXPECT_EQ(info.exit_code, status);
}


/* write one byte; ignore the result (the reader may be gone) */
static inline void ew_poke(int fd)
{
	char c = 'x';

	if (write(fd, &c, 1) < 0)
		return;
}

/* read one byte, 1 if got one, 0 on EOF, -1 on error */
static inline int ew_wait_byte(int fd)
{
	char c;
	ssize_t n;

	do
		n = read(fd, &c, 1);
	while (n < 0 && errno == EINTR);
	return n > 0 ? 1 : (int)n;
}

/* two close-on-exec pipes, a go and a ready one: 0, or -1 with none left open */
static inline int ew_pipe_pair(int g[2], int r[2])
{
	if (pipe2(g, O_CLOEXEC))
		return -1;
	if (pipe2(r, O_CLOEXEC)) {
		close(g[0]);
		close(g[1]);
		return -1;
	}
	return 0;
}

/*
 * A child (clone3 with CLONE_PIDFD, exit_signal SIGCHLD) that runs prep()
 * (unless NULL; a nonzero return ends it with code 100), then waits until
 * *go is written or closed and exits 0.  Returns once prep() has run: the
 * pid, or -1 (the child is then gone or never was).
 */
static inline pid_t ew_spawn_ready(int *pidfd, int *go, int (*prep)(void))
{
	int g[2], r[2];
	pid_t pid;

	if (ew_pipe_pair(g, r))
		return -1;
	pid = ew_fork_pidfd(pidfd, 0, SIGCHLD);
	if (pid == 0) {
		close(g[1]);
		close(r[0]);
		if (prep && prep())
			_exit(100);
		ew_poke(r[1]);
		ew_wait_byte(g[0]);
		_exit(0);
	}
	close(g[0]);
	close(r[1]);
	if (pid > 0 && ew_wait_byte(r[0]) != 1) {
		waitpid(pid, NULL, 0);
		close(*pidfd);
		pid = -1;
	}
	close(r[0]);
	if (pid < 0)
		close(g[1]);
	else
		*go = g[1];
	return pid;
}

/*
 * clone3() that runs fn(arg) in the child and exits the child (SYS_exit:
 * only that thread) with fn's return value.  Works with CLONE_VM and a
 * stack (threads) and without (fork-like).  Returns the child's id in the
 * parent, -1 with errno on failure.  x86-64 only; elsewhere ENOSYS.
 */
static inline long ew_clone3_fn(struct ew_clone_args *args, int (*fn)(void *), void *arg)
{
#if defined(__x86_64__)
	register long rax asm("rax") = __NR_clone3;
	register void *rdi asm("rdi") = args;
	register long rsi asm("rsi") = sizeof(*args);
	register void *r12 asm("r12") = (void *)fn;
	register void *r13 asm("r13") = arg;

	asm volatile(
		"syscall\n\t"
		"test %%rax, %%rax\n\t"
		"jnz 1f\n\t"
		"xor %%ebp, %%ebp\n\t"
		"mov %%r13, %%rdi\n\t"
		"call *%%r12\n\t"
		"mov %%eax, %%edi\n\t"
		"mov $60, %%eax\n\t"
		"syscall\n\t"
		"hlt\n\t"
		"1:\n\t"
		: "+r"(rax)
		: "r"(rdi), "r"(rsi), "r"(r12), "r"(r13)
		: "rcx", "r11", "memory");
	if (rax < 0 && rax > -4096) {
		errno = -rax;
		return -1;
	}
	return rax;
#else
	errno = ENOSYS;
	return -1;
#endif
}

/* flags for a clone3 thread (CLONE_THREAD needs exit_signal 0) */
#define EW_THREAD_FLAGS (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | \
			 CLONE_THREAD | CLONE_SYSVSEM)

/* a thread stack for ew_clone3_fn, never freed (test processes are short) */
static inline void *ew_thread_stack(size_t size)
{
	void *s = mmap(NULL, size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);

	return s == MAP_FAILED ? NULL : s;
}

static int ew_fn_exit0(void *arg)
{
	return 0;
}

/*
 * A clone3 call that should be refused: clone3(flags, exit_signal) (with
 * CLONE_THREAD: a thread on its own stack; with CLONE_PIDFD: the pidfd
 * into *pidfd, which the caller sets to -1 first).  Returns the errno, or
 * 0 when a task was made after all: it exits at once and, unless the
 * kernel reaps it (a thread, CLONE_AUTOREAP), is reaped here; its pidfd
 * stays in *pidfd for the caller to see and close.
 */
static inline int ew_clone3_refused(uint64_t flags, int exit_signal, int *pidfd)
{
	struct ew_clone_args args;
	long ret;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.pidfd = (uint64_t)(uintptr_t)pidfd;
	args.exit_signal = exit_signal;
	if (flags & CLONE_THREAD) {
		args.stack = (uintptr_t)ew_thread_stack(1 << 16);
		args.stack_size = 1 << 16;
	}
	ret = ew_clone3_fn(&args, ew_fn_exit0, NULL);
	if (ret < 0)
		return errno;
	if (!(flags & (CLONE_THREAD | CLONE_AUTOREAP)))
		waitpid(ret, NULL, __WALL);
	return 0;
}

/* ---- a thread blocked in epoll_wait ---- */

struct ew_waiter {
	int epfd;
	int nwaits;			/* epoll_wait calls to make */
	int timeout_ms;
	volatile pid_t tid;
	volatile int done;		/* calls completed */
	int n[4];			/* their results */
	uint32_t events[4];
	pthread_t thread;
};

static void *ew_waiter_fn(void *arg)
{
	struct ew_waiter *w = arg;
	int i;

	w->tid = ew_gettid();
	for (i = 0; i < w->nwaits && i < 4; i++) {
		struct epoll_event ev = { 0 };

		w->n[i] = epoll_wait(w->epfd, &ev, 1, w->timeout_ms);
		w->events[i] = ev.events;
		__atomic_store_n(&w->done, i + 1, __ATOMIC_RELEASE);
	}
	return NULL;
}

static inline int ew_waiter_start(struct ew_waiter *w, int epfd, int nwaits)
{
	memset(w, 0, sizeof(*w));
	w->epfd = epfd;
	w->nwaits = nwaits;
	w->timeout_ms = 20000;
	return pthread_create(&w->thread, NULL, ew_waiter_fn, w);
}

/* wait until the waiter has completed "done" calls and sleeps in the next */
static inline int ew_waiter_asleep(struct ew_waiter *w, int done)
{
	int i;

	for (i = 0; i < 200000; i++) {
		if (w->tid && __atomic_load_n(&w->done, __ATOMIC_ACQUIRE) == done &&
		    ew_task_state(w->tid) == 'S')
			return 1;
		usleep(100);
	}
	return 0;
}

/* wait until the waiter has completed "done" calls */
static inline int ew_waiter_wait_done(struct ew_waiter *w, int done)
{
	int i;

	for (i = 0; i < 200000; i++) {
		if (__atomic_load_n(&w->done, __ATOMIC_ACQUIRE) >= done)
			return 1;
		usleep(100);
	}
	return 0;
}

static inline int ew_epoll_with(int fd, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.fd = fd };
	int epfd = epoll_create1(EPOLL_CLOEXEC);

	if (epfd < 0)
		return -1;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev)) {
		close(epfd);
		return -1;
	}
	return epfd;
}

/* voluntary_ctxt_switches of thread tid of this process */
static inline long long ew_voluntary_switches(pid_t tid)
{
	char path[96], buf[8192], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/self/task/%d/status", tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nvoluntary_ctxt_switches:");
	return p ? strtoll(p + 25, NULL, 10) : -1;
}

/* ---- the exec helper ---- */

/*
 * EW_EXEC_HELPER="rfd:wfd:code": after exec, write one byte to wfd (the new
 * image is running), wait for a byte or EOF on rfd, then exit with code.
 * Runs as a constructor, before ktap's main().
 */
#define EW_EXEC_ENV "EW_EXEC_HELPER"

__attribute__((constructor)) static void ew_exec_helper(void)
{
	const char *v = getenv(EW_EXEC_ENV);
	int rfd, wfd, code;

	if (!v || sscanf(v, "%d:%d:%d", &rfd, &wfd, &code) != 3)
		return;
	ew_poke(wfd);
	ew_wait_byte(rfd);
	_exit(code);
}

/*
 * exec this binary (/proc/thread-self/exe) as the helper: fds rfd and wfd must not be
 * close-on-exec.  Only returns on failure.
 */
static inline void ew_exec_self_helper(int rfd, int wfd, int code)
{
	char env[64], *argv[] = { "ew-exec-helper", NULL };
	char *envp[] = { env, NULL };

	snprintf(env, sizeof(env), EW_EXEC_ENV "=%d:%d:%d", rfd, wfd, code);
	/*
	 * thread-self: /proc/self/exe is unreadable once the leader has
	 * exited (it resolves through the zombie leader's mm).
	 */
	syscall(__NR_execve, "/proc/thread-self/exe", argv, envp);
}

/*
 * A child by clone3(flags, exit_signal) that runs prep() (unless NULL),
 * then execs the helper above, which exits with code once *go is written
 * or closed.  Returns once the new image runs: its pid (*pidfd set with
 * CLONE_PIDFD), or -1 if the child did not get there.
 */
static inline pid_t ew_spawn_exec_helper(uint64_t flags, int exit_signal, int *pidfd, int code,
					 int (*prep)(void), int *go)
{
	int g[2], r[2];
	pid_t pid;

	if (ew_pipe_pair(g, r))
		return -1;
	pid = ew_clone3_fork(flags, pidfd, exit_signal);
	if (pid == 0) {
		close(g[1]);
		close(r[0]);
		if (prep && prep())
			_exit(119);
		fcntl(g[0], F_SETFD, 0);
		fcntl(r[1], F_SETFD, 0);
		ew_exec_self_helper(g[0], r[1], code);
		_exit(120);
	}
	close(g[0]);
	close(r[1]);
	if (pid > 0 && ew_wait_byte(r[0]) != 1)
		pid = -1;	/* the child is gone: reaped by the caller's checks */
	close(r[0]);
	if (pid < 0)
		close(g[1]);
	else
		*go = g[1];
	return pid;
}

/* ---- a two-thread child process: leader and one thread, scripted ---- */

enum ew_act {
	EW_BLOCK,		/* sleep until killed */
	EW_EXIT_THREAD,		/* SYS_exit(code): only this thread */
	EW_EXIT_GROUP,		/* exit_group(code) */
	EW_EXEC,		/* exec the helper, which exits with code */
};

struct ew_group {
	pid_t pid;		/* the leader, = tgid */
	pid_t tid;		/* the second thread */
	int pidfd;		/* from CLONE_PIDFD: a process pidfd */
	int leader_go;		/* write a byte: the leader acts */
	int thread_go;		/* write a byte: the thread acts */
	int exec_go;		/* write a byte: the exec'd helper exits */
	int exec_ready;		/* a byte arrives once the helper runs */
};

struct ew_job {
	int go, act, code, tid_fd, exec_go, exec_ready;
};

static inline void __attribute__((noreturn)) ew_job_act(struct ew_job *j)
{
	switch (j->act) {
	case EW_EXIT_THREAD:
		syscall(SYS_exit, j->code);
		break;
	case EW_EXIT_GROUP:
		syscall(SYS_exit_group, j->code);
		break;
	case EW_EXEC:
		fcntl(j->exec_go, F_SETFD, 0);
		fcntl(j->exec_ready, F_SETFD, 0);
		ew_exec_self_helper(j->exec_go, j->exec_ready, j->code);
		syscall(SYS_exit_group, 120);	/* exec failed */
		break;
	}
	for (;;)
		pause();
}

static void *ew_job_thread(void *arg)
{
	struct ew_job *j = arg;
	pid_t tid = ew_gettid();

	if (write(j->tid_fd, &tid, sizeof(tid)) != sizeof(tid))
		syscall(SYS_exit_group, 121);
	ew_wait_byte(j->go);
	ew_job_act(j);
}

/*
 * Fork a child (exit_signal SIGCHLD, CLONE_PIDFD and clone_flags) with a second thread;
 * each of the two waits for its go byte, then does its act.  Returns 0,
 * or -1 with errno.
 */
static inline int ew_group_spawn_sig(struct ew_group *g, uint64_t clone_flags, int exit_signal,
				     int leader_act, int leader_code, int thread_act,
				     int thread_code)
{
	int lgo[2], tgo[2], xgo[2], xrdy[2], tidp[2];
	pid_t pid;

	if (pipe2(lgo, O_CLOEXEC) || pipe2(tgo, O_CLOEXEC) || pipe2(xgo, O_CLOEXEC) ||
	    pipe2(xrdy, O_CLOEXEC) || pipe2(tidp, O_CLOEXEC))
		return -1;
	pid = ew_fork_pidfd(&g->pidfd, clone_flags, exit_signal);
	if (pid < 0)
		return -1;
	if (pid == 0) {
		static struct ew_job lj, tj;
		pthread_t t;

		prctl(PR_SET_PDEATHSIG, SIGKILL);	/* no strays if the test dies */
		close(lgo[1]);
		close(tgo[1]);
		close(xgo[1]);
		close(xrdy[0]);
		close(tidp[0]);
		tj = (struct ew_job){ tgo[0], thread_act, thread_code, tidp[1], xgo[0], xrdy[1] };
		lj = (struct ew_job){ lgo[0], leader_act, leader_code, -1, xgo[0], xrdy[1] };
		if (pthread_create(&t, NULL, ew_job_thread, &tj))
			_exit(122);
		ew_wait_byte(lj.go);
		ew_job_act(&lj);
	}
	close(lgo[0]);
	close(tgo[0]);
	close(xgo[0]);
	close(xrdy[1]);
	close(tidp[1]);
	g->pid = pid;
	g->leader_go = lgo[1];
	g->thread_go = tgo[1];
	g->exec_go = xgo[1];
	g->exec_ready = xrdy[0];
	if (read(tidp[0], &g->tid, sizeof(g->tid)) != sizeof(g->tid))
		g->tid = -1;
	close(tidp[0]);
	return g->tid > 0 ? 0 : -1;
}

static inline int ew_group_spawn_flags(struct ew_group *g, uint64_t clone_flags, int leader_act,
				       int leader_code, int thread_act, int thread_code)
{
	return ew_group_spawn_sig(g, clone_flags, SIGCHLD, leader_act, leader_code, thread_act,
				  thread_code);
}

static inline int ew_group_spawn(struct ew_group *g, int leader_act, int leader_code,
				 int thread_act, int thread_code)
{
	return ew_group_spawn_flags(g, 0, leader_act, leader_code, thread_act, thread_code);
}

/* kill what is left and reap it (if not yet), close every fd */
static inline void ew_group_end(struct ew_group *g)
{
	if (g->pidfd >= 0) {
		sys_pidfd_send_signal(g->pidfd, SIGKILL, NULL, 0);
		waitpid(g->pid, NULL, __WALL);	/* ECHILD if already reaped */
		close(g->pidfd);
	}
	close(g->leader_go);
	close(g->thread_go);
	close(g->exec_go);
	close(g->exec_ready);
	g->pidfd = -1;
}

/* ---- a child whose parent is another process (reparenting, holders) ---- */

struct ew_orphan {
	pid_t mid;		/* the middle process, our child */
	pid_t pid;		/* its child, made with clone3 */
	int release;		/* close it: the middle process exits */
};

/*
 * Fork a middle process that creates a child with clone3(flags,
 * exit_signal) (with CLONE_PIDFD in flags, the pidfd stays open in the
 * middle process and is never closed by hand), then waits until
 * o->release is closed and exits 0, orphaning the child (a subreaper
 * test process gets it).  The child exits with code once go_rfd, a pipe
 * the caller keeps the write end of, is written to or closed.  Returns 0,
 * or -1 (o->pid -1 if the middle process' clone3 failed; then o->mid has
 * exited with the errno as its code).
 */
static inline int ew_orphan_spawn(struct ew_orphan *o, uint64_t flags, int exit_signal,
				  int go_rfd, int code)
{
	int rel[2], info[2];

	o->pid = -1;
	if (pipe2(rel, O_CLOEXEC) || pipe2(info, O_CLOEXEC))
		return -1;
	o->mid = fork();
	if (o->mid < 0)
		return -1;
	if (o->mid == 0) {
		int pidfd = -1, err;
		pid_t c;

		close(rel[1]);
		close(info[0]);
		c = ew_clone3_fork(flags, &pidfd, exit_signal);
		err = errno;
		if (c == 0) {
			ew_close_all_but(go_rfd);
			ew_wait_byte(go_rfd);
			_exit(code);
		}
		if (write(info[1], &c, sizeof(c)) != sizeof(c) || c < 0)
			_exit(c < 0 ? err : 120);
		ew_wait_byte(rel[0]);
		_exit(0);
	}
	close(rel[0]);
	close(info[1]);
	o->release = rel[1];
	if (read(info[0], &o->pid, sizeof(o->pid)) != sizeof(o->pid))
		o->pid = -1;
	close(info[0]);
	return o->pid > 0 ? 0 : -1;
}

/* let the middle process exit and reap it: its wait status */
static inline int ew_orphan_release(struct ew_orphan *o)
{
	int st = -1;

	close(o->release);
	if (waitpid(o->mid, &st, 0) != o->mid)
		return -1;
	return st;
}

/*
 * pid, a child of ours, is gone for good: no wait form finds it (not even
 * a zombie) and /proc has no entry.  For tests with no other child.
 */
static inline void ew_expect_childless(pid_t pid)
{
	siginfo_t si;
	int st;

	EXPECT_ERRNO(waitpid(pid, &st, WNOHANG), ECHILD);
	EXPECT_ERRNO(waitpid(pid, &st, WNOHANG | __WALL), ECHILD);
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL), ECHILD);
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL | WNOWAIT), ECHILD);
	EXPECT_EQ(ew_task_state(pid), 0);
}

/* the no_new_privs flag of a task from /proc/<pid>/status, -1 if unreadable */
static inline int ew_task_nnp(pid_t pid)
{
	unsigned long long v;

	return ew_status_nums(pid, "NoNewPrivs", &v, 1) == 1 ? (int)v : -1;
}

/* how many bytes of buf[from, to) are not val (a canary check) */
static inline unsigned int ew_bytes_not(const void *buf, size_t from, size_t to, unsigned char val)
{
	const unsigned char *b = buf;
	unsigned int n = 0;

	for (; from < to; from++)
		n += b[from] != val;
	return n;
}

/* ---- cgroup2 ---- */

/* the cgroup2 mount point (from /proc/self/mountinfo) into buf; -1 if none */
static inline int ew_cgroup2_mount(char *buf, size_t sz)
{
	char line[4096];
	FILE *f = fopen("/proc/self/mountinfo", "re");
	int ret = -1;

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char mnt[1024], *sep = strstr(line, " - ");
		char fstype[64];

		if (!sep || sscanf(sep, " - %63s", fstype) != 1 || strcmp(fstype, "cgroup2"))
			continue;
		if (sscanf(line, "%*s %*s %*s %*s %1023s", mnt) != 1)
			continue;
		snprintf(buf, sz, "%s", mnt);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* the cgroup2 path of pid (0: self) from /proc/<pid>/cgroup ("0::/path") */
static inline int ew_cgroup2_path(pid_t pid, char *buf, size_t sz)
{
	char path[64], line[4096];
	FILE *f;
	int ret = -1;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		snprintf(buf, sz, "%s", line + 3);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* cgroup id of pid's cgroup2 cgroup (the directory's inode number), 0 if unknown */
static inline uint64_t ew_cgroup_id_of(pid_t pid)
{
	char mnt[1024], rel[4096], full[5200];
	struct stat st;

	if (ew_cgroup2_mount(mnt, sizeof(mnt)) || ew_cgroup2_path(pid, rel, sizeof(rel)))
		return 0;
	snprintf(full, sizeof(full), "%s%s", mnt, rel);
	if (stat(full, &st))
		return 0;
	return st.st_ino;
}

/* ---- feature gates: SKIP with what the kernel lacks ---- */

/*
 * EW_IGNORE_GATES=1 runs the tests even where the probe says the feature
 * is missing: a negative control, to see the tests fail on a kernel that
 * lacks the behaviour (in a guest: VM_EXTRA_APPEND="EW_IGNORE_GATES=1",
 * the kernel hands it to init's environment).  Never set in normal runs.
 */
static inline int ew_ignore_gates(void)
{
	const char *v = getenv("EW_IGNORE_GATES");

	return v && *v == '1';
}

#define EW_NEED(has, reason) do {						\
	if (!has() && !ew_ignore_gates())					\
		SKIP("%s", reason);						\
} while (0)

#define EW_NEED_F1() EW_NEED(ew_has_poll_hup, "kernel lacks F1: no EPOLLHUP on a reaped pidfd (6.9 poll states)")
#define EW_NEED_F2() EW_NEED(ew_has_pidfd_thread, "kernel lacks F2: pidfd_open(PIDFD_THREAD) fails (6.9)")
#define EW_NEED_F4() EW_NEED(ew_has_pidfd_get_info, "kernel lacks F4: no PIDFD_GET_INFO ioctl (6.13)")
#define EW_NEED_F5() EW_NEED(ew_has_pidfd_info_exit, "kernel lacks F5: no PIDFD_INFO_EXIT after reap (6.15)")
#define EW_NEED_F6() EW_NEED(ew_has_pidfd_self, "kernel lacks F6: PIDFD_SELF_* sentinels rejected (6.15/6.17 values)")
#define EW_NEED_F7() EW_NEED(ew_has_clone_wait_pidfd, "kernel lacks CLONE_WAIT_PIDFD (F7, never merged upstream)")
#define EW_NEED_F9() EW_NEED(ew_has_clone_autoreap, "kernel lacks F9: clone3 rejects CLONE_AUTOREAP (7.1)")
#define EW_NEED_F10_NNP() EW_NEED(ew_has_clone_nnp, "kernel lacks F10: clone3 rejects CLONE_NNP (7.1)")
#define EW_NEED_F10_AUTOKILL() EW_NEED(ew_has_clone_autokill, "kernel lacks F10: clone3 rejects CLONE_PIDFD_AUTOKILL (7.1)")
#define EW_NEED_F11_COREDUMP() EW_NEED(ew_has_pidfd_info_coredump, "kernel lacks F11: PIDFD_GET_INFO does not answer PIDFD_INFO_COREDUMP (6.16)")
#define EW_NEED_F11_SUPPORTED_MASK() EW_NEED(ew_has_pidfd_info_supported_mask, "kernel lacks F11: PIDFD_GET_INFO does not answer PIDFD_INFO_SUPPORTED_MASK (6.19)")

/* this process becomes uid and gid 65534 with no groups (and so no
 * capabilities): 0, or -1 with errno */
static inline int ew_drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return -1;
	return 0;
}

/* writes all of s to path in one write(2) (sysctl, debugfs, id maps): 0, or -1 */
static inline int ew_write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* an env-tunable count with a default */
static inline long ew_env_long(const char *name, long def)
{
	const char *v = getenv(name);
	long n;

	if (!v || !*v)
		return def;
	n = strtol(v, NULL, 0);
	return n > 0 ? n : def;
}

#endif /* EXITWATCH_EW_TEST_H */
