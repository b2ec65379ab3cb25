// SPDX-License-Identifier: GPL-2.0
/*
 * kill0-poll: kill(pid, 0) every interval (default 1 ms).  A zombie still
 * answers, so the children are autoreaped; racy under pid reuse, no status.
 */
#include <stdlib.h>

#include "ew.h"

static int k0_dead(pid_t pid)
{
	return kill(pid, 0) < 0 && errno == ESRCH;
}

static int k0_probe(char *why, size_t len)
{
	return 0;
}

static int k0_init(struct watcher *w)
{
	struct ew_pidset *s = calloc(1, sizeof(*s));

	if (!s || ew_pidset_init(s, w->capacity + 1)) {
		free(s);
		return -ENOMEM;
	}
	w->priv = s;
	return 0;
}

static int k0_add(struct watcher *w, pid_t pid, int pidfd)
{
	return ew_pidset_add(w->priv, pid, -1);
}

static int k0_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	return ew_poll_scan(w, w->priv, k0_dead, out, max, timeout_ms);
}

static void k0_fini(struct watcher *w)
{
	ew_pidset_fini(w->priv);
	free(w->priv);
}

const struct watcher_ops ew_kill0_poll_ops = {
	.name = "kill0-poll",
	.how = "kill(pid, 0) every interval; racy under pid reuse",
	.flags = EW_AUTOREAP | EW_POLLS,
	.probe = k0_probe,
	.init = k0_init,
	.add = k0_add,
	.wait = k0_wait,
	.fini = k0_fini,
};
