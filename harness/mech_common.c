// SPDX-License-Identifier: GPL-2.0
/* mech_common.c - the mechanism table and helpers shared by mech_*.c */
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include "ew.h"

const struct watcher_ops *const ew_mechanisms[] = {
	&ew_pidfd_epoll_ops, &ew_pidfd_poll_ops, &ew_waitid_ops, &ew_sigchld_scan_ops,
	&ew_proc_poll_ops, &ew_kill0_poll_ops, &ew_cn_proc_ops, &ew_uring_waitid_ops,
	&ew_pidfd_info_ops, &ew_autoreap_info_ops,
};
const int ew_nmechanisms = sizeof(ew_mechanisms) / sizeof(ew_mechanisms[0]);

const struct watcher_ops *ew_mechanism_find(const char *name)
{
	for (int i = 0; i < ew_nmechanisms; i++)
		if (!strcmp(ew_mechanisms[i]->name, name))
			return ew_mechanisms[i];
	return NULL;
}

int ew_pidset_init(struct ew_pidset *s, int cap)
{
	pthread_mutex_init(&s->lock, NULL);
	s->n = 0;
	s->cap = cap > 0 ? cap : 16;
	s->pids = calloc(s->cap, sizeof(*s->pids));
	s->fds = calloc(s->cap, sizeof(*s->fds));
	return s->pids && s->fds ? 0 : -ENOMEM;
}

int ew_pidset_add(struct ew_pidset *s, pid_t pid, int fd)
{
	int ret = 0;

	pthread_mutex_lock(&s->lock);
	if (s->n == s->cap) {
		int ncap = s->cap * 2;
		pid_t *p = realloc(s->pids, ncap * sizeof(*p));
		int *f = p ? realloc(s->fds, ncap * sizeof(*f)) : NULL;

		if (p)
			s->pids = p;
		if (f)
			s->fds = f;
		if (!p || !f)
			ret = -ENOMEM;
		else
			s->cap = ncap;
	}
	if (!ret) {
		s->pids[s->n] = pid;
		s->fds[s->n] = fd;
		s->n++;
	}
	pthread_mutex_unlock(&s->lock);
	return ret;
}

int ew_pidset_snapshot(struct ew_pidset *s, pid_t *pids, int *fds, int max)
{
	int n;

	pthread_mutex_lock(&s->lock);
	n = s->n < max ? s->n : max;
	memcpy(pids, s->pids, n * sizeof(*pids));
	if (fds)
		memcpy(fds, s->fds, n * sizeof(*fds));
	pthread_mutex_unlock(&s->lock);
	return n;
}

void ew_pidset_remove(struct ew_pidset *s, pid_t pid)
{
	pthread_mutex_lock(&s->lock);
	for (int i = 0; i < s->n; i++) {
		if (s->pids[i] == pid) {
			s->n--;
			s->pids[i] = s->pids[s->n];
			s->fds[i] = s->fds[s->n];
			break;
		}
	}
	pthread_mutex_unlock(&s->lock);
}

void ew_pidset_fini(struct ew_pidset *s)
{
	for (int i = 0; i < s->n; i++)
		if (s->fds[i] >= 0)
			close(s->fds[i]);
	free(s->pids);
	free(s->fds);
	s->pids = NULL;
	s->fds = NULL;
	s->n = 0;
	pthread_mutex_destroy(&s->lock);
}

int ew_status_from_siginfo(const siginfo_t *si)
{
	switch (si->si_code) {
	case CLD_EXITED:
		return (si->si_status & 0xff) << 8;
	case CLD_KILLED:
		return si->si_status & 0x7f;
	case CLD_DUMPED:
		return (si->si_status & 0x7f) | 0x80;
	default:
		return 0;
	}
}

int ew_kernel_version(void)
{
	struct utsname u;
	int maj = 0, min = 0;

	if (uname(&u) || sscanf(u.release, "%d.%d", &maj, &min) < 1)
		return 0;
	return maj * 1000 + min;
}

int ew_poll_scan(struct watcher *w, struct ew_pidset *set, int (*dead)(pid_t pid),
		 struct ew_notice *out, int max, int timeout_ms)
{
	uint64_t deadline = ew_now_ns() + (uint64_t)timeout_ms * 1000000ULL;
	struct timespec iv = { w->interval_us / 1000000, (w->interval_us % 1000000) * 1000L };
	pid_t *pids = NULL;
	int cap = 0, got = 0;

	for (;;) {
		int n, i;

		if (cap < set->cap) {
			free(pids);
			cap = set->cap;
			pids = calloc(cap, sizeof(*pids));
			if (!pids)
				return -ENOMEM;
		}
		n = ew_pidset_snapshot(set, pids, NULL, cap);
		for (i = 0; i < n && got < max; i++) {
			w->syscalls++;
			if (!dead(pids[i]))
				continue;
			out[got].pid = pids[i];
			out[got].t_user = ew_now_ns();
			out[got].has_status = 0;
			out[got].status = 0;
			ew_pidset_remove(set, pids[i]);
			got++;
		}
		if (got || ew_now_ns() >= deadline)
			break;
		w->syscalls++;
		if (nanosleep(&iv, NULL) && errno == EINTR)
			break;
	}
	free(pids);
	return got;
}

int ew_pollset_init(struct watcher *w)
{
	struct ew_pidset *s = calloc(1, sizeof(*s));

	if (!s || ew_pidset_init(s, w->capacity + 1)) {
		free(s);
		return -ENOMEM;
	}
	w->priv = s;
	return 0;
}

int ew_pollset_add(struct watcher *w, pid_t pid, int pidfd)
{
	return ew_pidset_add(w->priv, pid, -1);
}

void ew_pollset_fini(struct watcher *w)
{
	ew_pidset_fini(w->priv);
	free(w->priv);
}

int ew_probe_pidfd_open(char *why, size_t len)
{
	int fd = sys_pidfd_open(getpid(), 0);

	if (fd < 0) {
		snprintf(why, len, "pidfd_open: %s (needs 5.3+)", strerror(errno));
		return -1;
	}
	close(fd);
	return 0;
}
