// SPDX-License-Identifier: GPL-2.0
/*
 * waitid: the parent blocks in waitid(P_ALL, WEXITED).  The run keeps a
 * sentinel child alive so the call blocks instead of failing with ECHILD;
 * the run stops the watcher with a signal (EINTR).
 */
#include "ew.h"

static int wi_probe(char *why, size_t len)
{
	return 0;
}

static int wi_init(struct watcher *w)
{
	return 0;
}

static int wi_add(struct watcher *w, pid_t pid, int pidfd)
{
	return 0;
}

static int wi_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	siginfo_t si;
	int n = 0;

	memset(&si, 0, sizeof(si));
	w->syscalls++;
	if (sys_waitid(P_ALL, 0, &si, WEXITED) < 0)
		return errno == EINTR ? 0 : -errno;
	out[n].t_user = ew_now_ns();
	out[n].pid = si.si_pid;
	out[n].status = ew_status_from_siginfo(&si);
	out[n].has_status = 1;
	n++;
	/* drain what else is ready without blocking */
	while (n < max) {
		memset(&si, 0, sizeof(si));
		w->syscalls++;
		if (sys_waitid(P_ALL, 0, &si, WEXITED | WNOHANG) < 0 || si.si_pid == 0)
			break;
		out[n].t_user = ew_now_ns();
		out[n].pid = si.si_pid;
		out[n].status = ew_status_from_siginfo(&si);
		out[n].has_status = 1;
		n++;
	}
	return n;
}

static void wi_fini(struct watcher *w)
{
}

const struct watcher_ops ew_waitid_ops = {
	.name = "waitid",
	.how = "blocking waitid(P_ALL, WEXITED) in the parent",
	.flags = EW_PARENT_ONLY,
	.probe = wi_probe,
	.init = wi_init,
	.add = wi_add,
	.wait = wi_wait,
	.fini = wi_fini,
};
