// SPDX-License-Identifier: GPL-2.0
/*
 * targets.c - the SPEC targets, judged here once on what the run measured
 * and written into the results JSON ("targets", SCHEMA.md); the report
 * reads the verdicts from there.
 */
#include <math.h>
#include "results.h"

void ew_json_target(struct ew_json *j, const char *name, const char *target, double measured,
		    const char *unit, int met, const char *note)
{
	ew_json_obj(j, NULL);
	ew_json_str(j, "name", name);
	ew_json_str(j, "target", target);
	ew_json_dbl(j, "measured", measured);
	ew_json_str(j, "unit", unit);
	if (met < 0)
		ew_json_null(j, "met");
	else
		ew_json_bool(j, "met", met);
	ew_json_str(j, "note", note);
	ew_json_end_obj(j);
}

/* the measured cell of (scenario, N (-1: any), load, mechanism), or NULL */
static const struct ew_cell *find_cell(const struct ew_results *res, int sc, int nn, int load,
				       const char *mech)
{
	for (int i = 0; i < res->ncells; i++) {
		const struct ew_cell *c = &res->cells[i];

		if (c->scenario == sc && (nn < 0 || c->n == nn) && c->load == load &&
		    !strcmp(c->ops->name, mech) && !c->skipped)
			return c;
	}
	return NULL;
}

static uint64_t burst1_t2u_p50(const struct ew_results *res, const char *mech)
{
	const struct ew_cell *c = find_cell(res, EW_SC_BURST, 1, 0, mech);

	return c ? c->lat[EW_L_TRIGGER_TO_USER].p50 : 0;
}

/*
 * what the reference is compared with: the blocks it was interleaved with
 * (with their placements), else the cell
 */
static struct ew_ref_mine ref_compared(const struct ew_results *res, const char *mech)
{
	struct ew_ref_mine m = { 0 };

	if (res->ref.in_neutrality) {
		m.p50 = ew_neutral_traced_p50(&res->neutral, mech);
		m.placed = ew_neutral_traced_placed(&res->neutral, mech);
	} else {
		m.p50 = burst1_t2u_p50(res, mech);
	}
	return m;
}

#define PERTURBATION "fork+exit+reap rate with tracer >= 0.98 x without (interleaved)"

static void target_perturbation(struct ew_json *j, const struct ew_floor *fl)
{
	char note[512];

	if (!fl->perturb_done) {
		ew_json_target(j, "observer_perturbation", PERTURBATION, NAN, "ratio", -1,
			       fl->perturb_reason[0] ? fl->perturb_reason : "not measured");
		return;
	}
	snprintf(note, sizeof(note), "median over %d interleaved slice pairs (ABBA) of traced / untraced rate; "
		 "per-iteration medians: %.0f us untraced, %.0f us traced (ratio %.3f)", fl->perturb_n,
		 fl->iter_untraced.p50 / 1e3, fl->iter_traced.p50 / 1e3, fl->iter_ratio);
	ew_json_target(j, "observer_perturbation", PERTURBATION, fl->perturb_ratio, "ratio",
		       fl->perturb_ratio >= 0.98, note);
}

static void target_nothing_lost(struct ew_json *j, const struct ew_results *res)
{
	uint64_t lost = 0, missed = 0, drops = 0, cnt = 0;
	int traced = res->tracer != NULL;
	char note[512];

	for (int i = 0; i < res->ncells; i++) {
		const struct ew_cell *c = &res->cells[i];

		if (c->skipped)
			continue;
		lost += c->bpf_missing + c->mech_lost;
		missed += c->missed;
		drops += c->rb_drops;
		cnt += c->exits;
	}
	snprintf(note, sizeof(note), "%llu storm exits; %llu missed by watchers, %llu without a BPF record, %llu ring-buffer drops%s",
		 (unsigned long long)cnt, (unsigned long long)missed, (unsigned long long)lost,
		 (unsigned long long)drops, traced ? "" : " (tracer off: BPF side not checked)");
	ew_json_target(j, "nothing_lost", "every storm exit accounted for; zero ring-buffer drops",
		       (double)(missed + lost + drops), "exits unaccounted + drops",
		       missed + lost + drops == 0 && traced ? 1 : (traced ? 0 : -1), note);
}

#define WAKE_VS_FLOOR "report pidfd wake->run against the pipe wake-up floor"

static void target_wake_vs_floor(struct ew_json *j, const struct ew_results *res)
{
	/* wake->run is stamped in the neutrality pass's stamped blocks, not in the cells */
	const struct ew_cell *a = ew_neutral_stamped(&res->neutral, "pidfd-epoll");
	const struct ew_floor *fl = &res->floor;
	char note[512];

	if (!a || !a->lat[EW_L_WAKE_TO_RUN].count)
		a = find_cell(res, EW_SC_BURST, 1, 0, "pidfd-epoll");
	if (!a || !fl->done || !a->lat[EW_L_WAKE_TO_RUN].count) {
		ew_json_target(j, "pidfd_wake_vs_floor", WAKE_VS_FLOOR, NAN, "ratio of p50s", -1,
			       "needs burst N=1 pidfd-epoll with the stage stamps (--neutrality), and the floor");
		return;
	}
	snprintf(note, sizeof(note),
		 "pidfd-epoll wake->run p50 %.1f us (burst N=1, stage stamps) vs pipe ping-pong one-way p50 %.1f us",
		 a->lat[EW_L_WAKE_TO_RUN].p50 / 1e3, fl->pipe_one_way.p50 / 1e3);
	ew_json_target(j, "pidfd_wake_vs_floor", WAKE_VS_FLOOR,
		       (double)a->lat[EW_L_WAKE_TO_RUN].p50 /
		       (double)(fl->pipe_one_way.p50 ? fl->pipe_one_way.p50 : 1),
		       "ratio of p50s", -1, note);
}

#define STORM_RATE ">= 0.8 of the raw fork+exit+reap rate while tracing"

static void target_storm_rate(struct ew_json *j, const struct ew_results *res)
{
	const struct ew_cell *b = find_cell(res, EW_SC_CHURN, -1, 0, "pidfd-epoll");
	const struct ew_floor *fl = &res->floor;
	int traced = res->tracer != NULL;
	char note[512];
	double ratio;

	if (!b || !fl->done || fl->fork_exit_reap_per_s <= 0) {
		ew_json_target(j, "storm_rate_vs_raw", STORM_RATE, NAN, "ratio", -1,
			       "needs the churn scenario with pidfd-epoll, and the floor");
		return;
	}
	ratio = b->exits_per_s / fl->fork_exit_reap_per_s;
	snprintf(note, sizeof(note), "churn pidfd-epoll %.0f exits/s%s vs raw fork+exit+reap %.0f /s",
		 b->exits_per_s, traced ? " (tracing)" : " (tracer off)", fl->fork_exit_reap_per_s);
	ew_json_target(j, "storm_rate_vs_raw", STORM_RATE, ratio, "ratio",
		       traced ? ratio >= 0.8 : -1, note);
}

#define SCALING "watcher CPU per exit at N=10,000 within 1.5x of N=10"

static void target_scaling(struct ew_json *j, const struct ew_results *res)
{
	const struct ew_cell *a = find_cell(res, EW_SC_BURST, 10, 0, "pidfd-epoll");
	const struct ew_cell *b = find_cell(res, EW_SC_BURST, 10000, 0, "pidfd-epoll");
	char note[512];
	double ca, cb;

	if (!a || !b || !a->noticed || !b->noticed) {
		ew_json_target(j, "pidfd_epoll_scaling", SCALING, NAN, "ratio", -1,
			       "needs burst N=10 and N=10000 with pidfd-epoll");
		return;
	}
	ca = (double)a->watcher_cpu_ns / a->noticed;
	cb = (double)b->watcher_cpu_ns / b->noticed;
	snprintf(note, sizeof(note), "watcher CPU per exit: %.2f us at N=10, %.2f us at N=10000", ca / 1e3, cb / 1e3);
	ew_json_target(j, "pidfd_epoll_scaling", SCALING, cb / ca, "ratio", cb / ca <= 1.5, note);
}

static void target_stage_sum(struct ew_json *j, const struct ew_results *res)
{
	uint64_t cnt = 0;
	double worst = 0;
	char note[512];

	for (int i = 0; i < res->ncells; i++) {
		const struct ew_cell *c = &res->cells[i];
		double sum = 0, e2u = c->stage_exit_to_user_mean_ns, err;

		if (c->skipped || !c->stage_count)
			continue;
		for (int s = 0; s < EW_S_NR; s++)
			sum += c->stage_mean_ns[s];
		err = fabs(sum - e2u) / (e2u ? e2u : 1);
		if (err > worst)
			worst = err;
		cnt++;
	}
	snprintf(note, sizeof(note), "worst relative difference over %llu cells: sum of stage means vs mean exit->user",
		 (unsigned long long)cnt);
	ew_json_target(j, "stage_sum", "stage breakdown of exit->user adds up to the end-to-end figure within 1%",
		       worst, "relative difference", cnt ? worst <= 0.01 : -1, note);
}

void ew_targets_json(struct ew_json *j, struct ew_results *res)
{
	ew_json_arr(j, "targets");
	target_perturbation(j, &res->floor);
	if (res->neutral.measured)
		ew_neutral_target(j, &res->neutral);
	target_nothing_lost(j, res);
	target_wake_vs_floor(j, res);
	target_storm_rate(j, res);
	target_scaling(j, res);
	target_stage_sum(j, res);
	/* the independent reference */
	ew_ref_targets(j, &res->ref, ref_compared(res, "pidfd-epoll"), ref_compared(res, "waitid"));
	ew_json_end_arr(j);
}
