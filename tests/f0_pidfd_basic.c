// SPDX-License-Identifier: GPL-2.0
/*
 * Pidfd behaviour that Linux 6.1 already has: pidfd_open, POLLIN on exit,
 * waitid(P_PIDFD), pidfd_send_signal and clone3 with CLONE_PIDFD.  These
 * must pass on every kernel of the matrix.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"

/* a blocked child (ew_spawn_blocked) or the end of the test */
static pid_t spawn_blocked(int *pidfd, int *go_fd, int code)
{
	pid_t pid = ew_spawn_blocked(pidfd, go_fd, code);

	ASSERT_GE(pid, 0);
	return pid;
}

static short poll_now(int fd, int timeout_ms)
{
	short rev = ew_poll(fd, POLLIN, timeout_ms);

	ASSERT_GE(rev, 0);
	return rev;
}

TEST(pidfd_open_rejects_bad_arguments)
{
	EXPECT_ERRNO(sys_pidfd_open(getpid(), ~0U), EINVAL);
	EXPECT_ERRNO(sys_pidfd_open(getpid(), O_CLOEXEC), EINVAL);
	EXPECT_ERRNO(sys_pidfd_open(0, 0), EINVAL);
	EXPECT_ERRNO(sys_pidfd_open(-1, 0), EINVAL);
}

TEST(pidfd_open_reaped_is_esrch)
{
	pid_t pid = fork();

	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(0);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	EXPECT_ERRNO(sys_pidfd_open(pid, 0), ESRCH);
}

TEST(pidfd_open_self_and_fdinfo)
{
	char path[64], buf[4096], want[32];
	int fd, info, flags;
	ssize_t n;

	fd = ASSERT_OK(sys_pidfd_open(getpid(), PIDFD_NONBLOCK));
	flags = fcntl(fd, F_GETFD);
	EXPECT_TRUE(flags & FD_CLOEXEC);
	EXPECT_TRUE(fcntl(fd, F_GETFL) & O_NONBLOCK);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	info = ASSERT_OK(open(path, O_RDONLY | O_CLOEXEC));
	n = read(info, buf, sizeof(buf) - 1);
	close(info);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "Pid:\t%d\n", getpid());
	EXPECT_TRUE(strstr(buf, want) != NULL);
	close(fd);
}

TEST(poll_silent_while_running_in_on_exit)
{
	int pidfd, go;
	pid_t pid = spawn_blocked(&pidfd, &go, 3);
	short rev;

	EXPECT_EQ(poll_now(pidfd, 0), 0);
	close(go);
	rev = poll_now(pidfd, 10000);
	EXPECT_TRUE(rev & POLLIN);
	/* exited, not yet reaped: readable, no hang-up on any kernel */
	EXPECT_FALSE(rev & POLLHUP);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);
}

TEST(waitid_p_pidfd_reports_status)
{
	siginfo_t si;
	int pidfd, go;
	pid_t pid = spawn_blocked(&pidfd, &go, 42);

	memset(&si, 0, sizeof(si));
	EXPECT_EQ(sys_waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG), 0);
	EXPECT_EQ(si.si_pid, 0);	/* still running */
	close(go);
	ASSERT_EQ(sys_waitid(P_PIDFD, pidfd, &si, WEXITED), 0);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_code, CLD_EXITED);
	EXPECT_EQ(si.si_status, 42);
	/* reaped: nothing left to wait for */
	EXPECT_ERRNO(sys_waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG), ECHILD);
	close(pidfd);
}

TEST(waitid_p_pidfd_rejects_non_pidfd)
{
	siginfo_t si;
	int fd = ASSERT_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));

	EXPECT_ERRNO(sys_waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG), EBADF);
	EXPECT_ERRNO(sys_waitid(P_PIDFD, -1, &si, WEXITED | WNOHANG), EINVAL);
	close(fd);
}

TEST(pidfd_send_signal_kills_and_fails_after_reap)
{
	siginfo_t si;
	int pidfd, go;
	pid_t pid = spawn_blocked(&pidfd, &go, 0);

	EXPECT_ERRNO(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0x80000000u), EINVAL);
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0));
	ASSERT_EQ(sys_waitid(P_PIDFD, pidfd, &si, WEXITED), 0);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_code, CLD_KILLED);
	EXPECT_EQ(si.si_status, SIGKILL);
	EXPECT_ERRNO(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0), ESRCH);
	close(go);
	close(pidfd);
}

TEST(pidfd_send_signal_rejects_non_pidfd)
{
	int fd = ASSERT_OK(open("/proc/self/status", O_RDONLY | O_CLOEXEC));

	EXPECT_ERRNO(sys_pidfd_send_signal(fd, 0, NULL, 0), EBADF);
	EXPECT_ERRNO(sys_pidfd_send_signal(-1, 0, NULL, 0), EBADF);
	close(fd);
}

TEST(clone3_clone_pidfd_refers_to_child)
{
	struct ew_clone_args args;
	char path[64], buf[4096], want[32];
	int pidfd = -1, info;
	siginfo_t si;
	ssize_t n;
	pid_t pid;

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PIDFD;
	args.pidfd = (uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	pid = sys_clone3(&args, sizeof(args));
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(5);
	ASSERT_GE(pidfd, 0);
	EXPECT_TRUE(fcntl(pidfd, F_GETFD) & FD_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", pidfd);
	info = ASSERT_OK(open(path, O_RDONLY | O_CLOEXEC));
	n = read(info, buf, sizeof(buf) - 1);
	close(info);
	ASSERT_GT(n, 0);
	buf[n] = '\0';
	snprintf(want, sizeof(want), "Pid:\t%d\n", pid);
	EXPECT_TRUE(strstr(buf, want) != NULL);
	ASSERT_EQ(sys_waitid(P_PIDFD, pidfd, &si, WEXITED), 0);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_status, 5);
	close(pidfd);
}

TEST(clone3_clone_pidfd_rejects_detached)
{
	struct ew_clone_args args;
	int pidfd = -1;

	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PIDFD | CLONE_DETACHED;
	args.pidfd = (uintptr_t)&pidfd;
	args.exit_signal = SIGCHLD;
	EXPECT_ERRNO(sys_clone3(&args, sizeof(args)), EINVAL);
	EXPECT_EQ(pidfd, -1);
}
