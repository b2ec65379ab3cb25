// SPDX-License-Identifier: GPL-2.0
/*
 * neutral.c - does the tracer change what it reports?  (issue 17, SPEC
 * "observer neutrality").  For every mechanism: `pairs` pairs of short
 * burst N=1 blocks, one with the BPF programs attached and one with them
 * detached, in ABBA order so that drift in the machine's load falls on
 * both sides alike; trigger->user (user-side stamps only, so it means the
 * same with and without the tracer) pooled per side.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "neutral.h"
#include "results.h"

static int block(const struct ew_opts *o, struct ew_neutral_mech *m, struct ew_tracer *t, int traced,
		 struct ew_shm *shm, int shm_fd, struct ew_samples *acc)
{
	struct ew_cell c;
	int r;

	memset(&c, 0, sizeof(c));
	c.scenario = EW_SC_BURST;
	c.n = 1;
	c.ops = m->ops;
	ew_cell_programs(t, EW_SC_BURST);
	if (!traced)
		ew_tracer_detach(t);
	r = ew_run_cell(o, &c, traced ? t : NULL, shm, shm_fd, acc);
	if (!traced)
		ew_tracer_attach(t);
	if (c.skipped)
		snprintf(m->why, sizeof(m->why), "%s", c.reason);
	return c.skipped ? -1 : r;
}

void ew_neutrality(struct ew_neutral *nt, const struct ew_opts *o, struct ew_tracer *t,
		   struct ew_shm *shm, int shm_fd, int pairs, int exits)
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
		struct ew_samples on[EW_L_NR], off[EW_L_NR];
		int skipped = 0;

		memset(on, 0, sizeof(on));
		memset(off, 0, sizeof(off));
		m->ops = o->mechs[i];
		m->ratio = NAN;
		for (int k = 0; k < 2 * pairs && !skipped && !ew_interrupted; k++) {
			/* A B B A A B B A ...: on first in even pairs */
			int traced = (k % 4 == 0 || k % 4 == 3);

			skipped = block(&bo, m, t, traced, shm, shm_fd, traced ? on : off) < 0 && m->why[0];
		}
		if (!skipped) {
			m->on = ew_summarize(&on[EW_L_TRIGGER_TO_USER]);
			m->off = ew_summarize(&off[EW_L_TRIGGER_TO_USER]);
			if (m->on.count && m->off.count && m->off.p50)
				m->ratio = (double)m->on.p50 / (double)m->off.p50;
			fprintf(stderr, "exitwatch: neutrality %-13s trigger->user p50 %7.1f us traced, %7.1f us not: %.2f\n",
				m->ops->name, m->on.p50 / 1e3, m->off.p50 / 1e3, m->ratio);
		}
		for (int l = 0; l < EW_L_NR; l++) {
			ew_samples_free(&on[l]);
			ew_samples_free(&off[l]);
		}
	}
	nt->measured = nt->n > 0;
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
			ew_json_u64(j, "traced_p50_ns", m->on.p50);
			ew_json_u64(j, "untraced_p50_ns", m->off.p50);
			ew_json_u64(j, "traced_p99_ns", m->on.p99);
			ew_json_u64(j, "untraced_p99_ns", m->off.p99);
			ew_json_dbl(j, "ratio", m->ratio);
		}
		ew_json_end_obj(j);
	}
	ew_json_end_arr(j);
	ew_json_end_obj(j);
}

void ew_neutral_target(struct ew_json *j, const struct ew_neutral *nt)
{
	const char *goal = "trigger->user p50 of every mechanism at burst N=1 with the tracer within 1.1x of without (interleaved)";
	char note[1024];
	size_t off = 0;
	double worst = NAN;
	const char *wname = "";

	for (int i = 0; i < nt->n; i++) {
		const struct ew_neutral_mech *m = &nt->m[i];

		if (isnan(m->ratio))
			continue;
		if (isnan(worst) || m->ratio > worst) {
			worst = m->ratio;
			wname = m->ops->name;
		}
		if (off < sizeof(note))
			off += snprintf(note + off, sizeof(note) - off, "%s%s %.2f", off ? ", " : "",
					m->ops->name, m->ratio);
	}
	if (isnan(worst)) {
		ew_json_target(j, "observer_neutrality", goal, NAN, "ratio of p50s", -1,
			       nt->why[0] ? nt->why : "not measured");
		return;
	}
	if (off < sizeof(note))
		snprintf(note + off, sizeof(note) - off, " (worst: %s; %d ABBA pairs of %d-exit blocks per mechanism)",
			 wname, nt->pairs, nt->exits_per_block);
	ew_json_target(j, "observer_neutrality", goal, worst, "ratio of p50s (worst mechanism)", worst <= 1.1, note);
}
