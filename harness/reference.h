/* SPDX-License-Identifier: GPL-2.0 */
/*
 * reference.h - the independent reference watcher (build/ew-ref, issue 17),
 * run in short slices interleaved with the cells, like the pipe floor
 */
#ifndef EXITWATCH_REFERENCE_H
#define EXITWATCH_REFERENCE_H

#include "stats.h"
#include "json.h"
#include "run.h"

struct ew_ref {
	struct ew_samples epoll, waitid;	/* kill -> notice, ns */
	/* the same by enum ew_place of watcher, killer and child (samples that say) */
	struct ew_samples epoll_place[EW_PLACE_NR], waitid_place[EW_PLACE_NR];
	int slices, per_slice;
	int in_neutrality;			/* slices taken in the neutrality pass's rounds */
	char why[4200];				/* why not measured */
};

/* one slice: build/ew-ref (helper: another path) with k samples of each way, appended */
void ew_ref_slice(struct ew_ref *r, int k, const char *helper);
/* the "reference" object of the results JSON (SCHEMA.md) */
void ew_ref_json(struct ew_json *j, struct ew_ref *r);
/* what the reference is compared with: one mechanism's burst N=1 trigger->user */
struct ew_ref_mine {
	uint64_t p50;				/* ns, 0 = not measured */
	const struct ew_summary *placed;	/* by enum ew_place, or NULL */
};
/* targets: exitwatch's pidfd-epoll and waitid against it */
void ew_ref_targets(struct ew_json *j, struct ew_ref *r, struct ew_ref_mine epoll, struct ew_ref_mine waitid);
void ew_ref_free(struct ew_ref *r);

#endif
