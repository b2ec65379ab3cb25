// SPDX-License-Identifier: GPL-2.0
/*
 * report_sweep.c - the report's victim-size section (issue 17): the heavy
 * scenario's RSS sweep (exit -> notice and exit -> memory freed per size,
 * per mechanism) and plain SIGKILL against SIGKILL + process_mrelease()
 * (kill -> memory freed), each with a plot
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "report_sweep.h"
#include "stats.h"

#define MAX_SIZES 16

/* the sizes of the sweep, ascending; how many */
static int sweep_sizes(const struct jv *d, int *mb)
{
	const struct jv *runs = jv_get(d, "runs");
	int n = 0;

	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];
		int v = (int)N(r, "rss_mb"), k;

		if (strcmp(S(r, "scenario"), "heavy") || !is_ok_run(r) || !isfinite(N(r, "rss_mb")))
			continue;
		for (k = 0; k < n && mb[k] != v; k++)
			;
		if (k == n && n < MAX_SIZES)
			mb[n++] = v;
	}
	for (int i = 1; i < n; i++)
		for (int k = i; k > 0 && mb[k] < mb[k - 1]; k--) {
			int t = mb[k];

			mb[k] = mb[k - 1];
			mb[k - 1] = t;
		}
	return n;
}

/* the heavy cell of this size, mechanism and kill path */
static const struct jv *heavy_run(const struct jv *d, int mb, const char *mech, const char *path)
{
	const struct jv *runs = jv_get(d, "runs");

	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];

		if (!strcmp(S(r, "scenario"), "heavy") && is_ok_run(r) && (int)N(r, "rss_mb") == mb &&
		    !strcmp(S(r, "mechanism"), mech) && !strcmp(S(r, "kill_path"), path))
			return r;
	}
	return NULL;
}

/* median over the mechanisms' plain-SIGKILL cells of one p50 (ns), NAN if none */
static double median_p50(const struct jv *d, int mb, const char *metric)
{
	double v[NMECH];
	size_t n = 0;

	for (int m = 0; m < NMECH; m++) {
		const struct jv *r = heavy_run(d, mb, mech_style[m].name, "sigkill");
		double x = r ? lat(r, metric, "p50") : NAN;

		if (isfinite(x))
			v[n++] = x;
	}
	return n ? ew_median_double(v, n) : NAN;
}

static double us_or_nan(double ns)
{
	return isfinite(ns) ? ns / 1e3 : NAN;
}

/* a plot against the sweep's sizes: p filled, its script written up to the plot command */
static FILE *sweep_gp(const char *dir, struct plot *p, const char *name, const char *caption,
		      const struct jv *d, const char *title, const char *key)
{
	FILE *g;

	snprintf(p->name, sizeof(p->name), "%s", name);
	snprintf(p->title, sizeof(p->title), "%s", title);
	snprintf(p->caption, sizeof(p->caption), "%s", caption);
	g = open_in(dir, fmt("%s.gp", p->name));
	if (!g)
		return NULL;
	gp_begin(g, p->name);
	fprintf(g, "set title \"%s\\n(kernel %s)\"\n", title, S(d, "machine.kernel_release"));
	fprintf(g, "set xlabel \"touched anonymous memory per victim (MB; the sizes of the sweep, evenly spaced)\"\n");
	fprintf(g, "set ylabel \"median latency (microseconds, log scale)\"\n");
	fprintf(g, "set logscale y\nset format y \"%%.0f\"\nset grid xtics ytics mytics @grid\n");
	fprintf(g, "set key %s\nset offsets graph 0.05, graph 0.05, 0, 0\nset datafile missing \"nan\"\n", key);
	return g;
}

static int plot_sweep(const char *dir, const struct jv *d, const int *mb, int nmb, struct plot *p)
{
	FILE *f = open_in(dir, "sweep.dat"), *g;

	if (!f)
		return -1;
	fprintf(f, "# rss_mb exit_to_freed_median_us then exit->notice p50 us of:");
	for (int m = 0; m < NMECH; m++)
		fprintf(f, " %s", mech_style[m].name);
	fprintf(f, "\n");
	for (int s = 0; s < nmb; s++) {
		fprintf(f, "%d %g", mb[s], us_or_nan(median_p50(d, mb[s], "exit_to_freed")));
		for (int m = 0; m < NMECH; m++) {
			const struct jv *r = heavy_run(d, mb[s], mech_style[m].name, "sigkill");

			fprintf(f, " %g", r ? us_or_nan(lat(r, "exit_to_user", "p50")) : NAN);
		}
		fprintf(f, "\n");
	}
	fclose(f);
	g = sweep_gp(dir, p, "rss_sweep",
		     "Heavy scenario: children with this much touched anonymous memory, killed with SIGKILL. "
		     "Coloured: the median latency from the child's `sched_process_exit` to each mechanism's notice; "
		     "black: from `sched_process_exit` to the end of the child's `exit_mmap` (its memory freed), "
		     "the median over the mechanisms' cells. Lower is better.",
		     d, "exit -> notice and exit -> memory freed against the victim's touched RSS", "outside right top");
	if (!g)
		return -1;
	fprintf(g, "plot \"sweep.dat\" using 0:2:xtic(1) with linespoints lw 3 pt 7 ps 1.3 lc rgb \"black\" title \"exit -> memory freed\"");
	for (int m = 0; m < NMECH; m++) {
		int any = 0;

		for (int s = 0; s < nmb; s++)
			any |= heavy_run(d, mb[s], mech_style[m].name, "sigkill") != NULL;
		if (!any)
			continue;
		fprintf(g, ", \\\n     \"sweep.dat\" using 0:%d with linespoints lw 2 ps 1.1 %s", 3 + m, gp_mech_line(m, 1));
	}
	fprintf(g, "\n");
	gp_end(g, p->name);
	fclose(g);
	return gnuplot(dir, p->name);
}

static int plot_mrelease(const char *dir, const struct jv *d, const int *mb, int nmb, struct plot *p)
{
	FILE *f = open_in(dir, "mrelease.dat"), *g;

	if (!f)
		return -1;
	fprintf(f, "# rss_mb kill->freed p50 us: sigkill, sigkill+mrelease; kill->process_mrelease returned p50 us\n");
	for (int s = 0; s < nmb; s++) {
		const struct jv *a = heavy_run(d, mb[s], "pidfd-epoll", "sigkill");
		const struct jv *b = heavy_run(d, mb[s], "pidfd-epoll", "sigkill+mrelease");

		fprintf(f, "%d %g %g %g\n", mb[s], a ? us_or_nan(lat(a, "trigger_to_freed", "p50")) : NAN,
			b ? us_or_nan(lat(b, "trigger_to_freed", "p50")) : NAN,
			b ? us_or_nan(lat(b, "trigger_to_mrelease", "p50")) : NAN);
	}
	fclose(f);
	g = sweep_gp(dir, p, "mrelease",
		     "The same victims (pidfd-epoll cells) killed with SIGKILL alone and with SIGKILL followed at once by "
		     "process_mrelease() on the killer's pidfd of the victim, as Android's lmkd does. Memory freed: the end of "
		     "the victim's `exit_mmap`, which still runs after process_mrelease() reaped the address space (it then "
		     "finds the anonymous pages gone and frees the page tables). Dashed: when process_mrelease() returned "
		     "in the killer. Lower is better.",
		     d, "kill -> memory freed: SIGKILL alone and SIGKILL + process_mrelease()", "inside left top box opaque");
	if (!g)
		return -1;
	fprintf(g, "plot \"mrelease.dat\" using 0:2:xtic(1) with linespoints lw 2 pt 7 ps 1.2 lc rgb \"%s\" title \"SIGKILL: kill -> exit_mmap end\", \\\n"
		   "     \"mrelease.dat\" using 0:3 with linespoints lw 2 pt 5 ps 1.2 lc rgb \"%s\" title \"SIGKILL + mrelease: kill -> exit_mmap end\", \\\n"
		   "     \"mrelease.dat\" using 0:4 with linespoints lw 2 dt 2 pt 9 ps 1.2 lc rgb \"%s\" title \"SIGKILL + mrelease: kill -> mrelease returned\"\n",
		mech_style[0].colour, mech_style[1].colour, mech_style[2].colour);
	gp_end(g, p->name);
	fclose(g);
	return gnuplot(dir, p->name);
}

static void table_sweep(struct out *o, const struct jv *d, const int *mb, int nmb)
{
	static const char *const head[] = { "RSS MB", "mechanism", "exits", "exit->notice p50 us", "p99 us",
					    "exit->freed p50 us", "p99 us", "notice after freed p50 us" };

	row(o, 1, 8, head);
	for (int s = 0; s < nmb; s++)
		for (int m = 0; m < NMECH; m++) {
			const struct jv *r = heavy_run(d, mb[s], mech_style[m].name, "sigkill");
			double nu, fr;

			if (!r)
				continue;
			nu = lat(r, "exit_to_user", "p50");
			fr = lat(r, "exit_to_freed", "p50");
			const char *cells[] = { fmt("%d", mb[s]), mech_style[m].name, fmt("%.0f", N(r, "exits")), us(nu),
						us(lat(r, "exit_to_user", "p99")), us(fr),
						us(lat(r, "exit_to_freed", "p99")), us(nu - fr) };
			row(o, 0, 8, cells);
		}
	table_end(o);
}

static void table_mrelease(struct out *o, const struct jv *d, const int *mb, int nmb)
{
	static const char *const head[] = { "RSS MB", "SIGKILL: kill->freed p50 us", "p99 us",
					    "+ mrelease: kill->freed p50 us", "p99 us", "kill->mrelease returned p50 us",
					    "p99 us", "freed, with / without mrelease", "mrelease returned 0" };

	row(o, 1, 9, head);
	for (int s = 0; s < nmb; s++) {
		const struct jv *a = heavy_run(d, mb[s], "pidfd-epoll", "sigkill");
		const struct jv *b = heavy_run(d, mb[s], "pidfd-epoll", "sigkill+mrelease");
		double fa = a ? lat(a, "trigger_to_freed", "p50") : NAN, fb = b ? lat(b, "trigger_to_freed", "p50") : NAN;
		const char *cells[] = { fmt("%d", mb[s]), us(fa), a ? us(lat(a, "trigger_to_freed", "p99")) : "-",
					us(fb), b ? us(lat(b, "trigger_to_freed", "p99")) : "-",
					b ? us(lat(b, "trigger_to_mrelease", "p50")) : "-",
					b ? us(lat(b, "trigger_to_mrelease", "p99")) : "-", ratio_s(fb, fa),
					b ? fmt("%.0f/%.0f%s", N(b, "mrelease.returned_0"), N(b, "mrelease.calls"),
						*S(b, "mrelease.last_error") ? fmt(" (%s)", S(b, "mrelease.last_error")) : "")
					  : "-" };

		row(o, 0, 9, cells);
	}
	table_end(o);
}

int sec_sweep(struct out *o, const char *dir, const struct jv *d)
{
	int mb[MAX_SIZES], nmb = sweep_sizes(d, mb), rc = 0;
	const struct jv *runs = jv_get(d, "runs");
	const char *skip = NULL;
	struct plot p;

	for (size_t i = 0; runs && i < runs->len; i++)
		if (!strcmp(S(&runs->items[i], "kill_path"), "sigkill+mrelease") && !is_ok_run(&runs->items[i]))
			skip = S(&runs->items[i], "skip_reason");
	if (!nmb)
		return 0;
	h2(o, "Victim size: exit -> notice and memory freed (heavy)");
	para(o, fmt("Each heavy cell kills %g child(ren) at once with this much touched anonymous memory, %g "
		    "rounds (`%s`: `--heavy-mb`, `--heavy-n`, `--heavy-rounds`). Memory freed is the end of the "
		    "victim's `exit_mmap` (tracepoint `exit_mmap`): the BPF program on it is attached for the heavy "
		    "cells only, at about 0.3 us per mm teardown on the machine (harness/README.md). On this kernel "
		    "`sched_process_exit` %s, so exit->notice contains the teardown.",
		    N(d, "options.heavy_n"), N(d, "options.heavy_rounds"), "exitwatch run -s heavy",
		    N(d, "tracer.exit_tp_before_exit_mm") == 1 ? "fires before exit_mm()" : "may fire after exit_mm()"));
	table_sweep(o, d, mb, nmb);
	if (plot_sweep(dir, d, mb, nmb, &p) == 0)
		plot_ref(o, p.name, p.title, p.caption);
	else
		rc = -1;
	h2(o, "SIGKILL alone and with process_mrelease()");
	if (skip && *skip) {
		para(o, fmt("The process_mrelease() cells were skipped: %s.", skip));
		return rc;
	}
	para(o, "The killer (exitwatch's storm thread) holds its own pidfd of each victim, sends SIGKILL and "
		"calls process_mrelease() on it at once, which unmaps the victim's private memory in the killer's "
		"own context and on its CPU, racing the victim's own teardown. Both paths are measured to the end of "
		"the victim's `exit_mmap`: after process_mrelease() the victim still runs exit_mmap, which then finds "
		"the anonymous pages gone and frees the page tables and VMAs, so its end is when every page of the "
		"victim is free on both paths. The return of process_mrelease() is shown beside it but is not taken "
		"as memory freed: it also returns 0 at once when the victim has already detached its mm (exit_mm() "
		"clears task->mm before the last mmput()), while the victim's own exit_mmap is still freeing.");
	table_mrelease(o, d, mb, nmb);
	if (plot_mrelease(dir, d, mb, nmb, &p) == 0)
		plot_ref(o, p.name, p.title, p.caption);
	else
		rc = -1;
	return rc;
}
