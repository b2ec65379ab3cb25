// SPDX-License-Identifier: GPL-2.0
/* shim.c - pidfd syscalls for bench/bench.cc */
#include <stdlib.h>
#include "pidfd_uapi.h"
#include "shim.h"

int ew_shim_probe_pidfd_open(const char **why)
{
	int fd = sys_pidfd_open(getpid(), 0);

	if (fd < 0) {
		*why = "pidfd_open not supported (needs 5.3+)";
		return -errno;
	}
	close(fd);
	return 0;
}

int ew_shim_probe_clone3_pidfd(const char **why)
{
	int fd = -1;
	pid_t pid = ew_shim_spawn_clone3(&fd);

	if (pid < 0) {
		*why = "clone3 with CLONE_PIDFD not supported (needs 5.3+)";
		return pid;
	}
	return ew_shim_reap(fd);
}

int ew_shim_probe_get_info(const char **why)
{
	if (!ew_has_pidfd_get_info()) {
		*why = "PIDFD_GET_INFO not supported (needs 6.13+ or the patched 6.1)";
		return -ENOTTY;
	}
	return 0;
}

int ew_shim_probe_info_exit(const char **why)
{
	if (!ew_has_pidfd_info_exit()) {
		*why = "PIDFD_INFO_EXIT not supported (needs 6.15+ or the patched 6.1)";
		return -ENOTTY;
	}
	return 0;
}

int ew_shim_pidfd_open_close_self(void)
{
	int fd = sys_pidfd_open(getpid(), 0);

	if (fd < 0)
		return -errno;
	close(fd);
	return 0;
}

pid_t ew_shim_spawn_clone3(int *pidfd)
{
	pid_t pid = ew_fork_pidfd(pidfd, 0, SIGCHLD);

	if (pid == 0)
		_exit(0);
	return pid < 0 ? -errno : pid;
}

pid_t ew_shim_spawn_fork_open(int *pidfd)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return -errno;
	*pidfd = sys_pidfd_open(pid, 0);
	if (*pidfd < 0) {
		int e = errno;

		waitpid(pid, NULL, 0);
		return -e;
	}
	return pid;
}

int ew_shim_reap(int pidfd)
{
	siginfo_t si;
	int r = sys_waitid(P_PIDFD, pidfd, &si, WEXITED);

	r = r < 0 ? -errno : 0;
	close(pidfd);
	return r;
}

pid_t ew_shim_zombie(int *pidfd)
{
	struct pollfd p;
	pid_t pid = ew_shim_spawn_clone3(pidfd);

	if (pid < 0)
		return pid;
	p.fd = *pidfd;
	p.events = POLLIN;
	if (poll(&p, 1, 10000) != 1)
		return -ETIMEDOUT;
	return pid;
}

int ew_shim_poll_now(int pidfd)
{
	struct pollfd p = { pidfd, POLLIN, 0 };

	return poll(&p, 1, 0) < 0 ? -errno : p.revents;
}

int ew_shim_waitid_nowait(int pidfd)
{
	siginfo_t si;

	return sys_waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT) < 0 ? -errno : si.si_pid;
}

int ew_shim_get_info(int pidfd, unsigned long long mask)
{
	struct ew_pidfd_info info;

	return ew_pidfd_get_info(pidfd, &info, mask) < 0 ? -errno : (int)info.pid;
}

int ew_shim_close(int fd)
{
	return close(fd);
}

int ew_shim_self_pidfd(void)
{
	int fd = sys_pidfd_open(getpid(), 0);

	return fd < 0 ? -errno : fd;
}

int ew_shim_reap_keep(int pidfd)
{
	siginfo_t si;

	return sys_waitid(P_PIDFD, pidfd, &si, WEXITED) < 0 ? -errno : 0;
}
