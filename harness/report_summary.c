// SPDX-License-Identifier: GPL-2.0
/*
 * report_summary.c - what the report opens with (issue 17): the load
 * verdict when the machine was busy, the mechanisms ranked (summary.c) with
 * the use cases, and the observer's neutrality measured in the run
 */
#include <math.h>
#include <string.h>
#include "report.h"
#include "report_summary.h"
#include "summary.h"

/* the burst size the CPU column comes from: 100 if run, else the largest below */
static int cpu_n(const struct jv *d)
{
	const struct jv *rs[64];
	int n = select_runs(d, "burst", -1, rs, 64), best = 0;

	for (int i = 0; i < n; i++) {
		int v = (int)N(rs[i], "n");

		if (!B(rs[i], "load") && v <= 100 && v > best)
			best = v;
	}
	return best;
}

static const struct jv *cell(const struct jv *d, const char *sc, int n, const char *mech)
{
	const struct jv *runs = jv_get(d, "runs");

	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];

		if (!strcmp(S(r, "scenario"), sc) && is_ok_run(r) && !B(r, "load") && (n < 0 || (int)N(r, "n") == n) &&
		    !strcmp(S(r, "mechanism"), mech) && (strcmp(sc, "heavy") || !strcmp(S(r, "kill_path"), "sigkill")))
			return r;
	}
	return NULL;
}

/*
 * what a mechanism adds after the victim's memory is freed: exit->notice
 * p50 less exit->freed p50, mean over the sweep's sizes (the teardown
 * itself is the victim's, the same whoever watches)
 */
static double after_freed(const struct jv *d, const char *mech)
{
	const struct jv *runs = jv_get(d, "runs");
	double sum = 0;
	int n = 0;

	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];
		double x;

		if (strcmp(S(r, "scenario"), "heavy") || !is_ok_run(r) || strcmp(S(r, "kill_path"), "sigkill") ||
		    strcmp(S(r, "mechanism"), mech))
			continue;
		x = lat(r, "exit_to_user", "p50") - lat(r, "exit_to_freed", "p50");
		if (isfinite(x)) {
			sum += x;
			n++;
		}
	}
	return n ? sum / n : NAN;
}

/* the neutrality blocks of a mechanism (exitwatch run --neutrality), or NULL */
static const struct jv *neutral_of(const struct jv *d, const char *mech)
{
	const struct jv *m = named(jv_path(d, "neutrality.mechanisms"), mech);

	return m && !*S(m, "skip_reason") ? m : NULL;
}

/* the exits of one mechanism's traced neutrality blocks (the first measured) */
static double neutral_traced_count(const struct jv *d)
{
	const struct jv *ms = jv_path(d, "neutrality.mechanisms");

	for (size_t i = 0; ms && i < ms->len; i++)
		if (!*S(&ms->items[i], "skip_reason"))
			return N(&ms->items[i], "traced_count");
	return 0;
}

/*
 * the figures of one mechanism from the results; trigger->user from the
 * neutrality blocks with the tracer attached when they have more samples
 * than the burst N=1 cell (the same measurement, the same conditions)
 */
static void figures(const struct jv *d, const struct jv *mj, int ncpu, struct ew_mech_fig *f)
{
	const struct jv *runs = jv_get(d, "runs"), *b1, *bc, *nt;
	double rec = 0, exp = 0, err = 0;

	memset(f, 0, sizeof(*f));
	f->name = S(mj, "name");
	f->parent_only = B(mj, "parent_only");
	f->fd = ew_mech_gives_fd(f->name);
	f->reuse_wrong_pct = NAN;
	b1 = cell(d, "burst", 1, f->name);
	bc = ncpu ? cell(d, "burst", ncpu, f->name) : NULL;
	f->measured = b1 != NULL;
	f->t2u_p50 = b1 ? lat(b1, "trigger_to_user", "p50") : NAN;
	f->t2u_p99 = b1 ? lat(b1, "trigger_to_user", "p99") : NAN;
	nt = neutral_of(d, f->name);
	if (nt && N(nt, "traced_count") > (b1 ? lat(b1, "trigger_to_user", "count") : 0)) {
		f->measured = 1;
		f->t2u_p50 = N(nt, "traced_p50_ns");
		f->t2u_p99 = N(nt, "traced_p99_ns");
	}
	f->cpu_per_exit = bc ? N(bc, "watcher_cpu_ns_per_exit") : NAN;
	f->heavy_after_freed = after_freed(d, f->name);
	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];

		if (!is_ok_run(r) || strcmp(S(r, "mechanism"), f->name))
			continue;
		rec += N(r, "exit_status.recovered");
		exp += N(r, "exit_status.expected");
		err += N(r, "detection_errors.missed") + N(r, "detection_errors.false");
		/* the reuse cells (guest runs only) count as pid reuse answers */
		if (!strcmp(S(r, "scenario"), "reuse") && N(r, "exits") > 0)
			f->reuse_wrong_pct = 100 * (N(r, "detection_errors.missed") + N(r, "detection_errors.false")) /
					     N(r, "exits");
	}
	f->status_frac = exp > 0 ? rec / exp : NAN;
	f->errors = err;
}

void sec_load_verdict(struct out *o, const struct jv *d)
{
	if (!B(d, "load.busy"))
		return;
	/* a block quote: report.html draws it as a red box */
	fprintf(o->md, "> **%s.** Latencies include run-queue waits: compare ratios within this run, not absolute "
		"figures.\n\n", S(d, "load.verdict"));
}

static void use_cases(struct out *o, const struct ew_mech_fig *figs, int n, const struct jv *d)
{
	for (int uc = 0; uc < EW_UC_NR; uc++) {
		char why[512];
		int k = ew_use_case_pick(figs, n, uc, why, sizeof(why));
		const char *extra = "";

		if (uc == EW_UC_LMK) {
			/* and whether process_mrelease() freed sooner at the largest size */
			const struct jv *runs = jv_get(d, "runs");
			double mb = -1, a = NAN, b = NAN;

			for (size_t i = 0; runs && i < runs->len; i++) {
				const struct jv *r = &runs->items[i];

				if (strcmp(S(r, "scenario"), "heavy") || !is_ok_run(r) || strcmp(S(r, "mechanism"), "pidfd-epoll"))
					continue;
				if (N(r, "rss_mb") > mb) {
					mb = N(r, "rss_mb");
					a = b = NAN;
				}
				if (N(r, "rss_mb") == mb) {
					if (!strcmp(S(r, "kill_path"), "sigkill"))
						a = lat(r, "trigger_to_freed", "p50");
					else
						b = lat(r, "trigger_to_freed", "p50");
				}
			}
			if (isfinite(a) && isfinite(b))
				extra = fmt(". process_mrelease() after SIGKILL: kill -> memory freed %.2fx of SIGKILL alone at %.0f MB (%s)",
					    b / a, mb, b < a ? "it frees sooner here" : "no gain here");
		}
		item(o, k < 0 ? fmt("**%s**: none (%s)", ew_use_case_name(uc), why)
			      : fmt("**%s**: %s (%s%s)", ew_use_case_name(uc), figs[k].name, why, extra));
	}
	list_end(o);
}

void sec_summary(struct out *o, const struct jv *d, const char *reuse_dir)
{
	static const char *const head[] = {
		"rank", "mechanism", "trigger->user p50 us", "p99 us", "p50 / ref", "p99 / ref", "CPU/exit us",
		"status recovered", "wrong: run / pid reuse", "who may use it",
	};
	const struct jv *mechs = jv_get(d, "mechanisms");
	struct ew_mech_fig figs[16];
	int n = 0, order[16], ncpu = cpu_n(d), have_reuse;
	double re = N(d, "reference.pidfd_epoll_trigger_to_user_ns.p50"),
	       re99 = N(d, "reference.pidfd_epoll_trigger_to_user_ns.p99"),
	       rw = N(d, "reference.waitid_trigger_to_user_ns.p50"),
	       rw99 = N(d, "reference.waitid_trigger_to_user_ns.p99");

	for (size_t i = 0; mechs && i < mechs->len && n < 16; i++)
		figures(d, &mechs->items[i], ncpu, &figs[n++]);
	if (!n)
		return;
	have_reuse = reuse_dir && !ew_reuse_read(reuse_dir, figs, n);
	if (reuse_dir && !have_reuse)
		fprintf(stderr, "exitwatch report: -R %s: neither pid_reuse.dat nor pid_reuse_harness.dat there: "
			"the summary says pid reuse was not measured\n", reuse_dir);
	ew_summary_rank(figs, n, order);
	h2(o, "Summary");
	para(o, fmt("Ranked by this run's figures: mechanisms with a wrong or missed answer (in this run, or under pid "
		    "reuse) after those without, then by trigger->user p50 at burst N=1 (the `kill()` call to the watcher's "
		    "own clock reading, %s). ref: the independent reference watcher of the same run, its "
		    "pidfd+epoll figure for the mechanisms any process may use, its waitid figure for the parent-only ones. "
		    "CPU/exit: watcher thread CPU per exit at burst N=%d. Wrong answers under pid reuse: %s.",
		    B(d, "neutrality.measured") ? fmt("over the %g exits of the neutrality blocks with the cells' programs",
						      neutral_traced_count(d))
						 : "the burst N=1 cell",
		    ncpu, have_reuse ? fmt("per 100 questions, from `%s` (guest runs, see Reliability)", reuse_dir)
				     : "not measured here (`scripts/pid-reuse.sh` runs it in a guest)"));
	row(o, 1, 10, head);
	for (int r = 0; r < n; r++) {
		const struct ew_mech_fig *f = &figs[order[r]];
		double ref = f->parent_only ? rw : re, ref99 = f->parent_only ? rw99 : re99;
		const char *cells[10];

		cells[0] = f->measured ? fmt("%d", r + 1) : "-";
		cells[1] = f->name;
		cells[2] = us(f->t2u_p50);
		cells[3] = us(f->t2u_p99);
		cells[4] = ratio_s(f->t2u_p50, ref);
		cells[5] = ratio_s(f->t2u_p99, ref99);
		cells[6] = isfinite(f->cpu_per_exit) ? fmt("%.2f", f->cpu_per_exit / 1e3) : "-";
		cells[7] = isfinite(f->status_frac) ? fmt("%.0f %%", 100 * f->status_frac) : "-";
		cells[8] = fmt("%.0f / %s", f->errors, isfinite(f->reuse_wrong_pct) ? fmt("%.1f %%", f->reuse_wrong_pct) : "-");
		cells[9] = ew_mech_who(f->name);
		row(o, 0, 10, cells);
	}
	table_end(o);
	para(o, "For each use case, the mechanism these figures favour among those that meet its requirement "
		"(low-memory killer and non-parent monitor: usable by a process that is not the parent; service "
		"manager: recovers the exit status; event loop: gives an fd to wait on):");
	use_cases(o, figs, n, d);
}

void sec_neutrality(struct out *o, const struct jv *d)
{
	static const char *const head[] = { "mechanism (burst N=1)", "A: no tracer p50 us", "B: cells' programs p50 us",
					    "B / A", "B / A within placements", "C: with stage stamps p50 us", "C / A",
					    "A p99 us", "B p99 us", "samples a side" };
	const struct jv *nt = jv_get(d, "neutrality"), *ms = jv_get(nt, "mechanisms");
	int three = ms && ms->len && jv_get(&ms->items[0], "stamped_count");

	if (!B(nt, "measured"))
		return;
	h2(o, "Observer neutrality (tracer attached / detached)");
	if (three)
		para(o, fmt("Before the cells, each mechanism ran %g rounds of six burst N=1 blocks of %g exits in ABCCBA "
			    "order: A without the tracer, B with the programs the cells run (fork, sched_process_exit, "
			    "free), C with the stage stamps added (signal generated and delivered, the watcher's wake-up "
			    "and its switch onto a CPU: `sched_waking` and `sched_switch` run for every task on the "
			    "machine). trigger->user is taken from user-space stamps only, so it means the same on every "
			    "side. A block's latency depends on where the scheduler put the watcher, the killer (the storm "
			    "thread) and the child, and that placement holds for the whole block, so the pooled B / A moves "
			    "with which blocks drew which placement; B / A within placements compares the p50s of the "
			    "exits with the same placement on both sides, weighted by each placement's share of the "
			    "exits (results.json has each side's shares). Target: B / A within placements within 1.1 for "
			    "every mechanism (the pooled one where placements cover less than 80 %% of the exits). "
			    "C / A is what the stage breakdown costs: "
			    "it is measured in the C blocks only, and no other figure of this report carries that price.",
			    N(nt, "pairs"), N(nt, "exits_per_block")));
	else
		para(o, fmt("Before the cells, each mechanism ran %g pairs of burst N=1 blocks of %g exits, one with the "
			    "BPF programs attached and one with them detached, in ABBA order; trigger->user is taken "
			    "from user-space stamps only, so it means the same on both sides. Target: on / off within "
			    "1.1 for every mechanism.", N(nt, "pairs"), N(nt, "exits_per_block")));
	row(o, 1, 10, head);
	for (size_t i = 0; ms && i < ms->len; i++) {
		const struct jv *m = &ms->items[i];
		const char *cells[10];

		cells[0] = S(m, "name");
		for (int c = 1; c < 10; c++)
			cells[c] = "-";
		if (!*S(m, "skip_reason")) {
			cells[1] = us(N(m, "untraced_p50_ns"));
			cells[2] = us(N(m, "traced_p50_ns"));
			cells[3] = fmt("%.2f", N(m, "ratio"));
			if (jv_get(m, "placed_ratio") && isfinite(N(m, "placed_ratio")))
				cells[4] = fmt("%.2f (%.0f %%)", N(m, "placed_ratio"), 100 * N(m, "placed_share"));
			if (three) {
				cells[5] = us(N(m, "stamped_p50_ns"));
				cells[6] = fmt("%.2f", N(m, "stamped_ratio"));
			}
			cells[7] = us(N(m, "untraced_p99_ns"));
			cells[8] = us(N(m, "traced_p99_ns"));
			cells[9] = fmt("%.0f", N(m, "traced_count"));
		}
		row(o, 0, 10, cells);
	}
	table_end(o);
}
