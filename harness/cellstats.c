// SPDX-License-Identifier: GPL-2.0
/*
 * cellstats.c - a cell's statistics: the summaries of its latency samples,
 * the per-repetition figures (JSON "samples", what `compare` tests), and the
 * sums over repetitions.
 */
#include <math.h>
#include "cellstats.h"

void ew_cell_latencies(struct ew_cell *c, struct ew_samples lat[EW_L_NR])
{
	c->cdf_metric = lat[EW_L_EXIT_TO_USER].n ? EW_L_EXIT_TO_USER : EW_L_TRIGGER_TO_USER;
	for (int l = 0; l < EW_L_NR; l++) {
		c->lat[l] = ew_summarize(&lat[l]);	/* sorts: the cdf reads them in order */
		if (l == c->cdf_metric)
			for (int q = 0; q < EW_CDF_POINTS; q++)
				c->cdf_ns[q] = ew_percentile_sorted(lat[l].v, lat[l].n, q / 100.0);
	}
}

static double lat_or_nan(const struct ew_summary *s, int p99)
{
	if (!s->count)
		return NAN;
	return (double)(p99 ? s->p99 : s->p50);
}

/* repetition r's figures as the cell's k-th samples */
static void rep_figures(struct ew_cell *c, const struct ew_cell *r, int k)
{
	double per = r->noticed ? 1.0 / r->noticed : NAN;

	c->rep[EW_R_EXITS_PER_S][k] = r->noticed ? r->exits_per_s : NAN;
	c->rep[EW_R_CPU_PER_EXIT][k] = r->watcher_cpu_ns * per;
	c->rep[EW_R_SYSCALLS_PER_EXIT][k] = (r->syscalls + r->add_syscalls) * per;
	c->rep[EW_R_T2U_P50][k] = lat_or_nan(&r->lat[EW_L_TRIGGER_TO_USER], 0);
	c->rep[EW_R_T2U_P99][k] = lat_or_nan(&r->lat[EW_L_TRIGGER_TO_USER], 1);
	c->rep[EW_R_E2U_P50][k] = lat_or_nan(&r->lat[EW_L_EXIT_TO_USER], 0);
	c->rep[EW_R_E2U_P99][k] = lat_or_nan(&r->lat[EW_L_EXIT_TO_USER], 1);
	c->rep[EW_R_E2W_P50][k] = lat_or_nan(&r->lat[EW_L_EXIT_TO_WAKE], 0);
}

static void add_counts(struct ew_cell *c, const struct ew_cell *r)
{
	c->rounds += r->rounds;
	c->exits += r->exits;
	c->noticed += r->noticed;
	c->missed += r->missed;
	c->false_notices += r->false_notices;
	c->duplicates += r->duplicates;
	c->bpf_records += r->bpf_records;
	c->bpf_swept += r->bpf_swept;
	c->bpf_missing += r->bpf_missing;
	c->rb_drops += r->rb_drops;
	c->map_full += r->map_full;
	c->statuses_expected += r->statuses_expected;
	c->statuses_recovered += r->statuses_recovered;
	c->watcher_cpu_ns += r->watcher_cpu_ns;
	c->syscalls += r->syscalls;
	c->add_syscalls += r->add_syscalls;
	c->mech_lost += r->mech_lost;
	c->span_ns += r->span_ns;
	c->woken += r->woken;
	c->mrelease_calls += r->mrelease_calls;
	c->mrelease_ok += r->mrelease_ok;
}

void ew_cell_merge(struct ew_cell *c, const struct ew_cell *r)
{
	if (c->reps < EW_MAX_REPS)
		rep_figures(c, r, c->reps);
	c->reps++;
	add_counts(c, r);
	/* stage means weighted by their sample counts; ew_cell_finish divides */
	for (int s = 0; s < EW_S_NR; s++)
		c->stage_mean_ns[s] += r->stage_mean_ns[s] * r->stage_count;
	c->stage_exit_to_user_mean_ns += r->stage_exit_to_user_mean_ns * r->stage_count;
	c->stage_count += r->stage_count;
	c->interrupted |= r->interrupted;
	if (r->mrelease_errno)
		c->mrelease_errno = r->mrelease_errno;
	if (r->reason[0] && !c->reason[0])
		snprintf(c->reason, sizeof(c->reason), "%s", r->reason);
}

void ew_cell_finish(struct ew_cell *c, struct ew_samples *acc)
{
	if (!c->reps)
		return;
	c->exits_per_s = c->span_ns ? c->noticed / (c->span_ns / 1e9) : 0;
	if (c->stage_count) {
		for (int s = 0; s < EW_S_NR; s++)
			c->stage_mean_ns[s] /= c->stage_count;
		c->stage_exit_to_user_mean_ns /= c->stage_count;
	}
	ew_cell_latencies(c, acc);
}
