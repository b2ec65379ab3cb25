// SPDX-License-Identifier: GPL-2.0
/*
 * pidfd-poll: poll() on the pidfds (with one child: the pidfd_poll_test
 * pattern, kill then wait for death).  With N children poll() gets all N
 * pidfds each call, so its cost per call is O(N).  An eventfd in the set lets
 * the storm say "new children", as an event loop's self-pipe would.
 */
#include <stdlib.h>
#include <sys/eventfd.h>
#include "ew.h"

struct pp_priv {
	struct ew_pidset set;
	int kickfd;
	struct pollfd *pfds;
	pid_t *pids;
	int cap;
};

static int pp_init(struct watcher *w)
{
	struct pp_priv *p = calloc(1, sizeof(*p));

	if (!p)
		return -ENOMEM;
	p->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->kickfd < 0 || ew_pidset_init(&p->set, w->capacity + 1)) {
		free(p);
		return -ENOMEM;
	}
	w->priv = p;
	return 0;
}

static int pp_add(struct watcher *w, pid_t pid, int pidfd)
{
	struct pp_priv *p = w->priv;

	return ew_pidset_add(&p->set, pid, pidfd);
}

static void pp_added(struct watcher *w)
{
	struct pp_priv *p = w->priv;
	uint64_t one = 1;

	w->add_syscalls++;
	if (write(p->kickfd, &one, sizeof(one)) < 0)
		return;
}

static int pp_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	struct pp_priv *p = w->priv;
	int n, i, got = 0, nfds;
	uint64_t t, v;

	if (p->cap < p->set.cap + 1) {
		free(p->pfds);
		free(p->pids);
		p->cap = p->set.cap + 1;
		p->pfds = calloc(p->cap, sizeof(*p->pfds));
		p->pids = calloc(p->cap, sizeof(*p->pids));
		if (!p->pfds || !p->pids)
			return -ENOMEM;
	}
	{
		int fds[p->cap];

		n = ew_pidset_snapshot(&p->set, p->pids, fds, p->cap - 1);
		for (i = 0; i < n; i++) {
			p->pfds[i].fd = fds[i];
			p->pfds[i].events = POLLIN;
			p->pfds[i].revents = 0;
		}
	}
	p->pfds[n].fd = p->kickfd;
	p->pfds[n].events = POLLIN;
	p->pfds[n].revents = 0;
	nfds = poll(p->pfds, n + 1, timeout_ms);
	t = ew_now_ns();
	w->syscalls++;
	if (nfds < 0)
		return errno == EINTR ? 0 : -errno;
	if (p->pfds[n].revents) {
		w->syscalls++;
		if (read(p->kickfd, &v, sizeof(v)) < 0)
			v = 0;
	}
	for (i = 0; i < n && got < max; i++) {
		siginfo_t si;

		if (!(p->pfds[i].revents & POLLIN))
			continue;
		out[got].pid = p->pids[i];
		out[got].t_user = t;
		memset(&si, 0, sizeof(si));
		out[got].has_status = sys_waitid(P_PIDFD, p->pfds[i].fd, &si, WEXITED | WNOHANG) == 0 &&
				      si.si_pid == p->pids[i];
		out[got].status = out[got].has_status ? ew_status_from_siginfo(&si) : 0;
		close(p->pfds[i].fd);
		w->syscalls += 2;
		ew_pidset_remove(&p->set, p->pids[i]);
		got++;
	}
	return got;
}

static void pp_fini(struct watcher *w)
{
	struct pp_priv *p = w->priv;

	ew_pidset_fini(&p->set);
	close(p->kickfd);
	free(p->pfds);
	free(p->pids);
	free(p);
}

const struct watcher_ops ew_pidfd_poll_ops = {
	.name = "pidfd-poll",
	.how = "poll() on the pidfds (one per child), then waitid(P_PIDFD) reaps",
	.flags = EW_NEEDS_PIDFD,
	.probe = ew_probe_pidfd_open,
	.init = pp_init,
	.add = pp_add,
	.added = pp_added,
	.wait = pp_wait,
	.fini = pp_fini,
};
