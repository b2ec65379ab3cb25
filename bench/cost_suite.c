// SPDX-License-Identifier: GPL-2.0
/*
 * cost_suite - the exact-cost suite of `make cost` (scripts/cost.sh).
 *
 * Runs as /init of a deterministic QEMU guest (TCG, -icount shift=0,sleep=off,
 * -smp 1, nokaslr norandmaps, no RDRAND): there the guest's CLOCK_MONOTONIC
 * advances exactly 1 ns per guest instruction, so a clock difference is the
 * number of guest instructions (user and kernel) an operation executed.
 *
 * For each operation: a few warm-up runs, then N timed repetitions; it prints
 * one machine-readable line per operation on the console
 *
 *   EWCOST op=<name> per=<op|exit> exits=<k> n=<N> median=<i> min=<i> max=<i> samples=<i,...>
 *   EWCOST op=<name> per=op exits=<k> absent reason=<why>   (the kernel lacks it)
 *
 * between "EWCOST-BEGIN ..." and "EWCOST-END ...", then reboots (QEMU runs
 * with -no-reboot, so it exits).  Burst operations are divided by the number
 * of exits (per=exit); exits=k is the number of task exits in one reported
 * unit (the operations the gate's self-test expects to grow).
 *
 * Kernel command line (/proc/cmdline):
 *   exitwatch.cost_reps=N     repetitions of each operation (default 15)
 *   exitwatch.cost_burst_reps=N   repetitions of the bursts (default 5)
 *   exitwatch.cost_inject=N   the gate's self-test: attach a BPF program to
 *                             the sched_process_exit raw tracepoint that
 *                             loops N times, i.e. add a fixed amount of work
 *                             to every exit (no libbpf: raw bpf(2))
 *   exitwatch.cost_inject_tp=K   attach it to sched_kthread_stop instead,
 *                             which never fires here: the reference run
 *                             (same allocations, no work on the exit path)
 *
 * Also runs on an ordinary machine (`build/cost/cost_suite --here`): then the
 * figures are nanoseconds, not instructions, and it does not reboot.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd_uapi.h"

#define MAX_REPS 101
#define BURST 100

static int reps = 15, burst_reps = 5, warmup = 2;
static long inject_iters;
/* the self-test's reference run attaches the same program where it never
 * runs, so that both runs allocate and load exactly the same things */
static const char *inject_tp = "sched_process_exit";
static int here; /* --here: not init, do not reboot */
static const char *tiny_path = "/tiny";

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void out(const char *fmt, ...)
{
	char buf[4096];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (n > (int)sizeof(buf) - 1)
		n = sizeof(buf) - 1;
	if (write(1, buf, n) < 0) {
		/* nothing to do: the console is all we have */
	}
}

static void finish(int rc)
{
	if (here)
		exit(rc);
	sync();
	reboot(RB_AUTOBOOT); /* -no-reboot: QEMU exits */
	for (;;)
		pause();
}

static void fatal(const char *what)
{
	out("EWCOST-ERROR %s: %s\n", what, strerror(errno));
	finish(1);
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void report(const char *op, const char *per, int exits, uint64_t *s, int n)
{
	uint64_t sorted[MAX_REPS];
	char list[MAX_REPS * 12] = "";
	size_t len = 0;

	memcpy(sorted, s, n * sizeof(*s));
	qsort(sorted, n, sizeof(*s), cmp_u64);
	for (int i = 0; i < n; i++)
		len += snprintf(list + len, sizeof(list) - len, "%s%llu", i ? "," : "",
				(unsigned long long)s[i]);
	out("EWCOST op=%s per=%s exits=%d n=%d median=%llu min=%llu max=%llu samples=%s\n", op, per,
	    exits, n,
	    (unsigned long long)sorted[(n - 1) / 2], (unsigned long long)sorted[0],
	    (unsigned long long)sorted[n - 1], list);
}

static void absent(const char *op, int exits, const char *why)
{
	out("EWCOST op=%s per=op exits=%d absent reason=%s\n", op, exits, why);
}

/*
 * Start each repetition just after a timer tick: these guests run a periodic
 * 250 Hz tick in low-resolution mode, so a 1 ns sleep ends on the next tick.
 * Idle time costs no wall-clock time (-icount sleep=off warps the clock), and
 * every repetition then sees the tick at the same point, or not at all,
 * whatever the operations before it cost: a change that adds work to one
 * operation does not move the ticks (and the work they bring, such as RCU
 * callbacks freeing dead tasks) into or out of another one's window.
 */
static void align_tick(void)
{
	struct timespec ts = { 0, 1 };

	if (!here)
		nanosleep(&ts, NULL);
}

/* run fn warmup + n times; fn returns the instructions of one repetition */
typedef uint64_t (*op_fn)(void);
static void measure(const char *op, const char *per, int exits, op_fn fn, int n)
{
	uint64_t s[MAX_REPS];

	for (int i = 0; i < warmup; i++)
		fn();
	for (int i = 0; i < n; i++) {
		align_tick();
		s[i] = fn();
	}
	report(op, per, exits, s, n);
}

/* ---- operations ------------------------------------------------------ */

static uint64_t op_clock(void)
{
	uint64_t t0 = now();

	return now() - t0;
}

/* 100,000 x (dec; jnz) = 200,000 instructions: checks the unit (1 ns of
 * guest CLOCK_MONOTONIC per guest instruction) in every run */
static uint64_t op_calibrate(void)
{
	uint64_t t0 = now();
	unsigned long n = 100000;

	__asm__ volatile("1: dec %0\n\tjnz 1b" : "+r"(n) : : "cc");
	return now() - t0;
}

static uint64_t op_getppid(void)
{
	uint64_t t0 = now();

	syscall(SYS_getppid);
	return now() - t0;
}

static uint64_t op_fork_exit_reap(void)
{
	uint64_t t0 = now();
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid < 0 || waitpid(pid, NULL, 0) != pid)
		fatal("fork_exit_reap");
	return now() - t0;
}

static uint64_t op_exec(void)
{
	uint64_t t0 = now();
	pid_t pid = fork();

	if (pid == 0) {
		char *argv[] = { (char *)tiny_path, NULL }, *envp[] = { NULL };

		execve(tiny_path, argv, envp);
		_exit(127);
	}
	int st;

	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != 0)
		fatal("exec");
	return now() - t0;
}

/*
 * clone3(CLONE_PIDFD) a child that says it is ready and blocks; SIGKILL it
 * through the pidfd, wait for the pidfd's epoll notice, reap it with
 * waitid(P_PIDFD) or waitid(P_ALL).  Also the kill -> epoll notice part.
 * KEW_AUTOREAP: the child is a CLONE_AUTOREAP one (F9): nobody waits, the
 * notice is the EPOLLHUP of the autoreap (EPOLLIN comes before the exit
 * status is recorded), and the status comes from PIDFD_GET_INFO.
 */
enum { KEW_WAITID_PIDFD, KEW_WAITID_ALL, KEW_AUTOREAP };
static int epfd = -1;
static uint64_t last_kill_to_notice, last_kill, last_notice, last_reaped;

static uint64_t kill_epoll_waitid(int mode)
{
	struct epoll_event ev = { .events = mode == KEW_AUTOREAP ? 0 : EPOLLIN }, got;
	int p[2], pidfd = -1;
	siginfo_t si;
	char c;

	uint64_t t0 = now();
	if (pipe(p))
		fatal("pipe");
	pid_t pid = mode == KEW_AUTOREAP ? ew_fork_pidfd(&pidfd, CLONE_AUTOREAP, 0)
					 : ew_fork_pidfd(&pidfd, 0, SIGCHLD);
	if (pid == 0) {
		close(p[0]);
		if (write(p[1], "r", 1) != 1)
			_exit(1);
		for (;;)
			pause();
	}
	if (pid < 0)
		fatal("clone3");
	close(p[1]);
	if (read(p[0], &c, 1) != 1)
		fatal("ready");
	close(p[0]);
	ev.data.fd = pidfd;
	if (epoll_ctl(epfd, EPOLL_CTL_ADD, pidfd, &ev))
		fatal("epoll_ctl");
	uint64_t t1 = now();
	if (sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0))
		fatal("pidfd_send_signal");
	if (epoll_wait(epfd, &got, 1, -1) != 1)
		fatal("epoll_wait");
	last_notice = now();
	last_kill = t1;
	last_kill_to_notice = last_notice - t1;
	if (mode == KEW_AUTOREAP) {
		struct ew_pidfd_info info;

		if (ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT) ||
		    !(info.mask & EW_PIDFD_INFO_EXIT) || info.exit_code != SIGKILL)
			fatal("PIDFD_GET_INFO(EXIT) of an autoreaped child");
	} else {
		memset(&si, 0, sizeof(si));
		if (sys_waitid(mode == KEW_WAITID_ALL ? P_ALL : P_PIDFD,
			       mode == KEW_WAITID_ALL ? 0 : pidfd, &si, WEXITED) ||
		    si.si_pid != pid)
			fatal("waitid");
	}
	last_reaped = now();
	close(pidfd); /* also leaves the epoll set */
	return now() - t0;
}

static uint64_t op_kill_epoll_waitid_pidfd(void) { return kill_epoll_waitid(KEW_WAITID_PIDFD); }
static uint64_t op_kill_epoll_waitid_all(void) { return kill_epoll_waitid(KEW_WAITID_ALL); }
static uint64_t op_autoreap_kill_epoll_info(void) { return kill_epoll_waitid(KEW_AUTOREAP); }

static uint64_t op_kill_to_notice(void)
{
	kill_epoll_waitid(KEW_WAITID_PIDFD);
	return last_kill_to_notice;
}

static uint64_t op_kill_to_autoreap_notice(void)
{
	kill_epoll_waitid(KEW_AUTOREAP);
	return last_kill_to_notice;
}

/* a long-lived child for the operations on a live process */
static pid_t live_pid = -1;
static int live_pidfd = -1;

static uint64_t op_pidfd_open_close(void)
{
	uint64_t t0 = now();
	int fd = sys_pidfd_open(live_pid, 0);

	if (fd < 0)
		fatal("pidfd_open");
	close(fd);
	return now() - t0;
}

static uint64_t op_get_info_live(void)
{
	struct ew_pidfd_info info;

	memset(&info, 0, sizeof(info));
	info.mask = EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS;
	uint64_t t0 = now();
	if (ioctl(live_pidfd, EW_PIDFD_GET_INFO, &info))
		fatal("PIDFD_GET_INFO");
	return now() - t0;
}

static int reaped_pidfd = -1;

static uint64_t op_get_info_exit(void)
{
	struct ew_pidfd_info info;

	memset(&info, 0, sizeof(info));
	info.mask = EW_PIDFD_INFO_EXIT;
	uint64_t t0 = now();
	if (ioctl(reaped_pidfd, EW_PIDFD_GET_INFO, &info))
		fatal("PIDFD_GET_INFO(EXIT)");
	return now() - t0;
}

static volatile sig_atomic_t usr1_seen;
static void on_usr1(int sig) { usr1_seen++; }
static int self_pidfd = -1;

static uint64_t send_signal(int fd)
{
	int before = usr1_seen;
	uint64_t t0 = now();

	if (sys_pidfd_send_signal(fd, SIGUSR1, NULL, 0))
		fatal("pidfd_send_signal(SIGUSR1)");
	uint64_t t = now() - t0;
	if (usr1_seen != before + 1)
		fatal("SIGUSR1 not delivered");
	return t;
}

static uint64_t op_signal_pidfd(void) { return send_signal(self_pidfd); }
static uint64_t op_signal_self_thread(void) { return send_signal(PIDFD_SELF_THREAD); }
static uint64_t op_signal_self_process(void) { return send_signal(PIDFD_SELF_THREAD_GROUP); }

static void *thread_nop(void *arg) { return arg; }

static uint64_t op_thread_create_exit(void)
{
	pthread_t t;
	uint64_t t0 = now();

	if (pthread_create(&t, NULL, thread_nop, NULL))
		fatal("pthread_create");
	pthread_join(t, NULL);
	return now() - t0;
}

static int tp_ready[2], tp_go[2];

static void *thread_waiting(void *arg)
{
	pid_t tid = syscall(SYS_gettid);
	char c;

	if (write(tp_ready[1], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	if (read(tp_go[0], &c, 1) != 1)
		return NULL;
	return arg;
}

/* pthread_create, pidfd_open(tid, PIDFD_THREAD), let it exit, poll the
 * pidfd for the thread's exit, close, join */
static uint64_t op_thread_pidfd(void)
{
	struct pollfd pfd = { .events = POLLIN };
	pthread_t t;
	pid_t tid;

	uint64_t t0 = now();
	if (pthread_create(&t, NULL, thread_waiting, NULL))
		fatal("pthread_create");
	if (read(tp_ready[0], &tid, sizeof(tid)) != sizeof(tid))
		fatal("thread ready");
	pfd.fd = sys_pidfd_open(tid, PIDFD_THREAD);
	if (pfd.fd < 0)
		fatal("pidfd_open(PIDFD_THREAD)");
	if (write(tp_go[1], "g", 1) != 1)
		fatal("thread go");
	if (poll(&pfd, 1, -1) != 1)
		fatal("poll thread pidfd");
	close(pfd.fd);
	pthread_join(t, NULL);
	return now() - t0;
}

/*
 * Bursts: BURST children blocked on a pipe, released at once by closing its
 * write end; timed from the release to the last child reaped, per exit.
 *
 * The window (about 9 million instructions) is longer than a tick (4 ms =
 * 4 million), so unlike the other operations it always holds ticks, and
 * whatever a tick may start: RCU callbacks freeing the tasks, pids and files
 * of earlier exits, kworkers.  To keep that work out of the window, and the
 * same in every run whatever one exit costs: the children run SCHED_FIFO
 * priority 2, the watcher SCHED_FIFO priority 1 for the burst, so no other
 * task runs in the window (the RCU grace-period kthread cannot end a grace
 * period there, so no callback runs); before the release the watcher sleeps
 * 5 ticks, which lets RCU finish with everything queued before.  Each child
 * closes the descriptors it inherited (earlier siblings' pidfds) before it
 * says it is ready, or its exit would pay for closing them.
 */
static uint64_t burst(int use_pidfd)
{
	static int pidfds[BURST];
	struct epoll_event evs[BURST];
	struct sched_param fifo1 = { .sched_priority = 1 }, other = { .sched_priority = 0 };
	struct timespec drain = { 0, 20 * 1000 * 1000 };
	int go[2], ready[2], left;
	char c;

	if (!here && sched_setscheduler(0, SCHED_FIFO, &fifo1))
		fatal("sched_setscheduler(watcher)");
	if (pipe(go) || pipe(ready))
		fatal("pipe");
	for (int i = 0; i < BURST; i++) {
		pid_t pid = use_pidfd ? ew_fork_pidfd(&pidfds[i], 0, SIGCHLD) : fork();

		if (pid == 0) {
			struct sched_param fifo2 = { .sched_priority = 2 };

			if (!here)
				sched_setscheduler(0, SCHED_FIFO, &fifo2);
			if (dup2(go[0], 0) != 0 || dup2(ready[1], 1) != 1)
				_exit(1);
			syscall(SYS_close_range, 2, ~0U, 0);
			if (write(1, "r", 1) != 1)
				_exit(1);
			if (read(0, &c, 1) < 0)
				_exit(1);
			_exit(0);
		}
		if (pid < 0)
			fatal("burst fork");
		if (use_pidfd) {
			struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };

			if (epoll_ctl(epfd, EPOLL_CTL_ADD, pidfds[i], &ev))
				fatal("burst epoll_ctl");
		}
	}
	close(go[0]);
	close(ready[1]);
	for (int i = 0; i < BURST; i++)
		if (read(ready[0], &c, 1) != 1)
			fatal("burst ready");
	close(ready[0]);
	if (!here)
		nanosleep(&drain, NULL);

	uint64_t t0 = now();
	close(go[1]);
	for (left = BURST; left > 0;) {
		if (use_pidfd) {
			int n = epoll_wait(epfd, evs, BURST, -1);

			if (n < 1)
				fatal("burst epoll_wait");
			for (int k = 0; k < n; k++) {
				int fd = pidfds[evs[k].data.u32];
				siginfo_t si;

				if (sys_waitid(P_PIDFD, fd, &si, WEXITED))
					fatal("burst waitid(P_PIDFD)");
				epoll_ctl(epfd, EPOLL_CTL_DEL, fd, NULL);
				close(fd);
				left--;
			}
		} else {
			siginfo_t si;

			if (sys_waitid(P_ALL, 0, &si, WEXITED))
				fatal("burst waitid(P_ALL)");
			left--;
		}
	}
	uint64_t t = now() - t0;

	if (!here && sched_setscheduler(0, SCHED_OTHER, &other))
		fatal("sched_setscheduler(SCHED_OTHER)");
	return (t + BURST / 2) / BURST;
}

static uint64_t op_burst_pidfd_epoll(void) { return burst(1); }
static uint64_t op_burst_waitid(void) { return burst(0); }

/* ---- the gate's self-test: work added to every exit ------------------- */

static int inject(long iters, char *why, size_t whylen)
{
	struct bpf_insn prog[] = {
		/* r1 = iters; do r1 -= 1; while (r1 != 0); return 0 */
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_1, .imm = (int)iters },
		{ .code = BPF_ALU64 | BPF_SUB | BPF_K, .dst_reg = BPF_REG_1, .imm = 1 },
		{ .code = BPF_JMP | BPF_JNE | BPF_K, .dst_reg = BPF_REG_1, .off = -2, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	static char log[4096];
	union bpf_attr a;
	int pfd, tfd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a.license = (uint64_t)(uintptr_t)"GPL";
	pfd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (pfd < 0) {
		int e = errno;

		/* again with the verifier's log (level 1 for 3 x iters lines
		 * would not fit: level 1 only prints the error's context) */
		a.log_buf = (uint64_t)(uintptr_t)log;
		a.log_size = sizeof(log);
		a.log_level = 1;
		syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
		log[sizeof(log) - 1] = 0;
		for (char *c = log; *c; c++)
			if (*c == '\n' || *c == ' ')
				*c = '_';
		snprintf(why, whylen, "BPF_PROG_LOAD: %s (log: %.150s)", strerror(e), log);
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = (uint64_t)(uintptr_t)inject_tp;
	a.raw_tracepoint.prog_fd = pfd;
	tfd = syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a));
	if (tfd < 0) {
		snprintf(why, whylen, "BPF_RAW_TRACEPOINT_OPEN: %s", strerror(errno));
		return -1;
	}
	return 0; /* both fds stay open for the rest of the run */
}

/* ---- the stage split: where the exit's instructions go ----------------- */

/*
 * A second BPF program on sched_process_exit stamps bpf_ktime_get_ns() (the
 * same CLOCK_MONOTONIC, so the same unit) into an array map, as exitwatch's
 * observer does: kill -> the exit tracepoint -> the epoll notice -> reaped.
 * Measured right after kill_to_epoll_notice, whose parts these are (measured
 * after the bursts, the same sequence cost 23 % more on base: the state they
 * leave behind), then detached, so that later operations do not pay for it.
 * The stages add up to kill_to_epoll_notice plus the stamp's own cost.  Under
 * the self-test's injection it runs after the injected loop (probes run in the
 * order they were attached), so the loop falls in the first stage.
 */
static int stamp_map = -1, stamp_prog = -1, stamp_link = -1;

static int load_stamper(char *why, size_t whylen)
{
	union bpf_attr a;
	int pfd, tfd;

	memset(&a, 0, sizeof(a));
	a.map_type = BPF_MAP_TYPE_ARRAY;
	a.key_size = 4;
	a.value_size = 8;
	a.max_entries = 1;
	stamp_map = syscall(SYS_bpf, BPF_MAP_CREATE, &a, sizeof(a));
	if (stamp_map < 0) {
		snprintf(why, whylen, "BPF_MAP_CREATE:_%s", strerror(errno));
		return -1;
	}
	struct bpf_insn prog[] = {
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_ktime_get_ns },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_6, .src_reg = BPF_REG_0 },
		{ .code = BPF_ST | BPF_MEM | BPF_W, .dst_reg = BPF_REG_10, .off = -4, .imm = 0 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1, .src_reg = BPF_PSEUDO_MAP_FD,
		  .imm = stamp_map },
		{ .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2, .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2, .imm = -4 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_JMP | BPF_JEQ | BPF_K, .dst_reg = BPF_REG_0, .off = 1, .imm = 0 },
		{ .code = BPF_STX | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_0, .src_reg = BPF_REG_6 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uint64_t)(uintptr_t)prog;
	a.insn_cnt = sizeof(prog) / sizeof(prog[0]);
	a.license = (uint64_t)(uintptr_t)"GPL";
	pfd = syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (pfd < 0) {
		snprintf(why, whylen, "BPF_PROG_LOAD:_%s", strerror(errno));
		return -1;
	}
	memset(&a, 0, sizeof(a));
	a.raw_tracepoint.name = (uint64_t)(uintptr_t)"sched_process_exit";
	a.raw_tracepoint.prog_fd = pfd;
	tfd = syscall(SYS_bpf, BPF_RAW_TRACEPOINT_OPEN, &a, sizeof(a));
	if (tfd < 0) {
		snprintf(why, whylen, "BPF_RAW_TRACEPOINT_OPEN:_%s", strerror(errno));
		return -1;
	}
	stamp_prog = pfd;
	stamp_link = tfd;
	return 0;
}

static uint64_t read_stamp(void)
{
	union bpf_attr a;
	uint32_t key = 0;
	uint64_t v = 0;

	memset(&a, 0, sizeof(a));
	a.map_fd = stamp_map;
	a.key = (uint64_t)(uintptr_t)&key;
	a.value = (uint64_t)(uintptr_t)&v;
	if (syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, &a, sizeof(a)))
		fatal("BPF_MAP_LOOKUP_ELEM");
	return v;
}

static void measure_stages(int n)
{
	uint64_t a[MAX_REPS], b[MAX_REPS], c[MAX_REPS];
	char why[160];

	if (load_stamper(why, sizeof(why))) {
		absent("stage_kill_to_exit_tp", 1, why);
		absent("stage_exit_tp_to_epoll_notice", 0, why);
		absent("stage_epoll_notice_to_reaped", 0, why);
		return;
	}
	for (int i = 0; i < warmup + n; i++) {
		align_tick();
		kill_epoll_waitid(KEW_WAITID_PIDFD);
		uint64_t tp = read_stamp();

		if (tp < last_kill || tp > last_notice)
			fatal("exit stamp outside kill..notice");
		if (i < warmup)
			continue;
		a[i - warmup] = tp - last_kill;
		b[i - warmup] = last_notice - tp;
		c[i - warmup] = last_reaped - last_notice;
	}
	report("stage_kill_to_exit_tp", "op", 1, a, n);
	report("stage_exit_tp_to_epoll_notice", "op", 0, b, n);
	report("stage_epoll_notice_to_reaped", "op", 0, c, n);
	close(stamp_link);
	close(stamp_prog);
	close(stamp_map);
}

/* ---- main ---------------------------------------------------------------- */

static long cmdline_value(const char *cmd, const char *key, long def)
{
	const char *p = cmd;
	size_t kl = strlen(key);

	while ((p = strstr(p, key))) {
		if ((p == cmd || p[-1] == ' ') && p[kl] == '=')
			return strtol(p + kl + 1, NULL, 10);
		p += kl;
	}
	return def;
}

int main(int argc, char **argv)
{
	char cmd[4096] = "", cs[64] = "?", why[256];
	struct utsname u;
	int fd;

	if (argc > 1 && !strcmp(argv[1], "--here")) {
		here = 1;
		if (argc > 2)
			tiny_path = argv[2];
	}
	if (!here) {
		mount("proc", "/proc", "proc", 0, NULL);
		mount("sys", "/sys", "sysfs", 0, NULL);
	}
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, cmd, sizeof(cmd) - 1);

		cmd[n > 0 ? n : 0] = 0;
		close(fd);
		cmd[strcspn(cmd, "\n")] = 0;
	}
	fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY);
	if (fd >= 0) {
		ssize_t n = read(fd, cs, sizeof(cs) - 1);

		cs[n > 0 ? n : 0] = 0;
		cs[strcspn(cs, "\n")] = 0;
		close(fd);
	}
	if (!here) {
		reps = cmdline_value(cmd, "exitwatch.cost_reps", reps);
		burst_reps = cmdline_value(cmd, "exitwatch.cost_burst_reps", burst_reps);
		inject_iters = cmdline_value(cmd, "exitwatch.cost_inject", 0);
		/* exitwatch.cost_inject_tp=E: sched_process_exit, =K: sched_kthread_stop */
		if (strstr(cmd, "exitwatch.cost_inject_tp=K"))
			inject_tp = "sched_kthread_stop";
	}
	if (reps < 1 || reps > MAX_REPS)
		reps = 15;
	if (burst_reps < 1 || burst_reps > MAX_REPS)
		burst_reps = 5;
	uname(&u);
	struct timespec res;

	clock_getres(CLOCK_MONOTONIC, &res);
	out("EWCOST-BEGIN kernel=%s clocksource=%s resolution_ns=%ld reps=%d burst_reps=%d inject=%ld unit=%s\n",
	    u.release, cs, res.tv_nsec, reps, burst_reps, inject_iters,
	    here ? "ns" : "instructions");
	if (inject_iters > 0) {
		if (inject(inject_iters, why, sizeof(why))) {
			out("EWCOST-ERROR inject: %s\n", why);
			finish(1);
		}
		out("EWCOST-INJECT iters=%ld tracepoint=%s\n", inject_iters, inject_tp);
	}

	signal(SIGUSR1, on_usr1);
	epfd = epoll_create1(EPOLL_CLOEXEC);
	if (epfd < 0)
		fatal("epoll_create1");
	if (pipe(tp_ready) || pipe(tp_go))
		fatal("pipe");

	/* the features this kernel has (include/pidfd_uapi.h probes) */
	int has_info = ew_has_pidfd_get_info(), has_exit = ew_has_pidfd_info_exit();
	int has_self = ew_has_pidfd_self(), has_thread = ew_has_pidfd_thread();

	/* a live child, and the pidfd of a reaped one */
	live_pid = ew_fork_pidfd(&live_pidfd, 0, SIGCHLD);
	if (live_pid == 0)
		for (;;)
			pause();
	if (live_pid < 0)
		fatal("clone3 (live child)");
	pid_t rp = ew_fork_pidfd(&reaped_pidfd, 0, SIGCHLD);
	if (rp == 0)
		_exit(3);
	if (rp < 0 || waitpid(rp, NULL, 0) != rp)
		fatal("reaped child");
	self_pidfd = sys_pidfd_open(getpid(), 0);
	if (self_pidfd < 0)
		fatal("pidfd_open(self)");

	measure("clock_gettime", "op", 0, op_clock, reps);
	measure("calibrate_200000_insns", "op", 0, op_calibrate, reps);
	measure("getppid", "op", 0, op_getppid, reps);
	measure("fork_exit_reap", "op", 1, op_fork_exit_reap, reps);
	measure("clone3_kill_epoll_waitid_pidfd", "op", 1, op_kill_epoll_waitid_pidfd, reps);
	measure("clone3_kill_epoll_waitid_all", "op", 1, op_kill_epoll_waitid_all, reps);
	measure("kill_to_epoll_notice", "op", 1, op_kill_to_notice, reps);
	if (!here)
		measure_stages(reps);
	measure("pidfd_open_close", "op", 0, op_pidfd_open_close, reps);
	if (has_info)
		measure("pidfd_get_info_live", "op", 0, op_get_info_live, reps);
	else
		absent("pidfd_get_info_live", 0, "no_PIDFD_GET_INFO");
	if (has_exit)
		measure("pidfd_get_info_exit_reaped", "op", 0, op_get_info_exit, reps);
	else
		absent("pidfd_get_info_exit_reaped", 0, "no_PIDFD_INFO_EXIT");
	measure("pidfd_send_signal_pidfd", "op", 0, op_signal_pidfd, reps);
	if (has_self) {
		measure("pidfd_send_signal_self_thread", "op", 0, op_signal_self_thread, reps);
		measure("pidfd_send_signal_self_process", "op", 0, op_signal_self_process, reps);
	} else {
		absent("pidfd_send_signal_self_thread", 0, "no_PIDFD_SELF");
		absent("pidfd_send_signal_self_process", 0, "no_PIDFD_SELF");
	}
	measure("thread_create_exit", "op", 1, op_thread_create_exit, reps);
	if (has_thread)
		measure("thread_pidfd_create_exit", "op", 1, op_thread_pidfd, reps);
	else
		absent("thread_pidfd_create_exit", 1, "no_PIDFD_THREAD");
	measure("fork_exec_exit_reap", "op", 1, op_exec, reps);
	measure("burst100_pidfd_epoll", "exit", 1, op_burst_pidfd_epoll, burst_reps);
	measure("burst100_waitid", "exit", 1, op_burst_waitid, burst_reps);
	/*
	 * Last, so that adding them moved no figure above.  Where an operation
	 * sits in the run matters (the zombie cycle costs about 20 % more here
	 * than at the start of the run, in every kernel): the zombie cycle is
	 * measured again right before the autoreap one, and that is the pair
	 * to compare.
	 */
	measure("clone3_kill_epoll_waitid_pidfd_late", "op", 1, op_kill_epoll_waitid_pidfd, reps);
	measure("kill_to_epoll_notice_late", "op", 1, op_kill_to_notice, reps);
	if (ew_has_clone_autoreap()) {
		measure("clone3_autoreap_kill_epoll_info", "op", 1, op_autoreap_kill_epoll_info, reps);
		measure("kill_to_autoreap_notice", "op", 1, op_kill_to_autoreap_notice, reps);
	} else {
		absent("clone3_autoreap_kill_epoll_info", 1, "no_CLONE_AUTOREAP");
		absent("kill_to_autoreap_notice", 1, "no_CLONE_AUTOREAP");
	}

	kill(live_pid, SIGKILL);
	waitpid(live_pid, NULL, 0);
	out("EWCOST-END clock_end=%llu\n", (unsigned long long)now());
	finish(0);
	return 0;
}
