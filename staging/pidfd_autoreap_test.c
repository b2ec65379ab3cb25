// SPDX-License-Identifier: GPL-2.0
/*
 * CLONE_AUTOREAP, CLONE_NNP and CLONE_PIDFD_AUTOKILL (Linux 7.1), the
 * coredump information of PIDFD_GET_INFO (PIDFD_INFO_COREDUMP, 6.16) and
 * PIDFD_INFO_SUPPORTED_MASK (6.19), as this tree backports them.
 *
 * An autoreap child is reaped by the kernel at exit: no wait of its parent
 * reports it, its pidfd reports POLLIN | POLLHUP and PIDFD_GET_INFO gives
 * its wait status.  exit_signal must be 0, CLONE_THREAD and CLONE_PARENT
 * are refused, and an autoreap process may not use CLONE_PARENT itself.
 * With this tree's CLONE_WAIT_PIDFD on the same call both flags apply.
 * CLONE_NNP starts the child with no_new_privs.  CLONE_PIDFD_AUTOKILL
 * kills the child when the last reference to the pidfd file of clone3()
 * goes; it needs CLONE_PIDFD, CLONE_AUTOREAP and, without CLONE_NNP,
 * CAP_SYS_ADMIN.
 *
 * Every test is skipped where the kernel lacks what it tests.
 */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/sched.h>
#include <linux/types.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syscall.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pidfd.h"
#include "../kselftest_harness.h"

#ifndef CLONE_AUTOREAP
#define CLONE_AUTOREAP 0x400000000ULL
#endif

#ifndef CLONE_NNP
#define CLONE_NNP 0x800000000ULL
#endif

#ifndef CLONE_PIDFD_AUTOKILL
#define CLONE_PIDFD_AUTOKILL 0x1000000000ULL
#endif

/* Not in upstream Linux: the clone3() flag of this tree. */
#ifndef CLONE_WAIT_PIDFD
#define CLONE_WAIT_PIDFD 0x10000000000ULL
#endif

#ifndef PIDFD_INFO_EXIT
#define PIDFD_INFO_EXIT 0x8UL
#endif

#ifndef PIDFD_INFO_COREDUMP
#define PIDFD_INFO_COREDUMP 0x10UL
#endif

#ifndef PIDFD_INFO_SUPPORTED_MASK
#define PIDFD_INFO_SUPPORTED_MASK 0x20UL
#endif

#ifndef PIDFD_COREDUMPED
#define PIDFD_COREDUMPED 0x1U
#define PIDFD_COREDUMP_SKIP 0x2U
#define PIDFD_COREDUMP_USER 0x4U
#define PIDFD_COREDUMP_ROOT 0x8U
#endif

#ifndef PIDFD_INFO_SIZE_VER1
#define PIDFD_INFO_SIZE_VER1 72
#endif

#ifndef PIDFD_INFO_SIZE_VER2
#define PIDFD_INFO_SIZE_VER2 80
#endif

/* What this tree's PIDFD_INFO_SUPPORTED_MASK must name at least. */
#define SERIES_INFO_BITS (PIDFD_INFO_PID | PIDFD_INFO_CREDS | PIDFD_INFO_CGROUPID | \
			  PIDFD_INFO_EXIT | PIDFD_INFO_COREDUMP | PIDFD_INFO_SUPPORTED_MASK)

/* struct pidfd_info up to supported_mask (PIDFD_INFO_SIZE_VER2). */
struct pidfd_info_v2 {
	__u64 mask;
	__u64 cgroupid;
	__u32 pid;
	__u32 tgid;
	__u32 ppid;
	__u32 ruid;
	__u32 rgid;
	__u32 euid;
	__u32 egid;
	__u32 suid;
	__u32 sgid;
	__u32 fsuid;
	__u32 fsgid;
	__s32 exit_code;
	__u32 coredump_mask;
	__u32 coredump_signal;
	__u64 supported_mask;
};

/* PIDFD_GET_INFO for a struct of the given size. */
#define PIDFD_GET_INFO_SIZE(size) _IOC(_IOC_READ | _IOC_WRITE, 0xFF, 11, (size))

/* How long to wait for an event that must come, and for one that must not. */
#define EVENT_MS 10000
#define QUIET_MS 300

static pid_t clone3_child(__u64 flags, int *pidfd, int exit_signal)
{
	struct clone_args args = {
		.flags = flags,
		.pidfd = (__u64)(uintptr_t)pidfd,
		.exit_signal = exit_signal,
	};

	return syscall(__NR_clone3, &args, sizeof(args));
}

/*
 * A clone3() that must be refused: its errno, or 0 if a child was made
 * after all (it exits at once).  CLONE_THREAD gets a stack of its own; a
 * thread made after all cannot return through syscall() on it and takes
 * the test down, which fails it as it should.
 */
static int clone3_refused(__u64 flags, int *pidfd, int exit_signal)
{
	static char stack[16 * 1024];
	struct clone_args args = {
		.flags = flags,
		.pidfd = (__u64)(uintptr_t)pidfd,
		.exit_signal = exit_signal,
	};
	pid_t pid;

	if (flags & CLONE_THREAD) {
		args.flags |= CLONE_SIGHAND | CLONE_VM;
		args.stack = (__u64)(uintptr_t)stack;
		args.stack_size = sizeof(stack);
	}
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0)
		syscall(__NR_exit, 0);
	return pid < 0 ? errno : 0;
}

/* Does clone3() take these flags (with exit_signal 0)? */
static int has_flags(__u64 flags)
{
	struct pollfd pfd = { .events = POLLIN };
	int pidfd = -1;
	pid_t pid;

	pid = clone3_child(flags | CLONE_PIDFD, &pidfd, 0);
	if (pid == 0)
		_exit(EXIT_SUCCESS);
	if (pid < 0)
		return 0;
	if (!(flags & CLONE_AUTOREAP))
		waitpid(pid, NULL, __WALL);
	pfd.fd = pidfd;
	poll(&pfd, 1, EVENT_MS);
	close(pidfd);
	return 1;
}

static int has_autoreap(void)
{
	return has_flags(CLONE_AUTOREAP);
}

static int has_nnp(void)
{
	return has_flags(CLONE_NNP);
}

static int has_autokill(void)
{
	return has_flags(CLONE_AUTOREAP | CLONE_NNP | CLONE_PIDFD_AUTOKILL);
}

/* GET_INFO with a struct of size bytes in buf; only the mask is written first. */
static int get_info_sized(int pidfd, void *buf, unsigned int size, __u64 mask)
{
	memcpy(buf, &mask, sizeof(mask));
	return ioctl(pidfd, PIDFD_GET_INFO_SIZE(size), buf);
}

static int get_info(int pidfd, struct pidfd_info_v2 *info, __u64 mask)
{
	memset(info, 0, sizeof(*info));
	return get_info_sized(pidfd, info, sizeof(*info), mask);
}

/* Does PIDFD_GET_INFO of ourselves answer this bit? */
static int info_bit_supported(__u64 bit)
{
	struct pidfd_info_v2 info;
	int fd = sys_pidfd_open(getpid(), 0), ret;

	if (fd < 0)
		return 0;
	ret = get_info(fd, &info, bit);
	close(fd);
	return ret == 0 && (info.mask & bit);
}

/* poll() until POLLHUP (the task is reaped) or EVENT_MS pass: the last revents. */
static short wait_reaped(int pidfd)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
	int i;

	for (i = 0; i < EVENT_MS / 10; i++) {
		pfd.revents = 0;
		if (poll(&pfd, 1, 10) < 0 || (pfd.revents & POLLHUP))
			break;
	}
	return pfd.revents;
}

static short poll_now(int pidfd, int ms)
{
	struct pollfd pfd = { .fd = pidfd, .events = POLLIN };

	if (poll(&pfd, 1, ms) != 1)
		return 0;
	return pfd.revents;
}

/* The wait status PIDFD_INFO_EXIT reports, or -1 if it reports none. */
static int exit_info(int pidfd)
{
	struct pidfd_info_v2 info;

	if (get_info(pidfd, &info, PIDFD_INFO_EXIT) || !(info.mask & PIDFD_INFO_EXIT))
		return -1;
	return info.exit_code;
}

/* One-letter state of a task, 0 if it has no /proc entry. */
static char task_state(pid_t pid)
{
	char path[64], buf[512], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Wait up to EVENT_MS for the task to reach the state (0: gone). */
static int wait_state(pid_t pid, char state)
{
	int i;

	for (i = 0; i < EVENT_MS; i++) {
		if (task_state(pid) == state)
			return 1;
		usleep(1000);
	}
	return 0;
}

/*
 * A child of these flags (exit_signal 0 for an autoreap one, else SIGCHLD)
 * that exits with code once rfd is readable or at EOF.
 */
static pid_t child_waiting_on(__u64 flags, int *pidfd, int rfd, int code)
{
	pid_t pid = clone3_child(flags, pidfd, flags & CLONE_AUTOREAP ? 0 : SIGCHLD);
	char c;

	if (pid == 0) {
		while (read(rfd, &c, 1) < 0 && errno == EINTR)
			;
		_exit(code);
	}
	return pid;
}

/* A child of these flags that exits with code once the write end of *go closes. */
static pid_t blocked_child(__u64 flags, int *pidfd, int *go, int code)
{
	int p[2];
	pid_t pid;

	if (pipe2(p, O_CLOEXEC))
		return -1;
	pid = clone3_child(flags, pidfd, flags & CLONE_AUTOREAP ? 0 : SIGCHLD);
	if (pid == 0) {
		char c;

		close(p[1]);
		while (read(p[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(code);
	}
	close(p[0]);
	*go = p[1];
	if (pid < 0)
		close(p[1]);
	return pid;
}

/* Nothing of pid is left to wait for: not a zombie, not in /proc. */
static void expect_no_child(struct __test_metadata *_metadata, pid_t pid)
{
	siginfo_t si = {};

	EXPECT_EQ(waitpid(pid, NULL, WNOHANG | __WALL), -1);
	EXPECT_EQ(errno, ECHILD);
	EXPECT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL), -1);
	EXPECT_EQ(errno, ECHILD);
	EXPECT_EQ(task_state(pid), 0);
}

/* The task exits and is reaped at once: POLLIN | POLLHUP, its status, no child left. */
static void expect_reaped(struct __test_metadata *_metadata, int pidfd, pid_t pid, int status)
{
	short rev = wait_reaped(pidfd);

	ASSERT_TRUE(!!(rev & POLLIN));
	ASSERT_TRUE(!!(rev & POLLHUP));
	ASSERT_EQ(exit_info(pidfd), status);
	expect_no_child(_metadata, pid);
}

/*
 * An autoreap child (with these extra flags) that exits with fn()'s
 * return value: that value must come back through its pidfd.
 */
static void autoreap_run(struct __test_metadata *_metadata, __u64 extra, int (*fn)(void),
			 int code)
{
	int pidfd = -1;
	pid_t pid;

	pid = clone3_child(CLONE_PIDFD | CLONE_AUTOREAP | extra, &pidfd, 0);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(fn());
	expect_reaped(_metadata, pidfd, pid, code << 8);
	EXPECT_EQ(close(pidfd), 0);
}

/* ---- CLONE_AUTOREAP ---- */

TEST(autoreap_basic)
{
	int pidfd = -1, go;
	siginfo_t si = {};
	pid_t pid;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	pid = blocked_child(CLONE_PIDFD | CLONE_AUTOREAP, &pidfd, &go, 42);
	ASSERT_GT(pid, 0);

	/* Running: a child for __WALL waits, nothing to report. */
	ASSERT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL), 0);
	ASSERT_EQ(si.si_pid, 0);
	ASSERT_EQ(exit_info(pidfd), -1);

	close(go);
	expect_reaped(_metadata, pidfd, pid, 42 << 8);
	EXPECT_EQ(close(pidfd), 0);
}

TEST(autoreap_signaled)
{
	int pidfd = -1, go;
	pid_t pid;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	pid = blocked_child(CLONE_PIDFD | CLONE_AUTOREAP, &pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0), 0);
	expect_reaped(_metadata, pidfd, pid, SIGKILL);
	close(go);
	EXPECT_EQ(close(pidfd), 0);
}

/* Without CLONE_PIDFD: fire and forget, gone without any wait. */
TEST(autoreap_without_pidfd)
{
	int go, obs;
	pid_t pid;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	pid = blocked_child(CLONE_AUTOREAP, NULL, &go, 5);
	ASSERT_GT(pid, 0);
	obs = sys_pidfd_open(pid, 0);
	ASSERT_GE(obs, 0);
	close(go);
	expect_reaped(_metadata, obs, pid, 5 << 8);
	EXPECT_EQ(close(obs), 0);
}

/* A wait blocked across the exit returns ECHILD, never the child. */
static int blocked_wait_go;

static void *close_go_later(void *arg)
{
	usleep(100000);
	close(blocked_wait_go);
	return NULL;
}

TEST(autoreap_blocking_wait_gets_echild)
{
	siginfo_t si = {};
	int pidfd = -1;
	pthread_t t;
	pid_t pid;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	pid = blocked_child(CLONE_PIDFD | CLONE_AUTOREAP, &pidfd, &blocked_wait_go, 3);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(pthread_create(&t, NULL, close_go_later, NULL), 0);
	ASSERT_EQ(waitid(P_ALL, 0, &si, WEXITED | __WALL), -1);
	ASSERT_EQ(errno, ECHILD);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	expect_reaped(_metadata, pidfd, pid, 3 << 8);
	EXPECT_EQ(close(pidfd), 0);
}

TEST(autoreap_flag_rules)
{
	int pidfd = -1;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	ASSERT_EQ(clone3_refused(CLONE_PIDFD | CLONE_AUTOREAP, &pidfd, SIGCHLD), EINVAL);
	ASSERT_EQ(clone3_refused(CLONE_AUTOREAP | CLONE_PARENT, NULL, 0), EINVAL);
	ASSERT_EQ(clone3_refused(CLONE_AUTOREAP | CLONE_THREAD, NULL, 0), EINVAL);
	ASSERT_EQ(clone3_refused(CLONE_AUTOREAP | CLONE_THREAD | CLONE_PIDFD, &pidfd, 0), EINVAL);
	ASSERT_EQ(pidfd, -1);
}

/*
 * An autoreap process may not clone(CLONE_PARENT): its sibling would be
 * our child with exit_signal 0 but not autoreaped.  0: EINVAL.
 */
static int try_clone_parent(void)
{
	pid_t sibling = clone3_child(CLONE_PARENT, NULL, 0);

	if (sibling == 0)
		_exit(EXIT_SUCCESS);
	if (sibling > 0)
		return 1;
	return errno == EINVAL ? 0 : 2;
}

TEST(autoreap_process_rejects_clone_parent)
{
	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	autoreap_run(_metadata, 0, try_clone_parent, 0);
	/* If the kernel let it through, the sibling is ours: reap it. */
	while (waitpid(-1, NULL, __WALL | WNOHANG) > 0)
		;
}

/* Not inherited: the autoreap child's own child is an ordinary zombie. 0: it was. */
static int wait_own_child(void)
{
	siginfo_t si = {};
	int status;
	pid_t gc = fork();

	if (gc < 0)
		return 10;
	if (gc == 0)
		_exit(77);
	if (waitid(P_PID, gc, &si, WEXITED | WNOWAIT) || task_state(gc) != 'Z')
		return 11;
	if (waitpid(gc, &status, 0) != gc || status != 77 << 8)
		return 12;
	return 0;
}

TEST(autoreap_no_inherit)
{
	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	autoreap_run(_metadata, 0, wait_own_child, 0);
}

/*
 * The middle process dies and the autoreap grandchild is reparented to
 * us, a subreaper: still autoreaped at exit, and no SIGCHLD for us.
 */
TEST(autoreap_reparent)
{
	int go[2], info[2], obs, status;
	struct timespec zero = {};
	sigset_t chld, pending;
	pid_t mid, gc = -1;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	ASSERT_EQ(sigprocmask(SIG_BLOCK, &chld, NULL), 0);
	ASSERT_EQ(pipe2(go, O_CLOEXEC), 0);
	ASSERT_EQ(pipe2(info, O_CLOEXEC), 0);

	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0) {
		pid_t c;

		close(go[1]);	/* the grandchild waits on our pipe only */
		c = child_waiting_on(CLONE_AUTOREAP, NULL, go[0], 44);
		if (write(info[1], &c, sizeof(c)) != sizeof(c))
			_exit(EXIT_FAILURE);
		_exit(c > 0 ? EXIT_SUCCESS : EXIT_FAILURE);
	}
	close(info[1]);
	ASSERT_EQ(read(info[0], &gc, sizeof(gc)), (ssize_t)sizeof(gc));
	close(info[0]);
	ASSERT_GT(gc, 0);
	obs = sys_pidfd_open(gc, 0);
	ASSERT_GE(obs, 0);
	ASSERT_EQ(waitpid(mid, &status, 0), mid);
	ASSERT_EQ(status, 0);
	while (sigtimedwait(&chld, NULL, &zero) == SIGCHLD)
		;

	ASSERT_EQ(sys_pidfd_send_signal(obs, SIGKILL, NULL, 0), 0);
	expect_reaped(_metadata, obs, gc, SIGKILL);
	ASSERT_EQ(sigpending(&pending), 0);
	EXPECT_FALSE(sigismember(&pending, SIGCHLD));
	close(go[0]);
	close(go[1]);
	EXPECT_EQ(close(obs), 0);
}

/* The leader exits first; reaped, with the group's code, only once the group is gone. */
static int leader_go[2], thread_go[2];

static void *exit_group_on_go(void *arg)
{
	char c;

	while (read(thread_go[0], &c, 1) < 0 && errno == EINTR)
		;
	syscall(__NR_exit_group, 6);
	return NULL;
}

TEST(autoreap_multithreaded)
{
	int pidfd = -1;
	siginfo_t si = {};
	pid_t pid;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	ASSERT_EQ(pipe2(leader_go, O_CLOEXEC), 0);
	ASSERT_EQ(pipe2(thread_go, O_CLOEXEC), 0);
	pid = clone3_child(CLONE_PIDFD | CLONE_AUTOREAP, &pidfd, 0);
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pthread_t t;
		char c;

		close(leader_go[1]);
		close(thread_go[1]);
		if (pthread_create(&t, NULL, exit_group_on_go, NULL))
			_exit(EXIT_FAILURE);
		while (read(leader_go[0], &c, 1) < 0 && errno == EINTR)
			;
		syscall(__NR_exit, 3);	/* the leader only */
	}
	close(leader_go[0]);
	close(thread_go[0]);
	close(leader_go[1]);
	ASSERT_TRUE(wait_state(pid, 'Z'));

	/* A zombie leader with a live thread: no readiness, no exit info. */
	ASSERT_EQ(poll_now(pidfd, QUIET_MS), 0);
	ASSERT_EQ(exit_info(pidfd), -1);
	ASSERT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL), 0);
	ASSERT_EQ(si.si_pid, 0);

	close(thread_go[1]);
	expect_reaped(_metadata, pidfd, pid, 6 << 8);
	EXPECT_EQ(close(pidfd), 0);
}

/* This tree's CLONE_WAIT_PIDFD on the same call: both apply. */
TEST(autoreap_with_wait_pidfd)
{
	int pidfd = -1, go;
	siginfo_t si = {};
	pid_t pid;

	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	if (!has_flags(CLONE_WAIT_PIDFD))
		SKIP(return, "clone3() does not take CLONE_WAIT_PIDFD");
	pid = blocked_child(CLONE_PIDFD | CLONE_WAIT_PIDFD | CLONE_AUTOREAP, &pidfd, &go, 12);
	ASSERT_GT(pid, 0);

	/* Its stop: hidden from generic waits, seen by a wait naming it. */
	ASSERT_EQ(sys_pidfd_send_signal(pidfd, SIGSTOP, NULL, 0), 0);
	ASSERT_TRUE(wait_state(pid, 'T'));
	ASSERT_EQ(waitid(P_ALL, 0, &si, WSTOPPED | WNOHANG | __WALL), -1);
	ASSERT_EQ(errno, ECHILD);
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WSTOPPED | __WALL), 0);
	ASSERT_EQ(si.si_pid, pid);
	ASSERT_EQ(si.si_code, CLD_STOPPED);
	ASSERT_EQ(sys_pidfd_send_signal(pidfd, SIGCONT, NULL, 0), 0);

	/* Its exit: autoreaped. */
	close(go);
	expect_reaped(_metadata, pidfd, pid, 12 << 8);
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED | __WALL), -1);
	ASSERT_EQ(errno, ECHILD);
	EXPECT_EQ(close(pidfd), 0);
}

/* ---- CLONE_NNP ---- */

static int child_nnp(void)
{
	return prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 1 : 0;
}

TEST(nnp_sets_no_new_privs)
{
	int pidfd = -1, status;
	pid_t pid;

	if (!has_nnp())
		SKIP(return, "clone3() does not take CLONE_NNP");
	ASSERT_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);

	/* An ordinary child... */
	pid = clone3_child(CLONE_PIDFD | CLONE_NNP, &pidfd, SIGCHLD);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(child_nnp());
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_EQ(status, 1 << 8);
	close(pidfd);

	/* ... and an autoreap one. */
	if (!has_autoreap())
		return;
	autoreap_run(_metadata, CLONE_NNP, child_nnp, 1);
	ASSERT_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
}

TEST(nnp_rejects_thread)
{
	if (!has_nnp())
		SKIP(return, "clone3() does not take CLONE_NNP");
	ASSERT_EQ(clone3_refused(CLONE_NNP | CLONE_THREAD, NULL, 0), EINVAL);
}

TEST(autoreap_no_new_privs_unset)
{
	if (!has_autoreap())
		SKIP(return, "clone3() does not take CLONE_AUTOREAP");
	if (!has_nnp())
		SKIP(return, "clone3() does not take CLONE_NNP");
	autoreap_run(_metadata, 0, child_nnp, 0);
}

/* ---- CLONE_PIDFD_AUTOKILL ---- */

#define AUTOKILL (CLONE_PIDFD | CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL)

/* An autokill child blocked on *go, and a pidfd_open() pidfd to watch it. */
static pid_t autokill_child(__u64 extra, int *pidfd, int *go, int *obs)
{
	pid_t pid = blocked_child(AUTOKILL | extra, pidfd, go, 50);

	if (pid > 0)
		*obs = sys_pidfd_open(pid, 0);
	return pid;
}

TEST(autokill_flag_rules)
{
	int pidfd = -1;

	if (!has_autokill())
		SKIP(return, "clone3() does not take CLONE_PIDFD_AUTOKILL");
	ASSERT_EQ(clone3_refused(CLONE_AUTOREAP | CLONE_NNP | CLONE_PIDFD_AUTOKILL, NULL, 0),
		  EINVAL);
	ASSERT_EQ(clone3_refused(CLONE_PIDFD | CLONE_NNP | CLONE_PIDFD_AUTOKILL, &pidfd, 0),
		  EINVAL);
	ASSERT_EQ(clone3_refused(AUTOKILL | CLONE_NNP | CLONE_THREAD, &pidfd, 0), EINVAL);
	ASSERT_EQ(pidfd, -1);
}

/* What happens to the clone3() pidfd before it is closed. */
enum autokill_case {
	AUTOKILL_CLOSE,		/* nothing: closing it kills */
	AUTOKILL_PIDFD_OPEN,	/* a pidfd_open() pidfd is opened and closed: no kill */
	AUTOKILL_DUP,		/* dup()ed: the kill waits for the last close */
	AUTOKILL_NO_NNP,	/* without CLONE_NNP, with CAP_SYS_ADMIN: no_new_privs unset */
};

/* The NoNewPrivs field of /proc/<pid>/status, -1 if unreadable. */
static int task_nnp(pid_t pid)
{
	char path[64], buf[4096], *p;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, "NoNewPrivs:");
	return p ? atoi(p + strlen("NoNewPrivs:")) : -1;
}

static void autokill_release(struct __test_metadata *_metadata, enum autokill_case how)
{
	int pidfd = -1, go, obs = -1, other;
	pid_t pid;

	if (!has_autokill())
		SKIP(return, "clone3() does not take CLONE_PIDFD_AUTOKILL");
	if (how == AUTOKILL_NO_NNP && geteuid() != 0)
		SKIP(return, "needs root for CAP_SYS_ADMIN");
	pid = autokill_child(how == AUTOKILL_NO_NNP ? 0 : CLONE_NNP, &pidfd, &go, &obs);
	ASSERT_GT(pid, 0);
	ASSERT_GE(obs, 0);
	ASSERT_EQ(task_nnp(pid), how == AUTOKILL_NO_NNP ? 0 : 1);

	switch (how) {
	case AUTOKILL_PIDFD_OPEN:
		other = sys_pidfd_open(pid, 0);
		ASSERT_GE(other, 0);
		close(other);
		break;
	case AUTOKILL_DUP:
		other = dup(pidfd);
		ASSERT_GE(other, 0);
		close(pidfd);
		pidfd = other;
		break;
	default:
		break;
	}
	ASSERT_EQ(poll_now(obs, QUIET_MS), 0);
	close(pidfd);
	expect_reaped(_metadata, obs, pid, SIGKILL);
	close(go);
	EXPECT_EQ(close(obs), 0);
}

TEST(autokill_basic)
{
	autokill_release(_metadata, AUTOKILL_CLOSE);
}

TEST(autokill_pidfd_open_no_effect)
{
	autokill_release(_metadata, AUTOKILL_PIDFD_OPEN);
}

TEST(autokill_dup_keeps_alive)
{
	autokill_release(_metadata, AUTOKILL_DUP);
}

/* With CAP_SYS_ADMIN CLONE_NNP is not needed, and not implied. */
TEST(autokill_without_nnp_with_cap)
{
	autokill_release(_metadata, AUTOKILL_NO_NNP);
}

/* The holder of the clone3() pidfd exits without closing it. */
TEST(autokill_holder_exit)
{
	int go[2], info[2], rel[2], obs, status;
	pid_t holder, child = -1;

	if (!has_autokill())
		SKIP(return, "clone3() does not take CLONE_PIDFD_AUTOKILL");
	ASSERT_EQ(prctl(PR_SET_CHILD_SUBREAPER, 1), 0);
	ASSERT_EQ(pipe2(go, O_CLOEXEC), 0);
	ASSERT_EQ(pipe2(info, O_CLOEXEC), 0);
	ASSERT_EQ(pipe2(rel, O_CLOEXEC), 0);
	holder = fork();
	ASSERT_GE(holder, 0);
	if (holder == 0) {
		int pidfd = -1;
		pid_t c;
		char b;

		close(rel[1]);
		close(go[1]);	/* the child waits on our pipe only */
		c = child_waiting_on(AUTOKILL | CLONE_NNP, &pidfd, go[0], 0);
		if (write(info[1], &c, sizeof(c)) != sizeof(c))
			_exit(EXIT_FAILURE);
		while (read(rel[0], &b, 1) < 0 && errno == EINTR)
			;
		_exit(EXIT_SUCCESS);	/* pidfd still open */
	}
	close(info[1]);
	close(rel[0]);
	ASSERT_EQ(read(info[0], &child, sizeof(child)), (ssize_t)sizeof(child));
	ASSERT_GT(child, 0);
	obs = sys_pidfd_open(child, 0);
	ASSERT_GE(obs, 0);
	ASSERT_EQ(poll_now(obs, QUIET_MS), 0);
	close(rel[1]);
	ASSERT_EQ(waitpid(holder, &status, 0), holder);
	ASSERT_EQ(status, 0);
	expect_reaped(_metadata, obs, child, SIGKILL);
	close(info[0]);
	close(go[0]);
	close(go[1]);
	EXPECT_EQ(close(obs), 0);
}

/*
 * Unprivileged, in a child: without CLONE_NNP EPERM, with it the kill
 * works.  Exit code 0 when both hold.
 */
static int autokill_as_nobody(void)
{
	int pidfd = -1, go, obs = -1, code;
	pid_t pid;

	if (setgroups(0, NULL) || setresgid(65534, 65534, 65534) ||
	    setresuid(65534, 65534, 65534))
		return 10;
	if (clone3_refused(AUTOKILL, &pidfd, 0) != EPERM)
		return 11;
	pid = autokill_child(CLONE_NNP, &pidfd, &go, &obs);
	if (pid <= 0 || obs < 0)
		return 12;
	close(pidfd);
	if (!(wait_reaped(obs) & POLLHUP))
		return 13;
	code = exit_info(obs);
	close(go);
	close(obs);
	return code == SIGKILL ? 0 : 14;
}

TEST(autokill_requires_cap_sys_admin)
{
	int status;
	pid_t pid;

	if (!has_autokill())
		SKIP(return, "clone3() does not take CLONE_PIDFD_AUTOKILL");
	if (geteuid() != 0)
		SKIP(return, "needs root to drop to an unprivileged uid");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(autokill_as_nobody());
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

/* ---- PIDFD_INFO_SUPPORTED_MASK ---- */

TEST(supported_mask_basic)
{
	struct pidfd_info_v2 info;
	int pidfd = -1, go, status;
	pid_t pid;

	if (!info_bit_supported(PIDFD_INFO_SUPPORTED_MASK))
		SKIP(return, "PIDFD_GET_INFO does not answer PIDFD_INFO_SUPPORTED_MASK");
	pid = blocked_child(CLONE_PIDFD, &pidfd, &go, 8);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_SUPPORTED_MASK), 0);
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_SUPPORTED_MASK));
	TH_LOG("supported_mask %#llx", (unsigned long long)info.supported_mask);
	ASSERT_EQ(info.supported_mask & SERIES_INFO_BITS, SERIES_INFO_BITS);
	ASSERT_EQ(info.mask & ~info.supported_mask, 0ULL);

	/* What it names comes back when asked for. */
	ASSERT_EQ(get_info(pidfd, &info, SERIES_INFO_BITS & ~PIDFD_INFO_EXIT), 0);
	ASSERT_EQ(info.mask & SERIES_INFO_BITS, SERIES_INFO_BITS & ~PIDFD_INFO_EXIT);
	close(go);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);

	/* Reaped: with PIDFD_INFO_EXIT, as any query of a reaped task. */
	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_SUPPORTED_MASK), -1);
	ASSERT_EQ(errno, ESRCH);
	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_SUPPORTED_MASK | PIDFD_INFO_EXIT), 0);
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_EXIT));
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_SUPPORTED_MASK));
	ASSERT_EQ(info.exit_code, status);
	ASSERT_EQ(info.supported_mask & SERIES_INFO_BITS, SERIES_INFO_BITS);
	EXPECT_EQ(close(pidfd), 0);
}

static unsigned int count_not(const unsigned char *buf, size_t from, size_t to, int val)
{
	unsigned int n = 0;

	for (; from < to; from++)
		n += buf[from] != val;
	return n;
}

/* GET_INFO of ourselves with a size-byte struct at the start of a 0xAA-filled buf. */
static int self_info_sized(unsigned char *buf, size_t bufsz, unsigned int size, __u64 mask)
{
	int self = sys_pidfd_open(getpid(), 0), ret;

	if (self < 0)
		return -1;
	memset(buf, 0xAA, bufsz);
	ret = get_info_sized(self, buf, size, mask);
	close(self);
	return ret;
}

TEST(supported_mask_struct_sizes)
{
	unsigned char buf[128];
	__u64 supported;

	if (!info_bit_supported(PIDFD_INFO_SUPPORTED_MASK))
		SKIP(return, "PIDFD_GET_INFO does not answer PIDFD_INFO_SUPPORTED_MASK");

	/* Too small for supported_mask: nothing past the struct. */
	ASSERT_EQ(self_info_sized(buf, sizeof(buf), PIDFD_INFO_SIZE_VER1,
				  PIDFD_INFO_SUPPORTED_MASK), 0);
	ASSERT_EQ(count_not(buf, PIDFD_INFO_SIZE_VER1, sizeof(buf), 0xAA), 0U);
	ASSERT_EQ(self_info_sized(buf, sizeof(buf), PIDFD_INFO_SIZE_VER0,
				  PIDFD_INFO_SUPPORTED_MASK), 0);
	ASSERT_EQ(count_not(buf, PIDFD_INFO_SIZE_VER0, sizeof(buf), 0xAA), 0U);

	/* Larger: the field, a zeroed tail, nothing past the struct. */
	ASSERT_EQ(self_info_sized(buf, sizeof(buf), 96, PIDFD_INFO_SUPPORTED_MASK), 0);
	memcpy(&supported, buf + 72, sizeof(supported));
	ASSERT_EQ(supported & SERIES_INFO_BITS, SERIES_INFO_BITS);
	ASSERT_EQ(count_not(buf, PIDFD_INFO_SIZE_VER2, 96, 0), 0U);
	ASSERT_EQ(count_not(buf, 96, sizeof(buf), 0xAA), 0U);
}

/* ---- PIDFD_INFO_COREDUMP ---- */

/* A child that makes itself non-dumpable if asked, and waits on *go. */
static pid_t dumpable_child(int dumpable, int *pidfd, int *go)
{
	int g[2], r[2];
	pid_t pid;
	char c;

	if (pipe2(g, O_CLOEXEC) || pipe2(r, O_CLOEXEC))
		return -1;
	pid = clone3_child(CLONE_PIDFD, pidfd, SIGCHLD);
	if (pid == 0) {
		close(g[1]);
		close(r[0]);
		if (prctl(PR_SET_DUMPABLE, dumpable, 0, 0, 0))
			_exit(EXIT_FAILURE);
		close(r[1]);
		while (read(g[0], &c, 1) < 0 && errno == EINTR)
			;
		_exit(EXIT_SUCCESS);
	}
	close(g[0]);
	close(r[1]);
	while (read(r[0], &c, 1) < 0 && errno == EINTR)
		;
	close(r[0]);
	*go = g[1];
	return pid;
}

TEST(coredump_mask_live)
{
	struct pidfd_info_v2 info;
	int pidfd = -1, go;
	pid_t pid;

	if (!info_bit_supported(PIDFD_INFO_COREDUMP))
		SKIP(return, "PIDFD_GET_INFO does not answer PIDFD_INFO_COREDUMP");
	pid = dumpable_child(1, &pidfd, &go);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_COREDUMP), 0);
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_COREDUMP));
	ASSERT_EQ(info.coredump_mask, PIDFD_COREDUMP_USER);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);

	pid = dumpable_child(0, &pidfd, &go);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_COREDUMP), 0);
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_COREDUMP));
	ASSERT_EQ(info.coredump_mask, PIDFD_COREDUMP_SKIP);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	EXPECT_EQ(close(pidfd), 0);
}

/*
 * No mm any more, and no coredump socket recorded a dump: the bit with
 * an empty coredump_mask, for the zombie and, with PIDFD_INFO_EXIT, after
 * the reap.
 */
TEST(coredump_mask_exited)
{
	struct pidfd_info_v2 info;
	int pidfd = -1, go, status;
	siginfo_t si = {};
	pid_t pid;

	if (!info_bit_supported(PIDFD_INFO_COREDUMP))
		SKIP(return, "PIDFD_GET_INFO does not answer PIDFD_INFO_COREDUMP");
	pid = blocked_child(CLONE_PIDFD, &pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	ASSERT_EQ(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0), 0);
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT), 0);
	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_COREDUMP), 0);
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_COREDUMP));
	ASSERT_EQ(info.coredump_mask, 0U);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);

	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_COREDUMP), -1);
	ASSERT_EQ(errno, ESRCH);
	ASSERT_EQ(get_info(pidfd, &info, PIDFD_INFO_COREDUMP | PIDFD_INFO_EXIT), 0);
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_COREDUMP));
	ASSERT_TRUE(!!(info.mask & PIDFD_INFO_EXIT));
	ASSERT_EQ(info.coredump_mask, 0U);
	ASSERT_EQ(info.exit_code, status);
	close(go);
	EXPECT_EQ(close(pidfd), 0);
}

/* A 64-byte struct cannot hold coredump_mask: nothing is written past it. */
TEST(coredump_mask_small_struct)
{
	unsigned char buf[128];
	__u64 mask;

	if (!info_bit_supported(PIDFD_INFO_COREDUMP))
		SKIP(return, "PIDFD_GET_INFO does not answer PIDFD_INFO_COREDUMP");
	ASSERT_EQ(self_info_sized(buf, sizeof(buf), PIDFD_INFO_SIZE_VER0, PIDFD_INFO_COREDUMP), 0);
	memcpy(&mask, buf, sizeof(mask));
	ASSERT_TRUE(!!(mask & PIDFD_INFO_COREDUMP));
	ASSERT_EQ(count_not(buf, PIDFD_INFO_SIZE_VER0, sizeof(buf), 0xAA), 0U);
}

TEST_HARNESS_MAIN
