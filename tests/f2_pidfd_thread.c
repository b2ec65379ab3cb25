// SPDX-License-Identifier: GPL-2.0
/*
 * F2: PIDFD_THREAD (upstream 6.9).
 *
 * pidfd_open(tid, PIDFD_THREAD) works for any thread; a thread pidfd
 * reports that thread's exit; pidfd_send_signal's scope defaults to what
 * the pidfd refers to and PIDFD_SIGNAL_THREAD / _THREAD_GROUP /
 * _PROCESS_GROUP override it; clone3 allows CLONE_PIDFD|CLONE_THREAD.
 * SKIPs on a kernel where pidfd_open(PIDFD_THREAD) fails.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"

/* a thread of this process that waits on a pipe, then returns */
struct idle_thread {
	pthread_t thread;
	volatile pid_t tid;
	int go[2];
};

static void *idle_fn(void *arg)
{
	struct idle_thread *t = arg;

	t->tid = ew_gettid();
	ew_wait_byte(t->go[0]);
	return NULL;
}

static void idle_start(struct idle_thread *t)
{
	ASSERT_OK(pipe2(t->go, O_CLOEXEC));
	t->tid = 0;
	ASSERT_EQ(pthread_create(&t->thread, NULL, idle_fn, t), 0);
	while (!t->tid)
		usleep(100);
}

static void idle_stop(struct idle_thread *t)
{
	ew_poke(t->go[1]);
	ASSERT_EQ(pthread_join(t->thread, NULL), 0);
	close(t->go[0]);
	close(t->go[1]);
}

static void block_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigaddset(&set, SIGUSR2);
	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
}

static int take_signal(int sig)
{
	sigset_t set;
	siginfo_t si;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigwaitinfo(&set, &si);
}

static int fdinfo_pid(int fd)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int f;

	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	f = open(path, O_RDONLY | O_CLOEXEC);
	if (f < 0)
		return -1;
	n = read(f, buf, sizeof(buf) - 1);
	close(f);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "\nPid:");
	return p ? atoi(p + 5) : -1;
}

TEST(pidfd_thread_opens_non_leader_thread)
{
	struct idle_thread t;
	int fd;

	EW_NEED_F2();
	idle_start(&t);
	fd = ASSERT_OK(sys_pidfd_open(t.tid, PIDFD_THREAD));
	EXPECT_TRUE(fcntl(fd, F_GETFL) & PIDFD_THREAD);	/* O_EXCL shows */
	EXPECT_TRUE(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	EXPECT_EQ(fdinfo_pid(fd), t.tid);
	EXPECT_EQ(ew_poll(fd, POLLIN, 0), 0);
	close(fd);
	fd = ASSERT_OK(sys_pidfd_open(t.tid, PIDFD_THREAD | PIDFD_NONBLOCK));
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	close(fd);
	idle_stop(&t);
}

/*
 * process_madvise() and process_mrelease() resolve every pidfd to its
 * thread group, as upstream's pidfd_get_task() does: a thread pidfd of a
 * non-leader has none and gives ESRCH; the leader's resolves as usual
 * (an alive process cannot be mreleased: EINVAL).
 */
TEST(mm_calls_on_thread_pidfd_resolve_to_thread_group)
{
	struct idle_thread t;
	struct iovec iov;
	char *m;
	int fd;

	EW_NEED_F2();
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(m != MAP_FAILED);
	m[0] = 1;
	iov.iov_base = m;
	iov.iov_len = 4096;
	idle_start(&t);
	fd = ASSERT_OK(sys_pidfd_open(t.tid, PIDFD_THREAD));
	EXPECT_ERRNO(syscall(__NR_process_madvise, fd, &iov, 1, MADV_COLD, 0), ESRCH);
	EXPECT_ERRNO(sys_process_mrelease(fd, 0), ESRCH);
	close(fd);
	fd = ASSERT_OK(sys_pidfd_open(getpid(), PIDFD_THREAD));
	EXPECT_ERRNO(sys_process_mrelease(fd, 0), EINVAL);
	close(fd);
	idle_stop(&t);
	munmap(m, 4096);
}

TEST(pidfd_thread_opens_leader_too)
{
	int fd;

	EW_NEED_F2();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), PIDFD_THREAD));
	EXPECT_TRUE(fcntl(fd, F_GETFL) & PIDFD_THREAD);
	EXPECT_EQ(fdinfo_pid(fd), getpid());
	close(fd);
	/* a process pidfd does not carry the flag */
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	EXPECT_FALSE(fcntl(fd, F_GETFL) & PIDFD_THREAD);
	close(fd);
}

/*
 * Without PIDFD_THREAD a non-leader tid is refused with ENOENT, as since
 * 6.16 (8cf4b738f6d8 "pidfd: improve uapi when task isn't found"; this
 * machine's 6.18 is the reference).  6.9-6.15 said EINVAL, which would
 * fail here: the series follows the reference.
 */
TEST(pidfd_open_non_leader_without_thread_flag_is_enoent)
{
	struct idle_thread t;
	int fd;

	EW_NEED_F2();
	idle_start(&t);
	fd = sys_pidfd_open(t.tid, 0);
	if (fd >= 0)
		close(fd);
	else
		TH_LOG("pidfd_open(non-leader tid, 0): %s", strerror(errno));
	EXPECT_EQ(fd, -1);
	EXPECT_EQ(fd < 0 ? errno : 0, ENOENT);
	/* the same thread with PIDFD_NONBLOCK alone: still not a leader */
	EXPECT_ERRNO(sys_pidfd_open(t.tid, PIDFD_NONBLOCK), ENOENT);
	idle_stop(&t);
}

/*
 * A reaped process whose pid number lives on as the id of its process
 * group (a member is still running) has a struct pid without a task:
 * pidfd_open() finds the pid and refuses it with ESRCH, with or without
 * PIDFD_THREAD (8cf4b738f6d8, the same commit; 6.1 said EINVAL).  The
 * test is a subreaper, so the member is its child once the leader exits,
 * and is reaped here.
 */
TEST(pidfd_open_reaped_pid_kept_as_pgid_is_esrch)
{
	int go[2], ready[2], status;
	pid_t leader, member = 0;

	EW_NEED_F2();
	ASSERT_OK(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0));
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(pipe2(ready, O_CLOEXEC));
	leader = fork();
	ASSERT_GE(leader, 0);
	if (leader == 0) {
		if (setpgid(0, 0))
			_exit(101);
		member = fork();
		if (member < 0)
			_exit(102);
		if (member == 0) {
			/* stays in the group until the test closes go */
			ew_close_all_but(go[0]);
			ew_wait_byte(go[0]);
			_exit(0);
		}
		if (write(ready[1], &member, sizeof(member)) != sizeof(member))
			_exit(103);
		_exit(7);
	}
	close(go[0]);
	close(ready[1]);
	EXPECT_EQ(read(ready[0], &member, sizeof(member)), sizeof(member));
	close(ready[0]);
	ASSERT_EQ(waitpid(leader, &status, 0), leader);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 7);
	ASSERT_GT(member, 0);
	/* the leader is gone, its number is the member's pgid */
	EXPECT_ERRNO(kill(leader, 0), ESRCH);
	EXPECT_EQ(getpgid(member), leader);
	EXPECT_ERRNO(sys_pidfd_open(leader, 0), ESRCH);
	EXPECT_ERRNO(sys_pidfd_open(leader, PIDFD_THREAD), ESRCH);
	close(go[1]);
	EXPECT_EQ(waitpid(member, &status, 0), member);
	EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

TEST(pidfd_open_rejects_unknown_flags_with_thread)
{
	EW_NEED_F2();
	EXPECT_ERRNO(sys_pidfd_open(getpid(), PIDFD_THREAD | O_CLOEXEC), EINVAL);
	EXPECT_ERRNO(sys_pidfd_open(getpid(), PIDFD_THREAD | O_APPEND), EINVAL);
}

struct exiting_thread {
	pid_t watcher;		/* exit once this thread sleeps, armed */
	volatile int armed;
	volatile pid_t tid;
	int code;
};

static void *exit_when_watcher_sleeps(void *arg)
{
	struct exiting_thread *e = arg;

	e->tid = ew_gettid();
	while (!e->armed || ew_task_state(e->watcher) != 'S')
		usleep(100);
	syscall(SYS_exit, e->code);	/* this thread only */
	return NULL;
}

/*
 * A waiter asleep on a thread pidfd is woken when that (non-leader) thread
 * exits; the thread is released at once, so the pidfd reads IN|HUP; the
 * process pidfd stays silent.  With F5, the exit info is the thread's own.
 */
TEST(thread_pidfd_notifies_when_thread_exits)
{
	struct exiting_thread e = { .watcher = ew_gettid(), .code = 7 };
	struct ew_pidfd_info info;
	int tfd, pfd;
	pthread_t t;
	short rev;

	EW_NEED_F2();
	pfd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	ASSERT_EQ(pthread_create(&t, NULL, exit_when_watcher_sleeps, &e), 0);
	ASSERT_EQ(pthread_detach(t), 0);
	while (!e.tid)
		usleep(100);
	tfd = ASSERT_OK(sys_pidfd_open(e.tid, PIDFD_THREAD));
	e.armed = 1;
	rev = ew_poll(tfd, POLLIN, 20000);
	EXPECT_TRUE(rev & POLLIN);
	if (!(rev & POLLHUP))
		rev = ew_poll(tfd, 0, 20000);
	EXPECT_TRUE(rev & POLLHUP);
	EXPECT_EQ(ew_poll(pfd, POLLIN, 0), 0);
	if (ew_has_pidfd_info_exit()) {
		ASSERT_OK(ew_pidfd_get_info(tfd, &info, EW_PIDFD_INFO_EXIT));
		EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
		EXPECT_EQ(info.exit_code, 7 << 8);
	}
	close(tfd);
	close(pfd);
}

TEST(get_info_on_thread_pidfd_reports_tid_and_tgid)
{
	struct ew_pidfd_info info;
	struct idle_thread t;
	int fd;

	EW_NEED_F2();
	if (!ew_has_pidfd_get_info())
		SKIP("kernel lacks F4: no PIDFD_GET_INFO ioctl");
	idle_start(&t);
	fd = ASSERT_OK(sys_pidfd_open(t.tid, PIDFD_THREAD));
	ASSERT_OK(ew_pidfd_get_info(fd, &info, EW_PIDFD_INFO_PID));
	EXPECT_EQ(info.pid, t.tid);
	EXPECT_EQ(info.tgid, getpid());
	EXPECT_EQ(info.ppid, getppid());
	close(fd);
	idle_stop(&t);
}

/* ---- signal scope ---- */

TEST(send_signal_default_scope_of_process_pidfd_is_group)
{
	struct idle_thread t;
	int fd;

	EW_NEED_F2();
	block_signals();
	idle_start(&t);
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	ASSERT_OK(sys_pidfd_send_signal(fd, SIGUSR1, NULL, 0));
	EXPECT_TRUE(ew_sigmask_of(getpid(), getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(ew_sigmask_of(getpid(), getpid(), "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(ew_sigmask_of(getpid(), t.tid, "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_EQ(take_signal(SIGUSR1), SIGUSR1);
	close(fd);
	idle_stop(&t);
}

TEST(send_signal_default_scope_of_thread_pidfd_is_thread)
{
	struct idle_thread t;
	int fd;

	EW_NEED_F2();
	block_signals();
	idle_start(&t);
	fd = ASSERT_OK(sys_pidfd_open(t.tid, PIDFD_THREAD));
	ASSERT_OK(sys_pidfd_send_signal(fd, SIGUSR1, NULL, 0));
	EXPECT_TRUE(ew_sigmask_of(getpid(), t.tid, "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(ew_sigmask_of(getpid(), getpid(), "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(ew_sigmask_of(getpid(), getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR1));
	close(fd);
	/* the leader's thread pidfd likewise targets the leader alone */
	fd = ASSERT_OK(sys_pidfd_open(getpid(), PIDFD_THREAD));
	ASSERT_OK(sys_pidfd_send_signal(fd, SIGUSR2, NULL, 0));
	EXPECT_TRUE(ew_sigmask_of(getpid(), getpid(), "SigPnd") & EW_SIGBIT(SIGUSR2));
	EXPECT_FALSE(ew_sigmask_of(getpid(), getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR2));
	EXPECT_FALSE(ew_sigmask_of(getpid(), t.tid, "SigPnd") & EW_SIGBIT(SIGUSR2));
	EXPECT_EQ(take_signal(SIGUSR2), SIGUSR2);
	close(fd);
	idle_stop(&t);
}

TEST(send_signal_thread_flag_narrows_process_pidfd_to_leader)
{
	struct idle_thread t;
	int fd;

	EW_NEED_F2();
	block_signals();
	idle_start(&t);
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	ASSERT_OK(sys_pidfd_send_signal(fd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD));
	EXPECT_TRUE(ew_sigmask_of(getpid(), getpid(), "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(ew_sigmask_of(getpid(), getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(ew_sigmask_of(getpid(), t.tid, "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_EQ(take_signal(SIGUSR1), SIGUSR1);
	close(fd);
	idle_stop(&t);
}

TEST(send_signal_thread_group_flag_widens_thread_pidfd)
{
	struct idle_thread t;
	int fd;

	EW_NEED_F2();
	block_signals();
	idle_start(&t);
	fd = ASSERT_OK(sys_pidfd_open(t.tid, PIDFD_THREAD));
	ASSERT_OK(sys_pidfd_send_signal(fd, SIGUSR1, NULL, PIDFD_SIGNAL_THREAD_GROUP));
	EXPECT_TRUE(ew_sigmask_of(getpid(), getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(ew_sigmask_of(getpid(), t.tid, "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_EQ(take_signal(SIGUSR1), SIGUSR1);
	close(fd);
	idle_stop(&t);
}

TEST(send_signal_rejects_several_scopes_and_unknown_flags)
{
	int fd;

	EW_NEED_F2();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	EXPECT_ERRNO(sys_pidfd_send_signal(fd, 0, NULL,
					   PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP), EINVAL);
	EXPECT_ERRNO(sys_pidfd_send_signal(fd, 0, NULL,
					   PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_PROCESS_GROUP), EINVAL);
	EXPECT_ERRNO(sys_pidfd_send_signal(fd, 0, NULL, PIDFD_SIGNAL_THREAD_GROUP |
					   PIDFD_SIGNAL_PROCESS_GROUP), EINVAL);
	EXPECT_ERRNO(sys_pidfd_send_signal(fd, 0, NULL, 1U << 3), EINVAL);
	close(fd);
}

/*
 * PIDFD_SIGNAL_PROCESS_GROUP: the process group whose id is the pidfd's
 * process (a group leader A with a member B) gets the signal; the default
 * scope reaches A alone.
 */
TEST(send_signal_process_group_flag_signals_whole_group)
{
	int go[2], info[2], pidfd, status;
	pid_t a, b;

	EW_NEED_F2();
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(pipe2(info, O_CLOEXEC));
	a = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
	ASSERT_GE(a, 0);
	if (a == 0) {
		sigset_t set;
		pid_t m;

		close(go[1]);
		close(info[0]);
		sigemptyset(&set);
		sigaddset(&set, SIGUSR1);
		sigaddset(&set, SIGUSR2);
		sigprocmask(SIG_BLOCK, &set, NULL);
		if (setpgid(0, 0))
			_exit(1);
		m = fork();
		if (m < 0)
			_exit(1);
		if (m == 0) {
			ew_wait_byte(go[0]);
			_exit(0);
		}
		if (write(info[1], &m, sizeof(m)) != sizeof(m))
			_exit(1);
		ew_wait_byte(go[0]);
		_exit(waitpid(m, &status, 0) == m && status == 0 ? 0 : 1);
	}
	close(go[0]);
	close(info[1]);
	ASSERT_EQ(read(info[0], &b, sizeof(b)), sizeof(b));
	close(info[0]);

	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGUSR1, NULL, PIDFD_SIGNAL_PROCESS_GROUP));
	EXPECT_TRUE(ew_sigmask_of(a, a, "ShdPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_TRUE(ew_sigmask_of(b, b, "ShdPnd") & EW_SIGBIT(SIGUSR1));
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGUSR2, NULL, 0));
	EXPECT_TRUE(ew_sigmask_of(a, a, "ShdPnd") & EW_SIGBIT(SIGUSR2));
	EXPECT_FALSE(ew_sigmask_of(b, b, "ShdPnd") & EW_SIGBIT(SIGUSR2));
	/* B leads no group: a pidfd of B cannot signal "its" group */
	{
		int bfd = ASSERT_OK(sys_pidfd_open(b, 0));

		EXPECT_ERRNO(sys_pidfd_send_signal(bfd, 0, NULL, PIDFD_SIGNAL_PROCESS_GROUP),
			     ESRCH);
		close(bfd);
	}
	close(go[1]);
	ASSERT_EQ(waitpid(a, &status, 0), a);
	EXPECT_EQ(status, 0);
	close(pidfd);
}

/* ---- CLONE_PIDFD | CLONE_THREAD ---- */

static int clone_thread_fn(void *arg)
{
	int *go = arg;
	char c;

	if (read(go[0], &c, 1) < 0)
		return 100;
	return 5;
}

TEST(clone3_clone_pidfd_with_clone_thread_gives_thread_pidfd)
{
	struct ew_clone_args args;
	int go[2], pidfd = -1;
	void *stack;
	short rev;
	long tid;

	EW_NEED_F2();
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	stack = ew_thread_stack(1 << 16);
	ASSERT_TRUE(stack != NULL);
	memset(&args, 0, sizeof(args));
	args.flags = EW_THREAD_FLAGS | CLONE_PIDFD;
	args.pidfd = (uintptr_t)&pidfd;
	args.exit_signal = 0;
	args.stack = (uintptr_t)stack;
	args.stack_size = 1 << 16;
	tid = ew_clone3_fn(&args, clone_thread_fn, go);
	if (tid < 0 && errno == ENOSYS)
		SKIP("no clone3 thread helper on this architecture");
	ASSERT_GT(tid, 0);
	ASSERT_GE(pidfd, 0);
	EXPECT_NE(tid, getpid());
	EXPECT_TRUE(fcntl(pidfd, F_GETFL) & PIDFD_THREAD);
	EXPECT_EQ(fdinfo_pid(pidfd), tid);
	EXPECT_EQ(ew_poll(pidfd, POLLIN, 0), 0);
	ew_poke(go[1]);
	rev = ew_poll(pidfd, POLLIN, 20000);
	EXPECT_TRUE(rev & POLLIN);
	if (!(rev & POLLHUP))
		rev = ew_poll(pidfd, 0, 20000);
	EXPECT_TRUE(rev & POLLHUP);
	if (ew_has_pidfd_info_exit()) {
		struct ew_pidfd_info info;

		ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT));
		EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
		EXPECT_EQ(info.exit_code, 5 << 8);
	}
	close(pidfd);
	close(go[0]);
	close(go[1]);
}
