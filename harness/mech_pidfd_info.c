// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd-info: a watcher that is not the reaper.  Children are autoreaped
 * (SIGCHLD ignored), the watcher's epoll set asks for no event but the
 * implicit EPOLLHUP, which comes once the child is reaped (6.9+); then
 * PIDFD_GET_INFO with PIDFD_INFO_EXIT (6.15+, F5) gives the wait status.
 *
 * autoreap-info: the same watcher for children made with
 * clone3(CLONE_AUTOREAP) (7.1, F9): the kernel reaps each child at its exit
 * whatever SIGCHLD's disposition, and nobody calls a wait at all.
 */
#include <stdlib.h>
#include <sys/epoll.h>
#include "ew.h"

struct pi_priv {
	int epfd;
	struct epoll_event evs[1024];
};

static int pi_probe(char *why, size_t len)
{
	if (!ew_has_pidfd_get_info()) {
		snprintf(why, len, "no PIDFD_GET_INFO ioctl (needs 6.13+ or the patched 6.1)");
		return -1;
	}
	if (!ew_has_poll_hup()) {
		snprintf(why, len, "no EPOLLHUP on a reaped pidfd (needs 6.9+ or the patched 6.1)");
		return -1;
	}
	if (!ew_has_pidfd_info_exit()) {
		snprintf(why, len, "no PIDFD_INFO_EXIT (needs 6.15+ or the patched 6.1)");
		return -1;
	}
	return 0;
}

static int ar_probe(char *why, size_t len)
{
	if (pi_probe(why, len))
		return -1;
	if (!ew_has_clone_autoreap()) {
		snprintf(why, len, "no CLONE_AUTOREAP (needs 7.1+ or the patched 6.1)");
		return -1;
	}
	return 0;
}

static int pi_init(struct watcher *w)
{
	struct pi_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (p->epfd < 0) {
		free(p);
		return -errno;
	}
	w->priv = p;
	return 0;
}

static int pi_add(struct watcher *w, pid_t pid, int pidfd)
{
	struct pi_priv *p = w->priv;
	/* no events asked: only the implicit EPOLLHUP (reaped) wakes us */
	struct epoll_event ev = { .events = 0 };

	ev.data.u64 = ((uint64_t)(uint32_t)pid << 32) | (uint32_t)pidfd;
	w->add_syscalls++;
	return epoll_ctl(p->epfd, EPOLL_CTL_ADD, pidfd, &ev) ? -errno : 0;
}

static int pi_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	struct pi_priv *p = w->priv;
	int n, i;
	uint64_t t;

	if (max > 1024)
		max = 1024;
	n = epoll_wait(p->epfd, p->evs, max, timeout_ms);
	t = ew_now_ns();
	w->syscalls++;
	if (n < 0)
		return errno == EINTR ? 0 : -errno;
	for (i = 0; i < n; i++) {
		int fd = (int)(uint32_t)p->evs[i].data.u64;
		struct ew_pidfd_info info;

		out[i].pid = (pid_t)(p->evs[i].data.u64 >> 32);
		out[i].t_user = t;
		out[i].has_status = ew_pidfd_get_info(fd, &info, EW_PIDFD_INFO_EXIT) == 0 &&
				    (info.mask & EW_PIDFD_INFO_EXIT);
		out[i].status = out[i].has_status ? info.exit_code : 0;
		/* out of the set first: a forked helper may hold a copy of the fd */
		epoll_ctl(p->epfd, EPOLL_CTL_DEL, fd, NULL);
		close(fd);
		w->syscalls += 3;
	}
	return n;
}

static void pi_fini(struct watcher *w)
{
	struct pi_priv *p = w->priv;

	close(p->epfd);
	free(p);
}

const struct watcher_ops ew_pidfd_info_ops = {
	.name = "pidfd-info",
	.how = "non-parent: EPOLLHUP on the pidfd, then PIDFD_GET_INFO(PIDFD_INFO_EXIT) for the status",
	.flags = EW_NEEDS_PIDFD | EW_AUTOREAP,
	.probe = pi_probe,
	.init = pi_init,
	.add = pi_add,
	.wait = pi_wait,
	.fini = pi_fini,
};

const struct watcher_ops ew_autoreap_info_ops = {
	.name = "autoreap-info",
	.how = "CLONE_AUTOREAP children, no wait: EPOLLHUP on the pidfd, then PIDFD_GET_INFO(PIDFD_INFO_EXIT)",
	.flags = EW_NEEDS_PIDFD | EW_CLONE_AUTOREAP,
	.probe = ar_probe,
	.init = pi_init,
	.add = pi_add,
	.wait = pi_wait,
	.fini = pi_fini,
};
