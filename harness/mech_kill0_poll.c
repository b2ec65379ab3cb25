// SPDX-License-Identifier: GPL-2.0
/*
 * kill0-poll: kill(pid, 0) every interval (default 1 ms).  A zombie still
 * answers, so the children are autoreaped; racy under pid reuse, no status.
 */
#include "ew.h"

static int k0_dead(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static int k0_probe(char *why, size_t len)
{
	return 0;
}

static int k0_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	return ew_poll_scan(w, w->priv, k0_dead, out, max, timeout_ms);
}

const struct watcher_ops ew_kill0_poll_ops = {
	.name = "kill0-poll",
	.how = "kill(pid, 0) every interval; racy under pid reuse",
	.flags = EW_AUTOREAP | EW_POLLS,
	.probe = k0_probe,
	.init = ew_pollset_init,
	.add = ew_pollset_add,
	.wait = k0_wait,
	.fini = ew_pollset_fini,
};
