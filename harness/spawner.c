// SPDX-License-Identifier: GPL-2.0
/* spawner.c - exitwatch's side of build/ew-spawner (see spawner.h) */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include "child.h"
#include "spawner.h"

extern char **environ;

struct ew_shm *ew_shm_create(int *fd)
{
	struct ew_shm *shm;

	*fd = memfd_create("exitwatch-shm", MFD_CLOEXEC);
	if (*fd < 0 || ftruncate(*fd, sizeof(*shm)) < 0)
		return NULL;
	shm = mmap(NULL, sizeof(*shm), PROT_READ | PROT_WRITE, MAP_SHARED, *fd, 0);
	return shm == MAP_FAILED ? NULL : shm;
}

void ew_helper_path(const char *name, const char *path, char *out, size_t len)
{
	char self[PATH_MAX];
	ssize_t n;

	if (path) {
		snprintf(out, len, "%s", path);
		return;
	}
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	self[n > 0 ? n : 0] = 0;
	snprintf(out, len, "%s/%s", n > 0 ? dirname(self) : ".", name);
}

static int spawn_helper(const char *path, int sock, int shm_fd, pid_t *pid)
{
	char a1[16], a2[16];
	char *argv[] = { (char *)path, a1, a2, NULL };
	posix_spawnattr_t at;
	sigset_t none, all;
	int r;

	snprintf(a1, sizeof(a1), "%d", sock);
	snprintf(a2, sizeof(a2), "%d", shm_fd);
	sigemptyset(&none);
	sigfillset(&all);
	posix_spawnattr_init(&at);
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &all);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	/* the two fds stay open across exec for this one call */
	fcntl(sock, F_SETFD, 0);
	fcntl(shm_fd, F_SETFD, 0);
	r = posix_spawn(pid, path, NULL, &at, argv, environ);
	fcntl(sock, F_SETFD, FD_CLOEXEC);
	fcntl(shm_fd, F_SETFD, FD_CLOEXEC);
	posix_spawnattr_destroy(&at);
	return -r;
}

int ew_spawner_start(struct ew_spawner *sp, int shm_fd, const char *helper, char *why, size_t len)
{
	char path[PATH_MAX];
	int sv[2], r;

	sp->pid = 0;
	sp->sock = -1;
	ew_helper_path("ew-spawner", helper, path, sizeof(path));
	if (access(path, X_OK)) {
		r = -errno;
		snprintf(why, len, "%s: %s", path, strerror(-r));
		return r;
	}
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -errno;
	r = spawn_helper(path, sv[1], shm_fd, &sp->pid);
	close(sv[1]);
	if (r) {
		close(sv[0]);
		sp->pid = 0;
		snprintf(why, len, "posix_spawn %s: %s", path, strerror(-r));
		return r;
	}
	sp->sock = sv[0];
	return 0;
}

static pid_t recv_reply(int sock, int *pidfd)
{
	struct ew_spawn_rep rep;
	char cbuf[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &rep, sizeof(rep) };
	struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1,
			     .msg_control = cbuf, .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm;
	ssize_t n;

	do
		n = recvmsg(sock, &mh, MSG_CMSG_CLOEXEC);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(rep)) {
		errno = n < 0 ? errno : EPIPE;
		return -1;
	}
	cm = CMSG_FIRSTHDR(&mh);
	if (cm && cm->cmsg_level == SOL_SOCKET && cm->cmsg_type == SCM_RIGHTS)
		memcpy(pidfd, CMSG_DATA(cm), sizeof(int));
	if (rep.pid <= 0) {
		errno = rep.err ? rep.err : EIO;
		return -1;
	}
	return rep.pid;
}

pid_t ew_spawner_child(struct ew_spawner *sp, const struct ew_spawn_req *rq, int *pidfd)
{
	ssize_t n;

	*pidfd = -1;
	do
		n = send(sp->sock, rq, sizeof(*rq), MSG_NOSIGNAL);
	while (n < 0 && errno == EINTR);
	if (n != sizeof(*rq)) {
		errno = n < 0 ? errno : EPIPE;
		return -1;
	}
	return recv_reply(sp->sock, pidfd);
}

void ew_spawner_stop(struct ew_spawner *sp)
{
	if (sp->sock >= 0)
		close(sp->sock);
	sp->sock = -1;
	if (sp->pid > 0)
		kill(sp->pid, SIGKILL);
}
