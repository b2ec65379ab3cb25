/* SPDX-License-Identifier: GPL-2.0 */
/*
 * neutral.h - observer neutrality in the run itself (issue 17): each
 * mechanism's burst N=1 cell in short blocks with the tracer detached, with
 * the programs the cells use, and with the stage stamps added
 * (EW_OPT_STAGES), interleaved ABCCBA, and the ratios of the pooled
 * trigger->user p50s to the detached ones.  The stamped blocks also give
 * the stage breakdown of exit -> user.
 */
#ifndef EXITWATCH_NEUTRAL_H
#define EXITWATCH_NEUTRAL_H

#include "run.h"
#include "json.h"

struct ew_shm;
struct ew_ref;

struct ew_neutral_mech {
	const struct watcher_ops *ops;
	struct ew_summary on, off;	/* trigger->user, ns: the cells' programs, none */
	struct ew_summary stamped;	/* trigger->user, ns, with the stage stamps */
	double ratio;			/* on.p50 / off.p50; NAN: not measured */
	double stamped_ratio;		/* stamped.p50 / off.p50; NAN: not measured */
	/* trigger->user of A (off) and B (on) by enum ew_place, and B / A within placements */
	struct ew_summary place_off[EW_PLACE_NR], place_on[EW_PLACE_NR];
	double placed_ratio;		/* NAN: not measured */
	double placed_share;		/* of all A and B exits, those in placements both sides had */
	struct ew_cell *stages;		/* the stamped blocks pooled (stage breakdown) */
	char why[256];			/* skipped: why */
};

struct ew_neutral {
	int measured;
	int pairs, exits_per_block;	/* rounds of ABCCBA blocks; exits in each */
	struct ew_neutral_mech m[EW_MAX_LIST];
	int n;
	char why[160];
};


/* pairs (rounds) of blocks of exits each, for every mechanism of o */
/* ref (NULL: none): a slice of the reference watcher after every round */
void ew_neutrality(struct ew_neutral *nt, const struct ew_opts *o, struct ew_tracer *t,
		   struct ew_shm *shm, int shm_fd, int pairs, int exits, struct ew_ref *ref);
/* mech's trigger->user p50 in the B blocks (ns); 0: not measured */
uint64_t ew_neutral_traced_p50(const struct ew_neutral *nt, const char *mech);
/* its B blocks' trigger->user by enum ew_place (EW_PLACE_NR), NULL when not measured */
const struct ew_summary *ew_neutral_traced_placed(const struct ew_neutral *nt, const char *mech);
/* the "neutrality" object of the results JSON, and its target */
void ew_neutral_json(struct ew_json *j, const struct ew_neutral *nt);
void ew_neutral_target(struct ew_json *j, const struct ew_neutral *nt);
/* the stamped blocks of mech pooled into one burst N=1 cell; NULL: none */
const struct ew_cell *ew_neutral_stamped(const struct ew_neutral *nt, const char *mech);
void ew_neutral_free(struct ew_neutral *nt);

#endif
