// SPDX-License-Identifier: GPL-2.0
/*
 * ew-spawner - forks exitwatch's storm children from a small address space
 * (issue 17; protocol in ../spawner.h).  Static, no libraries beyond libc:
 * what a child copies at fork and tears down at exit does not grow with
 * exitwatch.  argv: SOCKET_FD SHM_FD.  Exits when exitwatch closes the
 * socket (or dies: PR_SET_PDEATHSIG).
 *
 * clone3(CLONE_PARENT) makes every child exitwatch's child, so waitid(),
 * SIGCHLD and pidfds work there exactly as for a child it forked itself;
 * CLONE_FILES, as before, so neither fork nor exit copies or closes fds.
 */
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include "pidfd_uapi.h"
#include "child.h"
#include "spawner.h"

static void reply(int sock, pid_t pid, int err, int pidfd)
{
	struct ew_spawn_rep rep = { .pid = pid > 0 ? pid : 0, .err = err };
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1 };
	struct cmsghdr *cm;

	if (pidfd >= 0) {
		memset(cbuf, 0, sizeof(cbuf));
		mh.msg_control = cbuf;
		mh.msg_controllen = sizeof(cbuf);
		cm = CMSG_FIRSTHDR(&mh);
		cm->cmsg_level = SOL_SOCKET;
		cm->cmsg_type = SCM_RIGHTS;
		cm->cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(cm), &pidfd, sizeof(int));
	}
	while (sendmsg(sock, &mh, MSG_NOSIGNAL) < 0 && errno == EINTR)
		;
	if (pidfd >= 0)
		close(pidfd);
}

int main(int argc, char **argv)
{
	struct ew_shm *shm;
	int sock, shm_fd;

	if (argc != 3)
		return 2;
	sock = atoi(argv[1]);
	shm_fd = atoi(argv[2]);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, shm_fd, 0);
	close(shm_fd);
	if (shm == MAP_FAILED)
		return 1;
	for (;;) {
		struct ew_spawn_req rq;
		struct ew_clone_args a;
		int pidfd = -1;
		pid_t pid;

		ssize_t n = recv(sock, &rq, sizeof(rq), 0);

		if (n < 0 && errno == EINTR)
			continue;
		if (n != sizeof(rq))
			return 0;	/* exitwatch closed the socket */
		memset(&a, 0, sizeof(a));
		a.flags = CLONE_PARENT | CLONE_FILES | (rq.want_pidfd ? CLONE_PIDFD : 0);
		a.pidfd = (uint64_t)(uintptr_t)&pidfd;
		a.exit_signal = 0;	/* CLONE_PARENT: the child gets our exit signal, SIGCHLD */
		pid = sys_clone3(&a, sizeof(a));
		if (pid == 0)
			child_body(shm, rq.kind, rq.idx, rq.heavy_mb, rq.stagger_ms);
		reply(sock, pid, pid < 0 ? errno : 0, pidfd);
	}
}
