// SPDX-License-Identifier: GPL-2.0
/*
 * neutral.c - does the tracer change what it reports?  (issue 17, SPEC
 * "observer neutrality").  For every mechanism: `pairs` rounds of six short
 * burst N=1 blocks: without the tracer (A), with the programs the cells run
 * (B), and with the stage stamps added (C, EW_OPT_STAGES: signal_generate,
 * signal_deliver, sched_waking and sched_switch, the last two run for every
 * task on the machine), in ABCCBA order so that drift in the machine's load
 * falls on every side alike; trigger->user (user-side stamps only, so it
 * means the same on every side) pooled per side and kept per placement of
 * watcher, killer and child.  B / A within placements is the target (the
 * pooled B / A where placements cover too few exits); C / A is the price of
 * the stage breakdown, which is taken from the C blocks.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "neutral.h"
#include "reference.h"
#include "results.h"

/* the three kinds of block, in ABCCBA order within a round */
enum { ARM_OFF, ARM_ON, ARM_STAMPED, ARM_NR };
static const int arm_order[6] = { ARM_OFF, ARM_ON, ARM_STAMPED, ARM_STAMPED, ARM_ON, ARM_OFF };

static int block(const struct ew_opts *o, struct ew_neutral_mech *m, struct ew_tracer *t, int arm,
		 struct ew_shm *shm, int shm_fd, struct ew_samples *acc, struct ew_samples *place)
{
	struct ew_cell c;
	int r;

	memset(&c, 0, sizeof(c));
	c.scenario = EW_SC_BURST;
	c.n = 1;
	c.ops = m->ops;
	c.placement = place;
	/* stays as set until the next block or cell sets its own (CC: attached once) */
	ew_cell_programs(t, EW_SC_BURST, arm == ARM_STAMPED);
	if (arm == ARM_OFF)
		ew_tracer_detach(t);
	r = ew_run_cell(o, &c, arm == ARM_OFF ? NULL : t, shm, shm_fd, acc);
	if (arm == ARM_OFF)
		ew_tracer_attach(t);
	if (c.skipped) {
		snprintf(m->why, sizeof(m->why), "%s", c.reason);
		return -1;
	}
	if (arm == ARM_STAMPED)
		ew_cell_merge(m->stages, &c);
	return r;
}

static double p50_ratio(const struct ew_summary *a, const struct ew_summary *b)
{
	return a->count && b->count && b->p50 ? (double)a->p50 / (double)b->p50 : NAN;
}

/*
 * B / A within placements: each placement both sides had, weighted by its
 * share of all their exits, so that which placement the scheduler gave
 * each block does not move the ratio; a tracer that changed the placement
 * itself shows in the shares (the JSON has them per side)
 */
static void placed_ratio(struct ew_neutral_mech *m, struct ew_samples place[ARM_NR][EW_PLACE_NR])
{
	for (int p = 0; p < EW_PLACE_NR; p++) {
		m->place_off[p] = ew_summarize(&place[ARM_OFF][p]);
		m->place_on[p] = ew_summarize(&place[ARM_ON][p]);
	}
	m->placed_ratio = ew_stratified_p50_ratio(m->place_on, m->place_off, EW_PLACE_NR, &m->placed_share);
}

static void measure(struct ew_neutral_mech *m, const struct ew_opts *o, struct ew_tracer *t,
		    struct ew_shm *shm, int shm_fd, int pairs, struct ew_ref *ref)
{
	struct ew_samples acc[ARM_NR][EW_L_NR], place[ARM_NR][EW_PLACE_NR];

	memset(acc, 0, sizeof(acc));
	memset(place, 0, sizeof(place));
	for (int k = 0; k < 6 * pairs && !ew_interrupted; k++) {
		int arm = arm_order[k % 6];

		if (block(o, m, t, arm, shm, shm_fd, acc[arm], place[arm]) < 0 && m->why[0])
			break;
		/* the reference in the same conditions as the blocks, between rounds */
		if (ref && k % 6 == 5)
			ew_ref_slice(ref, 10, o->ref_path);
	}
	if (!m->why[0]) {
		m->off = ew_summarize(&acc[ARM_OFF][EW_L_TRIGGER_TO_USER]);
		m->on = ew_summarize(&acc[ARM_ON][EW_L_TRIGGER_TO_USER]);
		m->stamped = ew_summarize(&acc[ARM_STAMPED][EW_L_TRIGGER_TO_USER]);
		m->ratio = p50_ratio(&m->on, &m->off);
		m->stamped_ratio = p50_ratio(&m->stamped, &m->off);
		placed_ratio(m, place);
		ew_cell_finish(m->stages, acc[ARM_STAMPED]);
		fprintf(stderr, "exitwatch: neutrality %-13s trigger->user p50 %7.1f us traced, %7.1f us not: %.2f"
			" (within placements %.2f, %.0f %% of the exits);"
			" with stage stamps %7.1f us: %.2f\n", m->ops->name, m->on.p50 / 1e3,
			m->off.p50 / 1e3, m->ratio, m->placed_ratio, 100 * m->placed_share,
			m->stamped.p50 / 1e3, m->stamped_ratio);
	}
	for (int a = 0; a < ARM_NR; a++) {
		for (int l = 0; l < EW_L_NR; l++)
			ew_samples_free(&acc[a][l]);
		for (int p = 0; p < EW_PLACE_NR; p++)
			ew_samples_free(&place[a][p]);
	}
}

void ew_neutrality(struct ew_neutral *nt, const struct ew_opts *o, struct ew_tracer *t,
		   struct ew_shm *shm, int shm_fd, int pairs, int exits, struct ew_ref *ref)
{
	struct ew_opts bo = *o;

	memset(nt, 0, sizeof(*nt));
	if (!t) {
		snprintf(nt->why, sizeof(nt->why), "no tracer in this run");
		return;
	}
	bo.min_exits = exits;
	bo.gap_ms = 0;
	nt->pairs = pairs;
	nt->exits_per_block = exits;
	for (int i = 0; i < o->nmechs && !ew_interrupted; i++) {
		struct ew_neutral_mech *m = &nt->m[nt->n++];

		m->ops = o->mechs[i];
		m->ratio = m->stamped_ratio = m->placed_ratio = NAN;
		m->stages = calloc(1, sizeof(*m->stages));
		if (!m->stages) {
			snprintf(m->why, sizeof(m->why), "out of memory");
			continue;
		}
		m->stages->scenario = EW_SC_BURST;
		m->stages->n = 1;
		m->stages->ops = m->ops;
		measure(m, &bo, t, shm, shm_fd, pairs, ref);
	}
	nt->measured = nt->n > 0;
	if (ref && ref->slices)
		ref->in_neutrality = 1;
}

/* mech's blocks, if they were measured */
static const struct ew_neutral_mech *measured(const struct ew_neutral *nt, const char *mech)
{
	for (int i = 0; i < nt->n; i++)
		if (!strcmp(nt->m[i].ops->name, mech) && !nt->m[i].why[0])
			return &nt->m[i];
	return NULL;
}

uint64_t ew_neutral_traced_p50(const struct ew_neutral *nt, const char *mech)
{
	const struct ew_neutral_mech *m = measured(nt, mech);

	return m ? m->on.p50 : 0;
}

const struct ew_summary *ew_neutral_traced_placed(const struct ew_neutral *nt, const char *mech)
{
	const struct ew_neutral_mech *m = measured(nt, mech);

	return m ? m->place_on : NULL;
}

const struct ew_cell *ew_neutral_stamped(const struct ew_neutral *nt, const char *mech)
{
	const struct ew_neutral_mech *m = measured(nt, mech);

	return m && m->stages && m->stages->reps ? m->stages : NULL;
}

void ew_neutral_free(struct ew_neutral *nt)
{
	for (int i = 0; i < nt->n; i++) {
		free(nt->m[i].stages);
		nt->m[i].stages = NULL;
	}
}

static void placements_json(struct ew_json *j, const struct ew_neutral_mech *m)
{
	ew_json_arr(j, "placements");
	for (int p = 0; p < EW_PLACE_NR; p++) {
		ew_json_obj(j, NULL);
		ew_json_str(j, "placement", ew_place_names[p]);
		ew_json_u64(j, "untraced_count", m->place_off[p].count);
		ew_json_u64(j, "traced_count", m->place_on[p].count);
		ew_json_u64(j, "untraced_p50_ns", m->place_off[p].p50);
		ew_json_u64(j, "traced_p50_ns", m->place_on[p].p50);
		ew_json_end_obj(j);
	}
	ew_json_end_arr(j);
}

void ew_neutral_json(struct ew_json *j, const struct ew_neutral *nt)
{
	ew_json_obj(j, "neutrality");
	ew_json_bool(j, "measured", nt->measured);
	ew_json_str(j, "reason", nt->why);
	ew_json_u64(j, "pairs", nt->pairs);
	ew_json_u64(j, "exits_per_block", nt->exits_per_block);
	ew_json_arr(j, "mechanisms");
	for (int i = 0; i < nt->n; i++) {
		const struct ew_neutral_mech *m = &nt->m[i];

		ew_json_obj(j, NULL);
		ew_json_str(j, "name", m->ops->name);
		if (m->why[0]) {
			ew_json_str(j, "skip_reason", m->why);
		} else {
			ew_json_u64(j, "traced_count", m->on.count);
			ew_json_u64(j, "untraced_count", m->off.count);
			ew_json_u64(j, "stamped_count", m->stamped.count);
			ew_json_u64(j, "traced_p50_ns", m->on.p50);
			ew_json_u64(j, "untraced_p50_ns", m->off.p50);
			ew_json_u64(j, "stamped_p50_ns", m->stamped.p50);
			ew_json_u64(j, "traced_p99_ns", m->on.p99);
			ew_json_u64(j, "untraced_p99_ns", m->off.p99);
			ew_json_u64(j, "stamped_p99_ns", m->stamped.p99);
			ew_json_dbl(j, "ratio", m->ratio);
			ew_json_dbl(j, "stamped_ratio", m->stamped_ratio);
			ew_json_dbl(j, "placed_ratio", m->placed_ratio);
			ew_json_dbl(j, "placed_share", m->placed_share);
			placements_json(j, m);
			if (m->stages)
				ew_cell_stages_json(j, m->stages);
		}
		ew_json_end_obj(j);
	}
	ew_json_end_arr(j);
	ew_json_end_obj(j);
}

void ew_neutral_target(struct ew_json *j, const struct ew_neutral *nt)
{
	const char *goal = "trigger->user p50 of every mechanism at burst N=1 with the tracer within 1.1x of without (interleaved, within placements)";
	char note[1536];
	size_t off = 0;
	double worst = NAN;
	const char *wname = "";

	for (int i = 0; i < nt->n; i++) {
		const struct ew_neutral_mech *m = &nt->m[i];
		/* B / A within placements where those cover enough exits */
		double r = ew_judged_ratio(m->placed_ratio, m->placed_share, m->ratio);

		if (isnan(r))
			continue;
		if (isnan(worst) || r > worst) {
			worst = r;
			wname = m->ops->name;
		}
		if (off < sizeof(note))
			off += snprintf(note + off, sizeof(note) - off, "%s%s %.2f (pooled %.2f)",
					off ? ", " : "", m->ops->name, r, m->ratio);
	}
	if (isnan(worst)) {
		ew_json_target(j, "observer_neutrality", goal, NAN, "ratio of p50s", -1,
			       nt->why[0] ? nt->why : "not measured");
		return;
	}
	if (off < sizeof(note))
		snprintf(note + off, sizeof(note) - off, " (worst: %s; %d rounds of ABCCBA %d-exit blocks per mechanism; B / A, the programs the cells run, "
			 "within placements: the p50s of each placement of watcher, killer and child both sides had, weighted by its share of the exits; "
			 "pooled: the p50s of all exits, which move with the placement each block drew)",
			 wname, nt->pairs, nt->exits_per_block);
	ew_json_target(j, "observer_neutrality", goal, worst, "ratio of p50s (worst mechanism)", worst <= 1.1, note);
}
