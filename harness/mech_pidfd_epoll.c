// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd-epoll: every child's pidfd (from clone3 CLONE_PIDFD) in one epoll
 * set.  EPOLLIN says the child exited; the watcher, its parent, then reaps it
 * with waitid(P_PIDFD) for the status, removes the pidfd from the set and
 * closes it: the event-loop pattern of a service manager.  (close() alone
 * drops it from the set only if no other process holds a copy of the fd,
 * e.g. one forked meanwhile: epoll(7), and then the exited pidfd fires on.)
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include "ew.h"

struct pe_priv {
	int epfd;
	struct epoll_event *evs;
	int nevs;
};

static int pe_init(struct watcher *w)
{
	struct pe_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->nevs = 1024;
	p->evs = calloc(p->nevs, sizeof(*p->evs));
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (p->epfd < 0 || !p->evs) {
		free(p->evs);
		free(p);
		return -errno;
	}
	w->priv = p;
	return 0;
}

static int pe_add(struct watcher *w, pid_t pid, int pidfd)
{
	struct pe_priv *p = w->priv;
	struct epoll_event ev = { .events = EPOLLIN };

	ev.data.u64 = ((uint64_t)(uint32_t)pid << 32) | (uint32_t)pidfd;
	w->add_syscalls++;
	return epoll_ctl(p->epfd, EPOLL_CTL_ADD, pidfd, &ev) ? -errno : 0;
}

static int pe_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	struct pe_priv *p = w->priv;
	int n, i;
	uint64_t t;

	if (max > p->nevs)
		max = p->nevs;
	n = epoll_wait(p->epfd, p->evs, max, timeout_ms);
	t = ew_now_ns();
	w->syscalls++;
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		int fd = (int)(uint32_t)p->evs[i].data.u64;
		siginfo_t si;

		out[i].pid = (pid_t)(p->evs[i].data.u64 >> 32);
		out[i].t_user = t;
		memset(&si, 0, sizeof(si));
		out[i].has_status = sys_waitid(P_PIDFD, fd, &si, WEXITED | WNOHANG) == 0 &&
				    si.si_pid == out[i].pid;
		out[i].status = out[i].has_status ? ew_status_from_siginfo(&si) : 0;
		/* out of the set first: a forked helper may hold a copy of the fd */
		epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
		w->syscalls += 3;
	}
	return n;
}

static void pe_fini(struct watcher *w)
{
	struct pe_priv *p = w->priv;

	close(p->epfd);
	free(p->evs);
	free(p);
}

const struct watcher_ops ew_pidfd_epoll_ops = {
	.name = "pidfd-epoll",
	.how = "pidfds (CLONE_PIDFD) in one epoll set; EPOLLIN, then waitid(P_PIDFD) reaps",
	.flags = EW_NEEDS_PIDFD,
	.probe = ew_probe_pidfd_open,
	.init = pe_init,
	.add = pe_add,
	.wait = pe_wait,
	.fini = pe_fini,
};
