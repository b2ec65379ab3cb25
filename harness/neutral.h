/* SPDX-License-Identifier: GPL-2.0 */
/*
 * neutral.h - observer neutrality in the run itself (issue 17): each
 * mechanism's burst N=1 cell in short blocks with the tracer attached and
 * detached, interleaved (ABBA), and the ratio of the pooled trigger->user
 * p50s, tracer on / off
 */
#ifndef EXITWATCH_NEUTRAL_H
#define EXITWATCH_NEUTRAL_H

#include "run.h"
#include "json.h"

struct ew_shm;

struct ew_neutral_mech {
	const struct watcher_ops *ops;
	struct ew_summary on, off;	/* trigger->user, ns */
	double ratio;			/* on.p50 / off.p50; NAN: not measured */
	char why[256];			/* skipped: why */
};

struct ew_neutral {
	int measured;
	int pairs, exits_per_block;
	struct ew_neutral_mech m[EW_MAX_LIST];
	int n;
	char why[160];
};


/* pairs of blocks of exits each, for every mechanism of o */
void ew_neutrality(struct ew_neutral *nt, const struct ew_opts *o, struct ew_tracer *t,
		   struct ew_shm *shm, int shm_fd, int pairs, int exits);
/* the "neutrality" object of the results JSON, and its target */
void ew_neutral_json(struct ew_json *j, const struct ew_neutral *nt);
void ew_neutral_target(struct ew_json *j, const struct ew_neutral *nt);

#endif
