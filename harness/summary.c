// SPDX-License-Identifier: GPL-2.0
/*
 * summary.c - rank the mechanisms and pick one per use case from the
 * figures of a run (issue 17).  Nothing here names a winner: the rules are
 * the requirements of each use case, the choice among the mechanisms that
 * meet them is the best figure.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "summary.h"

static const struct {
	const char *name, *who;
	int fd;
} facts[] = {
	{ "pidfd-epoll", "any process that can see the pid (pidfd_open); the status needs the parent (waitid P_PIDFD)", 1 },
	{ "pidfd-poll", "any process that can see the pid (pidfd_open); the status needs the parent", 1 },
	{ "waitid", "the parent only", 0 },
	{ "sigchld-scan", "the parent only (SIGCHLD via signalfd)", 1 },
	{ "proc-poll", "anyone who can see /proc/<pid>", 0 },
	{ "kill0-poll", "anyone (EPERM also means alive)", 0 },
	{ "cn-proc", "CAP_NET_ADMIN in the initial pid namespace; sees every exit on the machine", 1 },
	{ "uring-waitid", "the parent only (io_uring, 6.7+)", 1 },
	{ "pidfd-info", "any process that can see the pid; status from PIDFD_INFO_EXIT (6.15+)", 1 },
	{ "autoreap-info", "the creator of a clone3(CLONE_AUTOREAP) child, through its pidfd (7.1+)", 1 },
};

static int fact(const char *name)
{
	for (size_t i = 0; name && i < sizeof(facts) / sizeof(facts[0]); i++)
		if (!strcmp(facts[i].name, name))
			return (int)i;
	return -1;
}

const char *ew_mech_who(const char *name)
{
	int i = fact(name);

	return i < 0 ? "?" : facts[i].who;
}

int ew_mech_gives_fd(const char *name)
{
	int i = fact(name);

	return i >= 0 && facts[i].fd;
}

int ew_fig_wrong(const struct ew_mech_fig *f)
{
	return (isfinite(f->errors) && f->errors > 0) || (isfinite(f->reuse_wrong_pct) && f->reuse_wrong_pct > 0);
}

/* NAN sorts last */
static int cmp_num(double a, double b)
{
	if (isnan(a) || isnan(b))
		return isnan(a) - isnan(b);
	return (a > b) - (a < b);
}

static const struct ew_mech_fig *rank_base;

static int cmp_rank(const void *x, const void *y)
{
	const struct ew_mech_fig *a = &rank_base[*(const int *)x], *b = &rank_base[*(const int *)y];
	int d;

	if (a->measured != b->measured)
		return b->measured - a->measured;
	d = ew_fig_wrong(a) - ew_fig_wrong(b);
	if (d)
		return d;
	d = cmp_num(a->t2u_p50, b->t2u_p50);
	if (d)
		return d;
	d = cmp_num(a->t2u_p99, b->t2u_p99);
	return d ? d : (*(const int *)x - *(const int *)y);
}

int ew_summary_rank(const struct ew_mech_fig *figs, int n, int *order)
{
	for (int i = 0; i < n; i++)
		order[i] = i;
	rank_base = figs;
	qsort(order, n, sizeof(*order), cmp_rank);
	rank_base = NULL;
	return n;
}

const char *ew_use_case_name(enum ew_use_case uc)
{
	static const char *const names[EW_UC_NR] = {
		"low-memory killer", "service manager", "event loop", "non-parent monitor",
	};

	return uc < EW_UC_NR ? names[uc] : "?";
}

/* the requirement of a use case */
static int eligible(const struct ew_mech_fig *f, enum ew_use_case uc)
{
	if (!f->measured || ew_fig_wrong(f))
		return 0;
	switch (uc) {
	case EW_UC_LMK:		/* kills processes it did not start */
	case EW_UC_NON_PARENT:
		return !f->parent_only;
	case EW_UC_SERVICE_MANAGER:	/* restarts by exit status */
		return isfinite(f->status_frac) && f->status_frac >= 1.0;
	case EW_UC_EVENT_LOOP:		/* one more fd in its epoll set */
		return f->fd;
	default:
		return 0;
	}
}

/* the figure a use case is decided by, lower is better */
static double key(const struct ew_mech_fig *f, enum ew_use_case uc)
{
	switch (uc) {
	case EW_UC_LMK:
		return isfinite(f->heavy_after_freed) ? f->heavy_after_freed : f->t2u_p50;
	case EW_UC_SERVICE_MANAGER:
		return f->t2u_p99;
	case EW_UC_EVENT_LOOP:
		return f->cpu_per_exit;
	default:
		return f->t2u_p50;
	}
}

int ew_use_case_pick(const struct ew_mech_fig *figs, int n, enum ew_use_case uc, char *why, size_t len)
{
	int best = -1, second = -1, cands = 0;

	for (int i = 0; i < n; i++) {
		if (!eligible(&figs[i], uc) || isnan(key(&figs[i], uc)))
			continue;
		cands++;
		if (best < 0 || cmp_num(key(&figs[i], uc), key(&figs[best], uc)) < 0) {
			second = best;
			best = i;
		} else if (second < 0 || cmp_num(key(&figs[i], uc), key(&figs[second], uc)) < 0) {
			second = i;
		}
	}
	if (best < 0) {
		snprintf(why, len, "no measured mechanism meets the requirement");
		return -1;
	}
	{
		const struct ew_mech_fig *b = &figs[best];
		double kb = key(b, uc), ks = second >= 0 ? key(&figs[second], uc) : NAN;
		char next[160] = "";

		if (second >= 0)
			snprintf(next, sizeof(next), "; next %s, %.1f us", figs[second].name, ks / 1e3);
		switch (uc) {
		case EW_UC_LMK:
			snprintf(why, len, "not parent-only, no wrong answer; %s: %.1f us%s (best of %d)",
				 isfinite(b->heavy_after_freed) ? "least time from the victim's memory freed to the notice "
				 "(heavy sweep, p50, mean over sizes)" : "lowest trigger->user p50",
				 kb / 1e3, next, cands);
			break;
		case EW_UC_SERVICE_MANAGER:
			snprintf(why, len, "recovers every exit status, no wrong answer; lowest trigger->user p99: %.1f us%s (best of %d)",
				 kb / 1e3, next, cands);
			break;
		case EW_UC_EVENT_LOOP:
			snprintf(why, len, "gives an fd to wait on, no wrong answer; least watcher CPU per exit: %.1f us%s (best of %d)",
				 kb / 1e3, next, cands);
			break;
		default:
			snprintf(why, len, "not parent-only, no wrong answer; lowest trigger->user p50: %.1f us%s (best of %d)",
				 kb / 1e3, next, cands);
			break;
		}
	}
	return best;
}

static struct ew_mech_fig *by_name(struct ew_mech_fig *figs, int n, const char *name)
{
	for (int i = 0; i < n; i++)
		if (figs[i].name && !strcmp(figs[i].name, name))
			return &figs[i];
	return NULL;
}

/* a wrong-answer rate: the larger of what the sources say */
static void put_wrong(struct ew_mech_fig *f, double pct)
{
	if (f && (isnan(f->reuse_wrong_pct) || pct > f->reuse_wrong_pct))
		f->reuse_wrong_pct = pct;
}

int ew_reuse_read(const char *dir, struct ew_mech_fig *figs, int n)
{
	char path[4096], line[512], mech[64];
	double asked = 0, wrong[3] = { 0 };
	FILE *f;
	int found = 0;

	snprintf(path, sizeof(path), "%s/pid_reuse.dat", dir);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			double lag, a, w0, w1, w2;

			if (line[0] == '#' || sscanf(line, "%lf %lf %lf %lf %lf", &lag, &a, &w0, &w1, &w2) != 5)
				continue;
			asked += a;
			wrong[0] += w0;
			wrong[1] += w1;
			wrong[2] += w2;
		}
		fclose(f);
		if (asked > 0) {
			static const char *const pidfd_mechs[] = { "pidfd-epoll", "pidfd-poll", "pidfd-info" };

			put_wrong(by_name(figs, n, "proc-poll"), 100 * wrong[0] / asked);
			put_wrong(by_name(figs, n, "kill0-poll"), 100 * wrong[1] / asked);
			for (int i = 0; i < 3; i++)
				put_wrong(by_name(figs, n, pidfd_mechs[i]), 100 * wrong[2] / asked);
			found = 1;
		}
	}
	snprintf(path, sizeof(path), "%s/pid_reuse_harness.dat", dir);
	f = fopen(path, "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			double iv, nn, exits, missed, fals;

			if (line[0] == '#' || sscanf(line, "%63s %lf %lf %lf %lf %lf", mech, &iv, &nn, &exits, &missed,
						      &fals) != 6 || exits <= 0)
				continue;
			put_wrong(by_name(figs, n, mech), 100 * (missed + fals) / exits);
			found = 1;
		}
		fclose(f);
	}
	return found ? 0 : -ENOENT;
}
