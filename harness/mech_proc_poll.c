// SPDX-License-Identifier: GPL-2.0
/*
 * proc-poll: stat("/proc/<pid>") every interval (default 1 ms).  A zombie
 * keeps its /proc entry, so the children are autoreaped; racy under pid
 * reuse (a recycled pid looks alive), and no exit status.
 */
#include <stdlib.h>
#include <sys/stat.h>
#include "ew.h"

static int pr_dead(pid_t pid)
{
	char path[32];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return stat(path, &st) < 0 && errno == ENOENT;
}

static int pr_probe(char *why, size_t len)
{
	return 0;
}

static int pr_wait(struct watcher *w, struct ew_notice *out, int max, int timeout_ms)
{
	return ew_poll_scan(w, w->priv, pr_dead, out, max, timeout_ms);
}

const struct watcher_ops ew_proc_poll_ops = {
	.name = "proc-poll",
	.how = "stat(\"/proc/<pid>\") every interval; racy under pid reuse",
	.flags = EW_AUTOREAP | EW_POLLS,
	.probe = pr_probe,
	.init = ew_pollset_init,
	.add = ew_pollset_add,
	.wait = pr_wait,
	.fini = ew_pollset_fini,
};
