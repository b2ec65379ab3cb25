/* SPDX-License-Identifier: GPL-2.0 */
/*
 * summary.h - the report's opening summary (issue 17): the mechanisms
 * ranked by the run's figures, and for each use case the mechanism the
 * figures favour, with the reason.  Pure: the figures come in, the order
 * and the choices go out (report_summary.c reads them from the JSON).
 */
#ifndef EXITWATCH_SUMMARY_H
#define EXITWATCH_SUMMARY_H

#include <stddef.h>

struct ew_mech_fig {
	const char *name;
	double t2u_p50, t2u_p99;	/* ns, burst N=1 trigger->user; NAN: not measured */
	double cpu_per_exit;		/* ns, watcher CPU per exit at the summary's burst size */
	double status_frac;		/* statuses recovered / expected; NAN: none expected */
	double reuse_wrong_pct;		/* wrong answers per 100 under pid reuse; NAN: not measured */
	double heavy_after_freed;	/* ns, heavy sweep: exit->notice p50 - exit->freed p50, mean over sizes; NAN */
	double errors;			/* missed + false notices over the run's cells */
	int parent_only;		/* only the parent can use it */
	int fd;				/* gives a file descriptor an event loop can wait on */
	int measured;			/* has burst N=1 figures */
};

enum ew_use_case { EW_UC_LMK, EW_UC_SERVICE_MANAGER, EW_UC_EVENT_LOOP, EW_UC_NON_PARENT, EW_UC_NR };

/* who may use it and whether it gives an fd, by mechanism name (fixed facts, not figures) */
const char *ew_mech_who(const char *name);
int ew_mech_gives_fd(const char *name);

/* 1: a wrong or missed answer in this run or under pid reuse */
int ew_fig_wrong(const struct ew_mech_fig *f);

/*
 * order[] gets the indices of figs ranked: measured before unmeasured,
 * mechanisms without wrong answers before those with, then by trigger->user
 * p50, then p99.  Returns how many were ranked (all n).
 */
int ew_summary_rank(const struct ew_mech_fig *figs, int n, int *order);

/*
 * the mechanism the figures favour for a use case, or -1; why gets the
 * reason with the figures behind it
 */
int ew_use_case_pick(const struct ew_mech_fig *figs, int n, enum ew_use_case uc, char *why, size_t len);
const char *ew_use_case_name(enum ew_use_case uc);

/*
 * wrong answers under pid reuse from results/reliability: pid_reuse.dat
 * (columns lag asked proc_wrong kill0_wrong pidfd_wrong ...) and
 * pid_reuse_harness.dat (mechanism interval n exits missed false ...);
 * fills reuse_wrong_pct of the mechanisms they cover.  0 or -errno.
 */
int ew_reuse_read(const char *dir, struct ew_mech_fig *figs, int n);

#endif
