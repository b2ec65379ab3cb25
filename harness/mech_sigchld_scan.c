// SPDX-License-Identifier: GPL-2.0
/*
 * sigchld-scan: the classic parent.  SIGCHLD (blocked in every thread,
 * read through a signalfd) says "some child changed"; the parent then tries
 * waitid(P_PID, WNOHANG) on every child it knows: O(N) per event.
 */
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include "ew.h"

struct sc_priv {
	struct ew_pidset set;
	int sfd, kickfd;
	pid_t *pids;
	int cap;
};

static int sc_probe(char *why, size_t len)
{
	return 0;
}

static int sc_init(struct watcher *w)
{
	struct sc_priv *p = calloc(1, sizeof(*p));
	struct signalfd_siginfo ssi;
	sigset_t set;

	if (!p)
		return -ENOMEM;
	/* main() blocked SIGCHLD before any thread was created */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	p->sfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	p->kickfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (p->sfd < 0 || p->kickfd < 0 || ew_pidset_init(&p->set, w->capacity + 1)) {
		free(p);
		return -errno ? -errno : -ENOMEM;
	}
	/* forget SIGCHLDs of earlier runs */
	while (read(p->sfd, &ssi, sizeof(ssi)) > 0)
		;
	w->priv = p;
	return 0;
}

static int sc_add(struct watcher *w, pid_t pid, int pidfd)
{
	struct sc_priv *p = w->priv;

	return ew_pidset_add(&p->set, pid, -1);
}

/* a child may have exited before it was added: rescan on new children */
static void sc_added(struct watcher *w)
{
	struct sc_priv *p = w->priv;
	uint64_t one = 1;

	w->add_syscalls++;
	if (write(p->kickfd, &one, sizeof(one)) < 0)
		return;
}

static int sc_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	struct sc_priv *p = w->priv;
	struct pollfd pfd[2] = { { p->sfd, POLLIN, 0 }, { p->kickfd, POLLIN, 0 } };
	struct signalfd_siginfo ssi[16];
	int n, i, got = 0, r;
	uint64_t v;

	r = poll(pfd, 2, timeout_ms);
	w->syscalls++;
	if (r < 0)
		return errno == EINTR ? 0 : -errno;
	if (r == 0)
		return 0;
	if (pfd[0].revents) {
		w->syscalls++;
		if (read(p->sfd, ssi, sizeof(ssi)) < 0)
			return -errno;
	}
	if (pfd[1].revents) {
		w->syscalls++;
		if (read(p->kickfd, &v, sizeof(v)) < 0)
			v = 0;
	}
	if (p->cap < p->set.cap) {
		free(p->pids);
		p->cap = p->set.cap;
		p->pids = calloc(p->cap, sizeof(*p->pids));
		if (!p->pids)
			return -ENOMEM;
	}
	n = ew_pidset_snapshot(&p->set, p->pids, NULL, p->cap);
	for (i = 0; i < n && got < max; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		w->syscalls++;
		if (sys_waitid(P_PID, p->pids[i], &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
			continue;
		out[got].pid = si.si_pid;
		out[got].t_user = ew_now_ns();	/* known once its waitid returned */
		out[got].status = ew_status_from_siginfo(&si);
		out[got].has_status = 1;
		ew_pidset_remove(&p->set, si.si_pid);
		got++;
	}
	/* out of room before the end of the scan: scan again next time */
	if (got >= max) {
		uint64_t one = 1;

		w->syscalls++;
		if (write(p->kickfd, &one, sizeof(one)) < 0)
			return got;
	}
	return got;
}

static void sc_fini(struct watcher *w)
{
	struct sc_priv *p = w->priv;

	ew_pidset_fini(&p->set);
	close(p->sfd);
	close(p->kickfd);
	free(p->pids);
	free(p);
}

const struct watcher_ops ew_sigchld_scan_ops = {
	.name = "sigchld-scan",
	.how = "SIGCHLD via signalfd, then waitid(P_PID, WNOHANG) over every known child: O(N) per event",
	.flags = EW_PARENT_ONLY,
	.probe = sc_probe,
	.init = sc_init,
	.add = sc_add,
	.added = sc_added,
	.wait = sc_wait,
	.fini = sc_fini,
};
