// SPDX-License-Identifier: GPL-2.0
/*
 * report.c - `exitwatch report RESULTS.json -d DIR`: the plots of an
 * `exitwatch run` (gnuplot data and scripts, SVG and PNG), report.md, and a
 * self-contained report.html (images embedded as data: URIs) in DIR.
 *
 * Everything comes from the results JSON (read with jsonr), optionally a
 * second run for the N sweep (--scaling), the conformance matrix of
 * `make check` (--matrix), the micro-benchmarks of `make bench` (--bench),
 * and markdown sections written by other tools (--section, e.g. the A/B
 * and reliability sections) whose image links are relative to their own
 * directory.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "jsonr.h"
#include "report.h"
#include "table.h"
#include "report_sweep.h"
#include "report_summary.h"
#include "report_steps.h"

#define MAX_SECTIONS 8

/*
 * The mechanisms in report order, each with its plot colour and dash type
 * (the dashes keep the lines apart in grey print): the one table of names
 * and colours that every plot and table of the report uses.
 */
const struct mech_style mech_style[NMECH] = {
	{ "pidfd-epoll", "#1f77b4", 1 },
	{ "pidfd-poll", "#ff7f0e", 1 },
	{ "waitid", "#2ca02c", 1 },
	{ "sigchld-scan", "#d62728", 2 },
	{ "proc-poll", "#9467bd", 2 },
	{ "kill0-poll", "#8c564b", 2 },
	{ "cn-proc", "#e377c2", 4 },
	{ "uring-waitid", "#17becf", 4 },
	{ "pidfd-info", "#7f7f7f", 4 },
	{ "autoreap-info", "#bcbd22", 5 },
};

/* the stages of exit -> user (results JSON stages_mean_ns), in time order */
static const struct {
	const char *key, *title, *colour;
} stage[] = {
	{ "exit_to_mm_start", "exit tracepoint -> mm teardown starts", "#9467bd" },
	{ "mm_teardown", "mm teardown (exit_mm .. exit_mmap)", "#2ca02c" },
	{ "mm_end_to_notify", "mm done -> parent notified (files, fs, ns, cgroup...)", "#17becf" },
	{ "notify_to_wake", "notified -> watcher woken", "#ff7f0e" },
	{ "wake_to_run", "woken -> watcher on a CPU", "#d62728" },
	{ "run_to_user", "on CPU -> user-space stamp", "#1f77b4" },
};
#define NSTAGE ((int)(sizeof(stage) / sizeof(stage[0])))

struct opts {
	const char *results, *dir, *scaling, *matrix, *bench, *reuse;
	const char *sections[MAX_SECTIONS];
	int nsections;
};


/* ---- small helpers ---- */

/* a formatted string that lives for the next 63 calls */
const char *fmt(const char *f, ...)
{
	static char ring[64][2048];
	static int next;
	char *b = ring[next++ % 64];
	va_list ap;

	va_start(ap, f);
	vsnprintf(b, sizeof(ring[0]), f, ap);
	va_end(ap);
	return b;
}

static const struct jv *J(const struct jv *v, const char *path)
{
	return jv_path(v, path);
}

double N(const struct jv *v, const char *path)
{
	return jv_num(jv_path(v, path), NAN);
}

const struct jv *named(const struct jv *arr, const char *name)
{
	for (size_t i = 0; arr && arr->type == JV_ARR && i < arr->len; i++)
		if (!strcmp(S(&arr->items[i], "name"), name))
			return &arr->items[i];
	return NULL;
}

const char *S(const struct jv *v, const char *path)
{
	return jv_str(jv_path(v, path), "");
}

int B(const struct jv *v, const char *path)
{
	const struct jv *x = jv_path(v, path);

	return x && x->type == JV_BOOL && x->boolean;
}

/* microseconds from ns, "-" when not measured */
const char *us(double ns)
{
	return isfinite(ns) ? fmt("%.1f", ns / 1e3) : "-";
}

int mech_index(const char *name)
{
	for (int i = 0; i < NMECH; i++)
		if (!strcmp(mech_style[i].name, name))
			return i;
	return NMECH - 1;
}

/* a mechanism's line in a plot command: its dash, point type (points), colour and title */
const char *gp_mech_line(int m, int points)
{
	return fmt("dt %d%s lc rgb \"%s\" title \"%s\"", mech_style[m].dash,
		   points ? fmt(" pt %d", 5 + 2 * (m % 4)) : "", mech_style[m].colour, mech_style[m].name);
}

int is_ok_run(const struct jv *r)
{
	return strcmp(S(r, "status"), "skipped") != 0;
}

static const char *metric_of(const struct jv *r)
{
	const char *m = S(r, "cdf_metric");

	return *m ? m : "trigger_to_user";
}

double lat(const struct jv *r, const char *name, const char *key)
{
	return N(jv_get(jv_get(r, "latency_ns"), name), key);
}

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		fclose(f);
		return NULL;
	}
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = 0;
	fclose(f);
	return buf;
}

/* relative path from directory `from` to file `to` (both made absolute) */
static void relpath(const char *from, const char *to, char *out, size_t len)
{
	char a[PATH_MAX], b[PATH_MAX];
	size_t common = 0, i;
	int ups = 0;

	if (!realpath(from, a) || !realpath(to, b)) {
		snprintf(out, len, "%.4000s", to);
		return;
	}
	for (i = 0; a[i] && a[i] == b[i]; i++)
		if (a[i] == '/')
			common = i;
	if (!a[i] && b[i] == '/')
		common = i;
	for (const char *p = a + common; *p; p++)
		if (*p == '/')
			ups++;
	out[0] = 0;
	for (int k = 0; k < ups; k++)
		strncat(out, "../", len - strlen(out) - 1);
	strncat(out, b + common + 1, len - strlen(out) - 1);
}

/* ---- the output: report.md (report_html.c makes report.html from it) ---- */

void h2(struct out *o, const char *title)
{
	fprintf(o->md, "## %s\n\n", title);
}

void h3(struct out *o, const char *title)
{
	fprintf(o->md, "### %s\n\n", title);
}

/* a code block of lines, as they are */
void code(struct out *o, const struct jv *lines)
{
	fputs("```\n", o->md);
	for (size_t i = 0; lines && i < lines->len; i++)
		fprintf(o->md, "%s\n", jv_str(&lines->items[i], ""));
	fputs("```\n\n", o->md);
}

void para(struct out *o, const char *text)
{
	fprintf(o->md, "%s\n\n", text);
}

void item(struct out *o, const char *text)
{
	fprintf(o->md, "- %s\n", text);
}

void list_end(struct out *o)
{
	fputs("\n", o->md);
}

static void md_cell(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|')
			fputs("\\|", f);
		else if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/*
 * Tables are kept until table_end(), which knows every cell of a column:
 * numbers right-aligned, text left-aligned (table.c), in report.md's
 * alignment row, which report.html follows.  head starts a new table.
 */
void row(struct out *o, int head, int n, const char *const *cells)
{
	struct out_table *t = &o->tbl;

	if (head) {
		t->ncols = n < OUT_MAX_COLS ? n : OUT_MAX_COLS;
		t->nrows = 0;
	}
	if (t->nrows >= OUT_MAX_ROWS) {
		fprintf(stderr, "exitwatch report: a table has more than %d rows: the rest left out\n", OUT_MAX_ROWS);
		return;
	}
	for (int i = 0; i < t->ncols; i++)
		t->cell[t->nrows][i] = strdup(i < n && cells[i] ? cells[i] : "");
	t->nrows++;
}

void table_end(struct out *o)
{
	struct out_table *t = &o->tbl;
	int right[OUT_MAX_COLS];
	const char *col[OUT_MAX_ROWS];

	for (int c = 0; c < t->ncols; c++) {
		for (int r = 1; r < t->nrows; r++)
			col[r - 1] = t->cell[r][c] ? t->cell[r][c] : "";
		right[c] = ew_column_numeric(col, t->nrows - 1);
	}
	for (int r = 0; r < t->nrows; r++) {
		fputs("|", o->md);
		for (int c = 0; c < t->ncols; c++) {
			fputc(' ', o->md);
			md_cell(o->md, t->cell[r][c] ? t->cell[r][c] : "");
			fputs(" |", o->md);
		}
		fputs("\n", o->md);
		if (!r) {
			fputs("|", o->md);
			for (int c = 0; c < t->ncols; c++)
				fputs(right[c] ? "---:|" : ":---|", o->md);
			fputs("\n", o->md);
		}
		for (int c = 0; c < t->ncols; c++) {
			free(t->cell[r][c]);
			t->cell[r][c] = NULL;
		}
	}
	t->nrows = 0;
	fputs("\n", o->md);
}

void plot_ref(struct out *o, const char *name, const char *title, const char *caption)
{
	fprintf(o->md, "![%s](%s.svg)\n\n%s (PNG: [%s.png](%s.png))\n\n", title, name, caption, name, name);
}

/* an image written by another step in directory base, linked relative to the report */
void image_ref(struct out *o, const char *alt, const char *base, const char *file)
{
	char path[PATH_MAX + 256], rel[PATH_MAX];

	snprintf(path, sizeof(path), "%s/%s", base, file);
	relpath(o->dir, path, rel, sizeof(rel));
	fprintf(o->md, "![%s](%s)\n\n", alt, rel);
}

/* line with its ![alt](file) links made relative to the report (file is relative to base) */
static void relink(struct out *o, const char *line, const char *base, FILE *to)
{
	const char *s = line;

	while (*s) {
		const char *bang = strstr(s, "!["), *mid = bang ? strstr(bang, "](") : NULL;
		const char *end = mid ? strchr(mid, ')') : NULL;
		char file[PATH_MAX], rel[PATH_MAX + 256];

		if (!end)
			break;
		fwrite(s, 1, mid + 2 - s, to);
		snprintf(file, sizeof(file), "%.*s", (int)(end - mid - 2), mid + 2);
		if (file[0] != '/' && !strstr(file, "://")) {
			snprintf(rel, sizeof(rel), "%s/%s", base, file);
			relpath(o->dir, rel, file, sizeof(file));
		}
		fputs(file, to);
		s = end;
	}
	fputs(s, to);
}

/* a markdown table row -> row(): cells split at '|' but not at "\|", trimmed */
static void md_row(struct out *o, char *line, int head)
{
	const char *cells[OUT_MAX_COLS];
	char *c = line + 1, *q;
	int n = 0;

	for (q = c; *q; q++) {
		if (*q == '\\' && q[1] == '|') {
			memmove(q, q + 1, strlen(q));	/* md_cell() escapes it again */
			continue;
		}
		if (*q != '|')
			continue;
		*q = 0;
		if (n < OUT_MAX_COLS)
			cells[n++] = c;
		c = q + 1;
	}
	for (int i = 0; i < n; i++) {
		char *t = (char *)cells[i];

		while (*t == ' ')
			t++;
		for (size_t k = strlen(t); k && t[k - 1] == ' '; k--)
			t[k - 1] = 0;
		cells[i] = t;
	}
	row(o, head, n, cells);
}

/* "|---|:---:|": the line at s (up to its newline) is a table's separator row */
static int md_separator(const char *s)
{
	size_t n = strcspn(s, "\n");

	return s[0] == '|' && memchr(s, '-', n) && strspn(s, "|-: ") == n;
}

/*
 * A markdown file written by another tool (the A/B and reliability
 * sections): copied into report.md with its image links made relative to
 * the report's directory (they are relative to base, the file's own
 * directory); its tables are written again by table_end(), so that their
 * columns are aligned like the report's own; code blocks are copied as
 * they are.
 */
static void raw_md(struct out *o, const char *text, const char *base)
{
	const char *p = text;
	int in_code = 0, in_table = 0;

	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t n = eol ? (size_t)(eol - p) : strlen(p);
		char line[8192], *linked = NULL;
		size_t len = 0;
		FILE *m;

		snprintf(line, sizeof(line), "%.*s", (int)(n < sizeof(line) ? n : sizeof(line) - 1), p);
		p += n + (eol ? 1 : 0);
		if (!strncmp(line, "```", 3))
			in_code = !in_code;
		if (in_code || !strncmp(line, "```", 3)) {
			fprintf(o->md, "%s\n", line);
			continue;
		}
		m = open_memstream(&linked, &len);
		if (!m)
			continue;
		relink(o, line, base, m);
		fclose(m);
		if (in_table && linked[0] != '|') {
			table_end(o);	/* ends with the blank line a table needs */
			in_table = 0;
			if (!linked[0]) {
				free(linked);
				continue;
			}
		}
		if (in_table && !md_separator(linked)) {
			md_row(o, linked, 0);
		} else if (!in_table && linked[0] == '|' && *p == '|' && md_separator(p)) {
			md_row(o, linked, 1);
			in_table = 1;
			p = strchr(p, '\n') ? strchr(p, '\n') + 1 : p + strlen(p);	/* the separator */
		} else if (!in_table) {
			fprintf(o->md, "%s\n", linked);
		}
		free(linked);
	}
	if (in_table)
		table_end(o);
	else
		fputs("\n", o->md);
}

/* ---- plots ---- */

FILE *open_in(const char *dir, const char *name)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	if (!f)
		fprintf(stderr, "exitwatch report: %s: %s\n", path, strerror(errno));
	return f;
}

/* gnuplot NAME.gp in dir; 0 when NAME.svg and NAME.png were drawn */
int gnuplot(const char *dir, const char *name)
{
	char gp[PATH_MAX];
	pid_t pid;
	int st;

	snprintf(gp, sizeof(gp), "%s.gp", name);
	pid = fork();
	if (pid == 0) {
		if (chdir(dir))
			_exit(126);
		execlp("gnuplot", "gnuplot", gp, (char *)NULL);
		fprintf(stderr, "exitwatch report: gnuplot: %s (scripts/setup.sh installs it)\n", strerror(errno));
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) < 0)
		return -1;
	if (!WIFEXITED(st) || WEXITSTATUS(st)) {
		fprintf(stderr, "exitwatch report: gnuplot %s/%s failed\n", dir, gp);
		return -1;
	}
	return 0;
}

/*
 * The header of a plot script: the body is drawn twice, as SVG (for the
 * HTML) and PNG (to look at); `body` is written once, replot repeats it.
 * The terminals are the report's one style (plot-style.gp, copied beside
 * the plots by copy_plot_style()).
 */
void gp_begin(FILE *f, const char *name)
{
	fprintf(f, "# drawn by exitwatch report; run `gnuplot %s.gp` here to redraw\n", name);
	fprintf(f, "load \"plot-style.gp\"\neval svg(\"%s\", 1000, 600)\n", name);
}

void gp_end(FILE *f, const char *name)
{
	fprintf(f, "eval png(\"%s\", 1000, 600)\nreplot\nset output\n", name);
}

/*
 * harness/plot-style.gp, the style the shell scripts' plots load too, into
 * dir: found from the binary (build/exitwatch, or a directory below build/)
 * in the source tree it was built from; 0 when copied.
 */
static int copy_plot_style(const char *dir)
{
	char exe[PATH_MAX], path[PATH_MAX + 32], *up = exe, *text = NULL;
	FILE *f;

	if (!realpath("/proc/self/exe", exe))
		return -1;
	for (int i = 0; i < 3 && !text; i++) {
		up = dirname(up);	/* shortens exe in place */
		snprintf(path, sizeof(path), "%s/harness/plot-style.gp", up);
		text = read_text(path);
	}
	if (!text) {
		fprintf(stderr, "exitwatch report: harness/plot-style.gp not found above the binary: no plots\n");
		return -1;
	}
	f = open_in(dir, "plot-style.gp");
	if (f) {
		fputs(text, f);
		if (fclose(f))
			f = NULL;
	}
	free(text);
	return f ? 0 : -1;
}

static int cmp_mech(const void *a, const void *b)
{
	const struct jv *x = *(const struct jv *const *)a, *y = *(const struct jv *const *)b;
	int d = mech_index(S(x, "mechanism")) - mech_index(S(y, "mechanism"));

	return d ? d : (int)(N(x, "n") - N(y, "n"));
}

/* runs of d matching scenario (and n >= 0, load off), in mechanism then N order */
int select_runs(const struct jv *d, const char *scenario, int n, const struct jv **out, int max)
{
	const struct jv *runs = jv_get(d, "runs");
	int k = 0;

	for (size_t i = 0; runs && i < runs->len && k < max; i++) {
		const struct jv *r = &runs->items[i];

		if (!is_ok_run(r) || strcmp(S(r, "scenario"), scenario) || B(r, "load"))
			continue;
		if (n >= 0 && N(r, "n") != n)
			continue;
		out[k++] = r;
	}
	qsort(out, k, sizeof(out[0]), cmp_mech);
	return k;
}

static int plot_cdf(const struct opts *op, const struct jv *d, struct plot *p)
{
	const struct jv *rs[64];
	int n = select_runs(d, "burst", 1, rs, 64), e2u;
	FILE *f;

	if (!n)
		return 1;
	e2u = !strcmp(metric_of(rs[0]), "exit_to_user");
	snprintf(p->name, sizeof(p->name), "latency_cdf");
	snprintf(p->title, sizeof(p->title), "Latency CDF per mechanism (burst, N=1)");
	snprintf(p->caption, sizeof(p->caption),
		 "How long after a child's death each mechanism's watcher knows, one child killed at a "
		 "time (burst N=1, no background load). %s A curve further left is faster; its height at "
		 "a latency is the fraction of exits noticed within that time.",
		 e2u ? "Latency from the kernel's `sched_process_exit` of the child (BPF stamp) to the "
		       "watcher's own clock reading." :
		       "Latency from the `kill()` call to the watcher's own clock reading (no BPF tracer in this run).");
	for (int i = 0; i < n; i++) {
		const struct jv *cdf = jv_get(rs[i], "cdf_ns");

		f = open_in(op->dir, fmt("cdf_%s.dat", S(rs[i], "mechanism")));
		if (!f)
			return -1;
		fprintf(f, "# latency_us fraction (quantiles of %s, %s)\n", metric_of(rs[i]), S(rs[i], "mechanism"));
		for (size_t q = 0; cdf && q < cdf->len; q++) {
			double v = jv_num(&cdf->items[q], 0) / 1e3;

			fprintf(f, "%g %g\n", v < 0.1 ? 0.1 : v, q / 100.0);
		}
		fclose(f);
	}
	f = open_in(op->dir, "latency_cdf.gp");
	if (!f)
		return -1;
	gp_begin(f, p->name);
	fprintf(f, "set title \"How fast a watcher learns that a child died (one child killed at a time)\\n"
		   "%s; %s, kernel %s\"\n",
		e2u ? "from sched_process_exit in the kernel to the watcher's clock reading" :
		      "from kill() to the watcher's clock reading",
		S(d, "machine.cpu_model"), S(d, "machine.kernel_release"));
	fprintf(f, "set xlabel \"latency (microseconds, log scale)\"\n");
	fprintf(f, "set ylabel \"fraction of exits noticed within that latency\"\n");
	fprintf(f, "set logscale x\nset format x \"%%.0f\"\nset yrange [0:1]\nset ytics 0.1\n");
	fprintf(f, "set grid xtics mxtics ytics @grid\n");
	fprintf(f, "set key outside right top title \"mechanism\"\n");
	fprintf(f, "plot ");
	for (int i = 0; i < n; i++) {
		int m = mech_index(S(rs[i], "mechanism"));

		fprintf(f, "%s\"cdf_%s.dat\" using 1:2 with lines lw 2 %s",
			i ? ", \\\n     " : "", mech_style[m].name, gp_mech_line(m, 0));
	}
	fprintf(f, "\n");
	gp_end(f, p->name);
	fclose(f);
	return gnuplot(op->dir, p->name);
}

/* latency p50 and CPU per exit against N (from the scaling run if there is one) */
static int plot_by_n(const struct opts *op, const struct jv *src, struct plot *lp, struct plot *cp)
{
	const struct jv *rs[256];
	int n = select_runs(src, "burst", -1, rs, 256), have[NMECH] = { 0 }, vm;
	int nmech = 0, e2u = 0, r1, r2;
	FILE *f[NMECH] = { 0 }, *g;

	if (!n)
		return 1;
	vm = !strcmp(S(src, "options.spawn"), "vm");
	for (int i = 0; i < n; i++) {
		int m = mech_index(S(rs[i], "mechanism"));
		double p50 = lat(rs[i], metric_of(rs[i]), "p50"), cpu = N(rs[i], "watcher_cpu_ns_per_exit");

		e2u |= !strcmp(metric_of(rs[i]), "exit_to_user");
		if (!f[m]) {
			f[m] = open_in(op->dir, fmt("byn_%s.dat", mech_style[m].name));
			if (!f[m])
				return -1;
			fprintf(f[m], "# N median_latency_us watcher_cpu_us_per_exit (%s)\n", mech_style[m].name);
			have[m] = 1;
			nmech++;
		}
		fprintf(f[m], "%g %g %g\n", N(rs[i], "n"), isfinite(p50) ? (p50 < 100 ? 0.1 : p50 / 1e3) : NAN,
			isfinite(cpu) ? cpu / 1e3 : NAN);
	}
	for (int m = 0; m < NMECH; m++)
		if (f[m])
			fclose(f[m]);

	snprintf(lp->name, sizeof(lp->name), "latency_vs_n");
	snprintf(lp->title, sizeof(lp->title), "Median latency vs N");
	snprintf(lp->caption, sizeof(lp->caption),
		 "Median latency against the number of children killed at once (N), per mechanism, "
		 "no background load%s. Latency is %s. Lower is better; a mechanism that scans all "
		 "children per event rises with N.",
		 vm ? " (children created with CLONE_VM: cheap to create, no mm teardown at exit)" : "",
		 e2u ? "from the child's `sched_process_exit` to the watcher's clock reading" :
		       "from the `kill()` call to the watcher's clock reading");
	snprintf(cp->name, sizeof(cp->name), "cpu_vs_n");
	snprintf(cp->title, sizeof(cp->title), "Watcher CPU per exit vs N");
	snprintf(cp->caption, sizeof(cp->caption),
		 "CPU time of the watcher thread (CLOCK_THREAD_CPUTIME_ID over the whole cell, incl. "
		 "interrupt and softirq work that ran while it was current) divided by the exits it "
		 "noticed, against N%s. Flat is what a mechanism with O(1) work per exit should show.",
		 vm ? " (CLONE_VM children)" : "");
	for (int which = 0; which < 2; which++) {
		struct plot *p = which ? cp : lp;
		int first = 1;

		g = open_in(op->dir, fmt("%s.gp", p->name));
		if (!g)
			return -1;
		gp_begin(g, p->name);
		if (!which)
			fprintf(g, "set title \"Median notification latency against burst size N%s\\n"
				   "(%s; kernel %s)\"\n", vm ? " (CLONE_VM children)" : "",
				e2u ? "sched_process_exit -> watcher's clock reading" : "kill() -> watcher's clock reading",
				S(src, "machine.kernel_release"));
		else
			fprintf(g, "set title \"Watcher thread CPU time per exit against burst size N%s\\n"
				   "(kernel %s)\"\n", vm ? " (CLONE_VM children)" : "",
				S(src, "machine.kernel_release"));
		fprintf(g, "set xlabel \"children killed at once, N (log scale)\"\n");
		fprintf(g, "set ylabel \"%s\"\n", which ? "watcher CPU per exit (microseconds, log scale)"
							 : "median latency (microseconds, log scale)");
		fprintf(g, "set logscale xy\nset format x \"%%.0f\"\nset format y \"%%.0f\"\n");
		fprintf(g, "set grid xtics ytics mytics @grid\n");
		fprintf(g, "set key outside right top title \"mechanism\"\nset offsets graph 0.03, graph 0.03, 0, 0\n");
		fprintf(g, "plot ");
		for (int m = 0; m < NMECH; m++) {
			if (!have[m])
				continue;
			fprintf(g, "%s\"byn_%s.dat\" using 1:%d with linespoints lw 2 ps 1.2 %s",
				first ? "" : ", \\\n     ", mech_style[m].name, which ? 3 : 2, gp_mech_line(m, 1));
			first = 0;
		}
		fprintf(g, "\n");
		gp_end(g, p->name);
		fclose(g);
	}
	(void)nmech;
	r1 = gnuplot(op->dir, lp->name);
	r2 = gnuplot(op->dir, cp->name);
	return r1 || r2 ? -1 : 0;
}

/*
 * the rows of the stage breakdown: the stamped (C) blocks of the neutrality
 * pass, one per mechanism, where the run has them (the cells run without
 * the stage stamps since issue 17); else, in older files, the burst N=1
 * cells.  *name: the key of the mechanism's name in those objects.
 */
static int stage_rows(const struct jv *d, const struct jv **rs, int max, const char **name)
{
	const struct jv *ms = jv_path(d, "neutrality.mechanisms");
	int n = 0;

	for (size_t i = 0; ms && i < ms->len && n < max; i++)
		if (jv_get(&ms->items[i], "stages_mean_ns"))
			rs[n++] = &ms->items[i];
	*name = "name";
	if (n)
		return n;
	*name = "mechanism";
	/* the cells with a breakdown, in their order */
	for (int i = 0, all = select_runs(d, "burst", 1, rs, max); i < all; i++)
		if (jv_get(rs[i], "stages_mean_ns"))
			rs[n++] = rs[i];
	return n;
}

/* where stage_rows() took its rows from, for titles and captions */
static const char *stage_source(const char *name)
{
	return strcmp(name, "name") ? "burst N=1" : "burst N=1, blocks with the stage stamps";
}

static int plot_stages(const struct opts *op, const struct jv *d, struct plot *p)
{
	const struct jv *rs[64];
	const char *name;
	int n = stage_rows(d, rs, 64, &name), k = 0;
	FILE *f;

	f = open_in(op->dir, "stages.dat");
	if (!f)
		return -1;
	fprintf(f, "# mechanism, then the mean of each stage in microseconds:");
	for (int s = 0; s < NSTAGE; s++)
		fprintf(f, " %s", stage[s].key);
	fprintf(f, "\n");
	for (int i = 0; i < n; i++) {
		const struct jv *st = jv_get(rs[i], "stages_mean_ns");

		fprintf(f, "%s", S(rs[i], name));
		for (int s = 0; s < NSTAGE; s++)
			fprintf(f, " %g", jv_num(jv_get(st, stage[s].key), 0) / 1e3);
		fprintf(f, "\n");
		k++;
	}
	fclose(f);
	if (!k)
		return 1;
	snprintf(p->name, sizeof(p->name), "stages");
	snprintf(p->title, sizeof(p->title), "Stage breakdown of exit -> user (%s)", stage_source(name));
	snprintf(p->caption, sizeof(p->caption),
		 "Where the time between the child's `sched_process_exit` and the watcher's clock reading "
		 "goes, mean per exit, one child killed at a time. Stages are cut at kernel stamps in "
		 "time order; a stage with no stamp (e.g. no wake-up for a polling mechanism) is folded "
		 "into the next, so each bar is exactly the mean exit -> user latency.%s",
		 strcmp(name, "name") ? "" : " Measured in the neutrality pass's blocks with the stage stamps "
		 "attached, which cost what its table says; the cells run without them.");
	f = open_in(op->dir, "stages.gp");
	if (!f)
		return -1;
	gp_begin(f, p->name);
	fprintf(f, "set title \"Where the time from a child's exit to the watcher knowing goes\\n"
		   "(mean per exit, one child killed at a time, kernel %s)\"\n", S(d, "machine.kernel_release"));
	fprintf(f, "set ylabel \"mean time per exit (microseconds)\"\n");
	fprintf(f, "set style data histograms\nset style histogram rowstacked\n"
		   "set style fill solid 0.85 border -1\nset boxwidth 0.7\n");
	fprintf(f, "set key outside below horizontal maxrows 2 title \"stage\"\n");
	fprintf(f, "set grid ytics @grid\nset xtics rotate by -25 nomirror\nset yrange [0:*]\n");
	fprintf(f, "plot \"stages.dat\" using 2:xtic(1) lc rgb \"%s\" title \"%s\"", stage[0].colour, stage[0].title);
	for (int s = 1; s < NSTAGE; s++)
		fprintf(f, ", \\\n     '' using %d lc rgb \"%s\" title \"%s\"", s + 2, stage[s].colour, stage[s].title);
	fprintf(f, "\n");
	gp_end(f, p->name);
	fclose(f);
	return gnuplot(op->dir, p->name);
}

/* ---- sections ---- */

static const char *mark(const struct jv *met)
{
	if (met && met->type == JV_BOOL)
		return met->boolean ? "**met**" : "**not met**";
	return "n/a";
}

static void sec_machine(struct out *o, const struct jv *d)
{
	const struct jv *t = jv_get(d, "tracer");

	h2(o, "Machine and kernel");
	item(o, fmt("kernel %s (%s), %s, %g CPUs online (%s), %g MB RAM, Debian %s, pid_max %s",
		    S(d, "machine.kernel_release"), S(d, "machine.kernel_version"), S(d, "machine.arch"),
		    N(d, "machine.cpus_online"), S(d, "machine.cpu_model"), N(d, "machine.mem_total_mb"),
		    S(d, "machine.debian_version"), S(d, "machine.pid_max")));
	item(o, fmt("load average at start: %s; at end: %s (the storms raise it themselves: thousands of "
		    "killed children are runnable at once)", S(d, "machine.loadavg_start"), S(d, "machine.loadavg_end")));
	if (jv_get(d, "load"))
		item(o, fmt("machine load (harness/load.c): %s", S(d, "load.verdict")));
	item(o, fmt("note: %s", *S(d, "tool.note") ? S(d, "tool.note") : "-"));
	item(o, fmt("command: `%s` (%.0f s%s%s)", S(d, "tool.command"), N(d, "tool.duration_s"),
		    N(d, "options.reps") > 1 ? fmt(", %g repetitions of every cell", N(d, "options.reps")) : "",
		    B(d, "tool.interrupted") ? ", INTERRUPTED: partial results" : ""));
	if (N(d, "options.inject_delay_us") > 0)
		item(o, fmt("**EXITWATCH_INJECT_DELAY_US was set**: the watcher of %s busy-waited %g us after each "
			    "notice (a deliberately slow watcher for testing the regression gate): its figures are not "
			    "real", *S(d, "options.inject_delay_mechanism") ? S(d, "options.inject_delay_mechanism") :
			    "every mechanism", N(d, "options.inject_delay_us")));
	if (B(t, "enabled")) {
		item(o, fmt("BPF tracer: on. %s. mm teardown tracepoints: %s. Optional fentry programs: %s.",
			    S(t, "exit_tracepoint_placement"),
			    B(t, "mm_tracepoints") ? "yes (--mm-stamps)" : "exit_mmap only, in the heavy cells",
			    B(t, "stage_programs") ? "loaded" : fmt("not loaded (%s)", S(t, "stage_programs_reason"))));
		item(o, fmt("ring buffer: %.0f records, %.0f drops; task map full: %.0f times", N(t, "records_total"),
			    N(t, "ringbuf_drops_total"), N(t, "map_full_total")));
	} else {
		item(o, fmt("BPF tracer: **off** (%s). Only user-space latencies (kill() or the child's last "
			    "stamp -> notice).", S(t, "reason")));
	}
	list_end(o);
}

static void sec_observer(struct out *o, const struct jv *d)
{
	const struct jv *t = jv_get(d, "tracer");
	double before = B(t, "enabled") ? N(t, "exit_tp_before_exit_mm") : NAN;
	static const char *const head[] = { "boundary", "how", "this kernel", "6.1" };
	const char *rows[][4] = {
		{ "SIGKILL generated", "tp `signal_generate`", "yes", "yes" },
		{ "exit begins", "tp `sys_enter` (exit_group: attached for churn and stagger only) or `signal_deliver` (SIGKILL)",
		  "yes", "yes" },
		{ "t_exit", "tp `sched_process_exit`, the group's last thread (signal->live == 0)",
		  before == 1 ? "before exit_mm (6.16+)" : before == 0 ? "after exit_mm" : "?",
		  "after exit_mm and acct_process" },
		{ "mm teardown start / end", "first tp `mmap_lock_start_locking` of the exiting task / tp `exit_mmap`",
		  B(t, "mm_tracepoints") ? "yes (--mm-stamps)" : "end only, in the heavy cells (memory freed)", "yes" },
		{ "notify", "fentry `do_notify_parent` (optional), else the first of SIGCHLD generated and the first watcher wake",
		  B(t, "stage_programs") ? "fentry" : "fallback (fentry refused here)", "fentry (loads in the 6.1 guests)" },
		{ "t_wake", "tp `sched_waking`, current in the exiting group, p a watcher thread", "yes", "yes" },
		{ "t_run", "tp `sched_switch`, next == that watcher", "yes", "yes" },
		{ "t_reap", "fentry `release_task` (optional)", B(t, "stage_programs") ? "yes" : "no", "yes" },
	};

	h2(o, "What the kernel lets the observer measure");
	row(o, 1, 4, head);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		row(o, 0, 4, rows[i]);
	table_end(o);
	para(o, before == 1 ? "On this kernel exit->wake includes mm teardown; on 6.1 mm teardown happens before "
			      "t_exit and shows up in begin_to_exit instead, so exit->wake figures of the two "
			      "kernels are not comparable without the stages. One CO-RE object (`bpf/exitwatch.bpf.c`) "
			      "loads unchanged on both." :
			      "mm teardown happens before t_exit here and shows up in begin_to_exit.");
}

/* what a profile of pidfd-epoll's watcher at N=10,000 found (figures and commands: harness/README.md) */
static const char scaling_finding[] =
	"Why this ratio swings between runs (perf profile of this cell, see harness/README.md): "
	"the extra CPU at N=10,000, when there is some, is hardly in epoll "
	"(about 3 % of the watcher's samples) but in reaping: the watcher's waitid(P_PIDFD) runs "
	"release_task, which drops the reaped child's /proc/<pid> dentries (proc_flush_pid -> "
	"d_invalidate, about half of its CPU), plus RCU softirq work charged to it while it is "
	"current (about a quarter). Those dentries exist only if some process looked the children "
	"up in /proc while they lived: 10,000 children live for seconds, 10 for milliseconds, and "
	"on a shared machine ps and monitoring walk /proc. With a /proc walker beside the run the "
	"figure is about 3x higher; without one, N=10,000 can cost less per exit than N=10. The "
	"ratio measures the machine's /proc traffic as much as pidfd-epoll.";

static void sec_targets(struct out *o, const struct jv *d, const struct jv *sc)
{
	static const char *const head[] = { "target", "goal", "measured", "met", "detail" };
	const struct jv *tg = jv_get(d, "targets");

	h2(o, "SPEC targets");
	row(o, 1, 5, head);
	for (size_t i = 0; tg && i < tg->len; i++) {
		const struct jv *t = &tg->items[i], *met = jv_get(t, "met");
		const char *name = S(t, "name"), *note = S(t, "note");
		double meas = N(t, "measured");
		char detail[2048];
		const char *cells[5];

		snprintf(detail, sizeof(detail), "%s", note);
		/* the scaling run supplies what the main run cannot (N=10,000) */
		if (sc && !strcmp(name, "pidfd_epoll_scaling") && (!met || met->type != JV_BOOL)) {
			const struct jv *st = jv_get(sc, "targets");

			for (size_t k = 0; st && k < st->len; k++) {
				const struct jv *s2 = &st->items[k];

				if (strcmp(S(s2, "name"), name) || !jv_get(s2, "met") ||
				    jv_get(s2, "met")->type != JV_BOOL)
					continue;
				met = jv_get(s2, "met");
				meas = N(s2, "measured");
				snprintf(detail, sizeof(detail), "%s (scaling run, CLONE_VM children).", S(s2, "note"));
			}
		}
		if (!strcmp(name, "pidfd_epoll_scaling") && met && met->type == JV_BOOL)
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail), " %s", scaling_finding);
		if (sc && !strcmp(name, "nothing_lost")) {
			const struct jv *runs = jv_get(sc, "runs");
			double extra = 0, exits = 0;

			for (size_t k = 0; runs && k < runs->len; k++) {
				const struct jv *r = &runs->items[k];

				if (!is_ok_run(r))
					continue;
				extra += N(r, "detection_errors.missed") + N(r, "lost") + N(r, "bpf.ringbuf_drops");
				exits += N(r, "exits");
			}
			snprintf(detail + strlen(detail), sizeof(detail) - strlen(detail),
				 "; scaling run: %.0f exits, %.0f unaccounted or dropped", exits, extra);
			if (isfinite(meas))
				meas += extra;
			if (extra && met && met->type == JV_BOOL && met->boolean) {
				static const struct jv no = { .type = JV_BOOL, .boolean = 0 };

				met = &no;
			}
		}
		cells[0] = name;
		cells[1] = S(t, "target");
		cells[2] = isfinite(meas) ? fmt("%.4g %s", meas, S(t, "unit")) : "-";
		cells[3] = mark(met);
		cells[4] = detail;
		row(o, 0, 5, cells);
	}
	table_end(o);
	para(o, "n/a: the target only asks for a figure, or its inputs were not measured in this run.");
}

static void sec_mechanisms(struct out *o, const struct jv *d)
{
	static const char *const head[] = { "mechanism", "on this kernel", "how it learns of a death, or why it was skipped",
					     "parent only", "polls" };
	const struct jv *ms = jv_get(d, "mechanisms");

	h2(o, "Mechanisms");
	row(o, 1, 5, head);
	for (size_t i = 0; ms && i < ms->len; i++) {
		const struct jv *m = &ms->items[i];
		const char *cells[5] = {
			S(m, "name"), B(m, "available") ? "measured" : "**skipped**",
			B(m, "available") ? S(m, "how") : S(m, "skip_reason"),
			B(m, "parent_only") ? "yes" : "no", B(m, "polls") ? "yes (timer)" : "no (woken)",
		};

		row(o, 0, 5, cells);
	}
	table_end(o);
}

static void sec_floor(struct out *o, const struct jv *d)
{
	const struct jv *fl = jv_get(d, "floor"), *pt = jv_get(d, "perturbation");

	h2(o, "Floor and observer perturbation");
	if (B(fl, "measured")) {
		const struct jv *p = jv_get(fl, "pipe_pingpong_one_way_ns");

		item(o, fmt("wake-up floor, a one-byte pipe ping-pong between two processes, one way: p50 %s us, "
			    "p90 %s us, p99 %s us, max %s us (%.0f samples%s)", us(N(p, "p50")), us(N(p, "p90")),
			    us(N(p, "p99")), us(N(p, "max")), N(p, "count"),
			    N(fl, "repetitions") > 1 ? fmt(", %g repetitions", N(fl, "repetitions")) : ""));
		item(o, fmt("raw fork+exit+reap rate (fork, _exit, waitpid, one at a time): %.0f /s",
			    N(fl, "fork_exit_reap_per_s")));
	} else {
		item(o, "floor not measured");
	}
	if (B(pt, "measured"))
		item(o, fmt("tracer perturbation: fork+exit+reap %.0f /s traced vs %.0f /s untraced (medians of %zu "
			    "interleaved %g ms slices, ratio %.3f); median of the paired slice ratios %.3f (the "
			    "target's figure)", N(pt, "traced_median_per_s"), N(pt, "untraced_median_per_s"),
			    J(pt, "traced_per_s") ? J(pt, "traced_per_s")->len : 0, N(pt, "slice_ms"),
			    N(pt, "ratio_of_medians"), N(pt, "ratio")));
	else
		item(o, fmt("tracer perturbation not measured: %s", *S(pt, "reason") ? S(pt, "reason") : "-"));
	list_end(o);
}

const char *ratio_s(double a, double b)
{
	return isfinite(a) && isfinite(b) && b > 0 ? fmt("%.2f", a / b) : "-";
}

/* every mechanism's burst N=1 trigger->user beside the independent reference (issue 17) */
/* the rows the reference is compared with: the neutrality pass's B blocks, or the burst N=1 cells */
static int ref_rows(const struct jv *d, const struct jv *ref, const struct jv **rs, int max, const char **name,
		    const char **p50, const char **p99)
{
	const struct jv *ms = jv_path(d, "neutrality.mechanisms");
	int n = 0;

	if (!strcmp(S(ref, "where"), "neutrality")) {
		for (size_t i = 0; ms && i < ms->len && n < max; i++)
			if (!*S(&ms->items[i], "skip_reason"))
				rs[n++] = &ms->items[i];
		*name = "name";
		*p50 = "traced_p50_ns";
		*p99 = "traced_p99_ns";
		return n;
	}
	*name = "mechanism";
	*p50 = "latency_ns.trigger_to_user.p50";
	*p99 = "latency_ns.trigger_to_user.p99";
	return select_runs(d, "burst", 1, rs, max);
}

/* mech's B blocks beside the reference's way, placement by placement (both have them in order) */
static void ref_placements(struct out *o, const struct jv *d, const char *mech, const char *key,
			   const char *target)
{
	static const char *const head[] = { "placement (watcher, killer, child)", "exitwatch exits",
					    "exitwatch p50 us", "ew-ref samples", "ew-ref p50 us", "exitwatch / ew-ref" };
	const struct jv *t = named(jv_get(d, "targets"), target), *ref = jv_path(d, key);
	const struct jv *mine = jv_get(named(jv_path(d, "neutrality.mechanisms"), mech), "placements");

	if (!mine || !ref || mine->len != ref->len)
		return;
	para(o, fmt("%s: %s pooled, %s within placements (%s of the samples).", mech,
		    ratio_s(N(t, "pooled_ratio"), 1), ratio_s(N(t, "placed_ratio"), 1),
		    fmt("%.0f %%", 100 * N(t, "placed_share"))));
	row(o, 1, 6, head);
	for (size_t p = 0; p < ref->len; p++) {
		const struct jv *a = &mine->items[p], *b = &ref->items[p];
		double pa = N(a, "traced_p50_ns"), pb = N(b, "p50_ns");

		if (!N(a, "traced_count") && !N(b, "count"))
			continue;	/* three CPUs on a two-CPU machine */
		const char *cells[6] = { S(b, "placement"), fmt("%g", N(a, "traced_count")),
					 N(a, "traced_count") ? us(pa) : "-", fmt("%g", N(b, "count")),
					 N(b, "count") ? us(pb) : "-",
					 N(a, "traced_count") && N(b, "count") ? ratio_s(pa, pb) : "-" };

		row(o, 0, 6, cells);
	}
	table_end(o);
}

static void sec_reference(struct out *o, const struct jv *d)
{
	const struct jv *ref = jv_get(d, "reference"), *rs[32];
	static const char *const head[] = { "mechanism (burst N=1)", "trigger->user p50 us", "p99 us",
					    "/ ref pidfd-epoll p50", "/ ref waitid p50" };
	const char *name, *p50, *p99;
	double re, rw;
	int n, nt;

	h2(o, "Independent reference (build/ew-ref)");
	if (!B(ref, "measured")) {
		para(o, fmt("Not measured: %s.", *S(ref, "reason") ? S(ref, "reason") : "older results"));
		return;
	}
	re = N(ref, "pidfd_epoll_trigger_to_user_ns.p50");
	rw = N(ref, "waitid_trigger_to_user_ns.p50");
	n = ref_rows(d, ref, rs, 32, &name, &p50, &p99);
	nt = !strcmp(name, "name");
	para(o, fmt("A separate static program (no BPF, no exitwatch code) in the shape of exitwatch's burst N=1 "
		    "rounds: a killer thread has a small spawner process fork a child, SIGKILLs it once it is ready, "
		    "and a watcher thread, already blocked, times kill -> epoll_wait on the child's pidfd: p50 %s us, "
		    "p99 %s us; kill -> blocking waitid: p50 %s us, p99 %s us (%g slices of %g samples each, %s).",
		    us(re), us(N(ref, "pidfd_epoll_trigger_to_user_ns.p99")), us(rw),
		    us(N(ref, "waitid_trigger_to_user_ns.p99")), N(ref, "slices"), N(ref, "samples_per_slice"),
		    nt ? "one after every round of the neutrality pass, so it runs in the same minutes and "
			 "conditions as the figures beside it, which are that pass's B blocks (the cells' programs)"
		       : "one before every cell"));
	row(o, 1, 5, head);
	for (int i = 0; i < n; i++) {
		double p = N(rs[i], p50);
		const char *cells[] = { S(rs[i], name), us(p), us(N(rs[i], p99)), ratio_s(p, re), ratio_s(p, rw) };

		row(o, 0, 5, cells);
	}
	table_end(o);
	if (!nt || !jv_get(ref, "pidfd_epoll_placements"))
		return;
	para(o, "Where the scheduler put the watcher, the killer and the child moves a p50 by tens of percent on this "
		"machine, and a slice or a block keeps its placement, so the pooled ratios above move with which "
		"placements each side drew. The targets compare the two placement by placement, each weighted by "
		"its share of both sides' samples, where the placements both had cover at least 80 % of them:");
	ref_placements(o, d, "pidfd-epoll", "reference.pidfd_epoll_placements", "reference_pidfd_epoll");
	ref_placements(o, d, "waitid", "reference.waitid_placements", "reference_waitid");
}

/* a heavy cell's victim size and kill path beside its scenario */
static const char *scenario_label(const struct jv *r)
{
	if (!isfinite(N(r, "rss_mb")))
		return S(r, "scenario");
	return fmt("%s %g MB%s", S(r, "scenario"), N(r, "rss_mb"),
		   !strcmp(S(r, "kill_path"), "sigkill+mrelease") ? " +mrelease" : "");
}

static void sec_runs(struct out *o, const struct jv *d)
{
	static const char *const head[] = {
		"scenario", "N", "load", "mechanism", "exits", "lost", "missed", "false", "metric", "p50 us",
		"p90 us", "p99 us", "p99.9 us", "max us", "exit->wake p50 us", "wake->run p50 us",
		"CPU/exit us", "syscalls/exit", "exits/s", "status ok",
	};
	static const char *const shead[] = { "scenario", "N", "load", "mechanism", "reason" };
	const struct jv *runs = jv_get(d, "runs");
	int nskip = 0;

	h2(o, "All runs");
	para(o, "Latencies in microseconds. exit->user: from `sched_process_exit` of the child's last thread "
		"(BPF) to the watcher's own CLOCK_MONOTONIC stamp; trigger->user (without the tracer): from the "
		"kill() call (burst, heavy) or the child's last stamp before _exit (churn, stagger). CPU/exit: "
		"watcher thread CPU time over the whole cell / exits. status ok: wait statuses recovered "
		"correctly / exits noticed (pollers cannot recover one).");
	row(o, 1, 20, head);
	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];
		const char *m = metric_of(r), *cells[20];

		if (!is_ok_run(r)) {
			nskip++;
			continue;
		}
		cells[0] = scenario_label(r);
		cells[1] = fmt("%g", N(r, "n"));
		cells[2] = B(r, "load") ? "on" : "off";
		cells[3] = S(r, "mechanism");
		cells[4] = fmt("%.0f", N(r, "exits"));
		cells[5] = fmt("%.0f", N(r, "lost"));
		cells[6] = fmt("%.0f", N(r, "detection_errors.missed"));
		cells[7] = fmt("%.0f", N(r, "detection_errors.false"));
		cells[8] = !strcmp(m, "exit_to_user") ? "exit->user" : "trigger->user";
		cells[9] = us(lat(r, m, "p50"));
		cells[10] = us(lat(r, m, "p90"));
		cells[11] = us(lat(r, m, "p99"));
		cells[12] = us(lat(r, m, "p99_9"));
		cells[13] = us(lat(r, m, "max"));
		cells[14] = us(lat(r, "exit_to_wake", "p50"));
		cells[15] = us(lat(r, "wake_to_run", "p50"));
		cells[16] = isfinite(N(r, "watcher_cpu_ns_per_exit")) ? fmt("%.2f", N(r, "watcher_cpu_ns_per_exit") / 1e3) : "-";
		cells[17] = isfinite(N(r, "syscalls_per_exit")) ? fmt("%.2f", N(r, "syscalls_per_exit")) : "-";
		cells[18] = fmt("%.0f", N(r, "exits_per_s"));
		cells[19] = fmt("%.0f/%.0f%s", N(r, "exit_status.recovered"), N(r, "exit_status.expected"),
				*S(r, "error") ? fmt(" (watcher error: %s)", S(r, "error")) : "");
		row(o, 0, 20, cells);
	}
	table_end(o);
	if (!nskip)
		return;
	para(o, "Skipped cells, with the reason:");
	row(o, 1, 5, shead);
	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];
		const char *cells[5];

		if (is_ok_run(r))
			continue;
		cells[0] = scenario_label(r);
		cells[1] = fmt("%g", N(r, "n"));
		cells[2] = B(r, "load") ? "on" : "off";
		cells[3] = S(r, "mechanism");
		cells[4] = S(r, "skip_reason");
		row(o, 0, 5, cells);
	}
	table_end(o);
}

static void sec_scaling(struct out *o, const struct jv *sc)
{
	static const char *const head[] = {
		"scenario", "N", "mechanism", "exits", "lost", "missed", "p50 us", "p99 us", "max us",
		"CPU/exit us", "syscalls/exit", "exits/s",
	};
	const struct jv *runs = jv_get(sc, "runs");

	h2(o, "Scaling run (children created with CLONE_VM: cheap to create, no mm teardown)");
	para(o, fmt("command: `%s`. Forking 10,000 real processes takes minutes on a slow 2-core machine, so "
		    "the N sweep up to 10,000 uses children that share the harness's memory; the notification "
		    "path is the same, exit skips mm teardown. The per-N plots above come from this run.",
		    S(sc, "tool.command")));
	row(o, 1, 12, head);
	for (size_t i = 0; runs && i < runs->len; i++) {
		const struct jv *r = &runs->items[i];
		const char *m = metric_of(r), *cells[12];

		if (!is_ok_run(r))
			continue;
		cells[0] = S(r, "scenario");
		cells[1] = fmt("%g", N(r, "n"));
		cells[2] = S(r, "mechanism");
		cells[3] = fmt("%.0f", N(r, "exits"));
		cells[4] = fmt("%.0f", N(r, "lost"));
		cells[5] = fmt("%.0f", N(r, "detection_errors.missed"));
		cells[6] = us(lat(r, m, "p50"));
		cells[7] = us(lat(r, m, "p99"));
		cells[8] = us(lat(r, m, "max"));
		cells[9] = isfinite(N(r, "watcher_cpu_ns_per_exit")) ? fmt("%.2f", N(r, "watcher_cpu_ns_per_exit") / 1e3) : "-";
		cells[10] = isfinite(N(r, "syscalls_per_exit")) ? fmt("%.2f", N(r, "syscalls_per_exit")) : "-";
		cells[11] = fmt("%.0f", N(r, "exits_per_s"));
		row(o, 0, 12, cells);
	}
	table_end(o);
}

static void sec_stages(struct out *o, const struct jv *d)
{
	const struct jv *rs[64];
	const char *name, *head[NSTAGE + 4];
	int n = stage_rows(d, rs, 64, &name);

	if (!n)
		return;
	h2(o, fmt("Stage breakdown (%s, mean us)", stage_source(name)));
	para(o, fmt("Stages are cut at the kernel stamps in order from sched_process_exit; a stage whose end "
		    "stamp is missing (e.g. no wake for a polling mechanism, no SIGCHLD for autoreaped children) "
		    "is folded into the next one. %s", S(d, "tracer.exit_tracepoint_placement")));
	head[0] = "mechanism";
	for (int s = 0; s < NSTAGE; s++)
		head[s + 1] = stage[s].key;
	head[NSTAGE + 1] = "sum of stages";
	head[NSTAGE + 2] = "mean exit->user";
	head[NSTAGE + 3] = "difference";
	row(o, 1, NSTAGE + 4, head);
	for (int i = 0; i < n; i++) {
		const struct jv *st = jv_get(rs[i], "stages_mean_ns");
		const char *cells[NSTAGE + 4];
		double sum = N(rs[i], "stages_sum_mean_ns"), e2u = N(rs[i], "exit_to_user_mean_ns");

		cells[0] = S(rs[i], name);
		for (int s = 0; s < NSTAGE; s++)
			cells[s + 1] = us(jv_num(jv_get(st, stage[s].key), 0));
		cells[NSTAGE + 1] = us(sum);
		cells[NSTAGE + 2] = us(e2u);
		cells[NSTAGE + 3] = fmt("%.3f%%", 100 * fabs(sum - e2u) / (e2u > 1 ? e2u : 1));
		row(o, 0, NSTAGE + 4, cells);
	}
	table_end(o);
}

static void sec_bench(struct out *o, const char *path)
{
	static const char *const head[] = { "benchmark", "real time", "CPU time", "unit", "skipped because" };
	char err[512];
	struct jv *b = jv_parse_file(path, err, sizeof(err));
	const struct jv *bs;

	if (!b) {
		fprintf(stderr, "exitwatch report: micro-benchmarks left out: %s\n", err);
		return;
	}
	h2(o, fmt("Micro-benchmarks (make bench, %s)", *S(b, "context.date") ? S(b, "context.date") : "?"));
	para(o, fmt("From `%s`: Google Benchmark through the C shim; not re-run by make report.", path));
	row(o, 1, 5, head);
	bs = jv_get(b, "benchmarks");
	for (size_t i = 0; bs && i < bs->len; i++) {
		const struct jv *x = &bs->items[i];
		const char *cells[5];

		cells[0] = S(x, "name");
		if (B(x, "error_occurred")) {
			cells[1] = cells[2] = cells[3] = "-";
			cells[4] = S(x, "error_message");
		} else {
			cells[1] = fmt("%.0f", N(x, "real_time"));
			cells[2] = fmt("%.0f", N(x, "cpu_time"));
			cells[3] = S(x, "time_unit");
			cells[4] = "";
		}
		row(o, 0, 5, cells);
	}
	table_end(o);
	jv_free(b);
}

/*
 * A section file written by another tool: JSON (drawn by its schema,
 * report_steps.c) or markdown (copied; images relative to its directory).
 * -1 when a JSON file cannot be drawn.
 */
static int sec_file(struct out *o, const char *path)
{
	size_t n = strlen(path);
	char *text, dir[PATH_MAX];

	if (access(path, R_OK))
		return 0;	/* not written (yet): nothing to add */
	if (n > 5 && !strcmp(path + n - 5, ".json"))
		return sec_json(o, path);
	text = read_text(path);
	if (!text)
		return 0;
	snprintf(dir, sizeof(dir), "%s", path);
	raw_md(o, text, dirname(dir));
	free(text);
	return 0;
}

/* ---- the command ---- */

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitwatch report [OPTIONS] RESULTS.json\n"
		"\n"
		"Draws the plots of an `exitwatch run` (gnuplot: SVG and PNG, with their data and\n"
		"scripts) and writes report.md and a self-contained report.html.\n"
		"\n"
		"  -d, --dir DIR          output directory (default: the directory of RESULTS.json)\n"
		"  -s, --scaling FILE     a second run with the N sweep (burst sizes up to 10,000)\n"
		"  -m, --matrix FILE      the conformance matrix of make check (build/matrix.json)\n"
		"  -b, --bench FILE       Google Benchmark JSON of make bench (build/bench/bench.json)\n"
		"  -R, --reuse DIR        wrong answers under pid reuse for the summary, from DIR's\n"
		"                         pid_reuse.dat and pid_reuse_harness.dat (results/reliability)\n"
		"  -S, --section FILE     append this section if it exists (repeatable): JSON of a\n"
		"                         step (harness/SCHEMA.md), or markdown whose image links\n"
		"                         are relative to its own directory\n"
		"  -h, --help\n"
		"\n"
		"Exit status: 0 written; 1 written but a plot, an image or a JSON section is missing\n(gnuplot failed, or a section file could not be drawn);\n"
		"2 usage error or unreadable input.\n");
}

static void write_header(struct out *o, const struct jv *d, const struct opts *op)
{
	char when[64];
	time_t now = time(NULL);

	strftime(when, sizeof(when), "%Y-%m-%d %H:%M UTC", gmtime(&now));
	/* a busy machine is the first thing a reader sees */
	sec_load_verdict(o, d);
	fprintf(o->md, "# exitwatch report\n\nGenerated %s by `exitwatch report` from `%s` (schema %s; see "
		"harness/SCHEMA.md): how fast, how cheaply and how correctly a process learns that another "
		"process died, for each of nine mechanisms, on kernel %s.\n\n",
		when, op->results, S(d, "schema"), S(d, "machine.kernel_release"));
}

/* the command line into op; -1 to go on, else the exit status */
static int report_args(int argc, char **argv, struct opts *op)
{
	static const struct option lo[] = {
		{ "dir", required_argument, 0, 'd' },
		{ "scaling", required_argument, 0, 's' },
		{ "matrix", required_argument, 0, 'm' },
		{ "bench", required_argument, 0, 'b' },
		{ "section", required_argument, 0, 'S' },
		{ "reuse", required_argument, 0, 'R' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "d:s:m:b:S:R:h", lo, NULL)) != -1) {
		switch (c) {
		case 'd': op->dir = optarg; break;
		case 's': op->scaling = optarg; break;
		case 'm': op->matrix = optarg; break;
		case 'b': op->bench = optarg; break;
		case 'R': op->reuse = optarg; break;
		case 'S':
			if (op->nsections >= MAX_SECTIONS) {
				fprintf(stderr, "exitwatch report: at most %d --section files\n", MAX_SECTIONS);
				return 2;
			}
			op->sections[op->nsections++] = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'exitwatch report --help'.\n");
			return 2;
		}
	}
	if (optind != argc - 1) {
		fprintf(stderr, "exitwatch report: %s\nTry 'exitwatch report --help'.\n",
			optind >= argc ? "which RESULTS.json?" : "one RESULTS.json only");
		return 2;
	}
	op->results = argv[optind];
	return -1;
}

/* the results (and the scaling run) into *d, *sc and the output directory; 0 or 2 */
static int report_inputs(struct opts *op, struct jv **d, struct jv **sc, char *dirbuf, size_t len)
{
	char err[512];
	struct stat st;

	*sc = NULL;
	*d = jv_parse_file(op->results, err, sizeof(err));
	if (!*d) {
		fprintf(stderr, "exitwatch report: %s\n", err);
		return 2;
	}
	if (strncmp(S(*d, "schema"), "exitwatch-results/", 18) || !jv_get(*d, "runs")) {
		fprintf(stderr, "exitwatch report: %s: not an exitwatch results file (schema \"%s\")\n",
			op->results, S(*d, "schema"));
		return 2;
	}
	if (op->scaling) {
		*sc = jv_parse_file(op->scaling, err, sizeof(err));
		if (!*sc) {
			fprintf(stderr, "exitwatch report: %s\n", err);
			return 2;
		}
	}
	if (!op->dir) {
		snprintf(dirbuf, len, "%s", op->results);
		op->dir = dirname(dirbuf);
	}
	if (stat(op->dir, &st) || !S_ISDIR(st.st_mode)) {
		fprintf(stderr, "exitwatch report: -d %s: not a directory\n", op->dir);
		return 2;
	}
	return 0;
}

struct plots {
	struct plot cdf, byn_l, byn_c, stages;
	int have_cdf, have_byn, have_st;
};

/* plots first: the report embeds them; 1 if one failed */
static int draw_plots(const struct opts *op, const struct jv *d, const struct jv *sc, struct plots *p)
{
	int rc[3];	/* 0 drawn, 1 no such runs, -1 failed */

	if (copy_plot_style(op->dir)) {
		rc[0] = rc[1] = rc[2] = -1;
	} else {
		rc[0] = plot_cdf(op, d, &p->cdf);
		rc[1] = plot_by_n(op, sc ? sc : d, &p->byn_l, &p->byn_c);
		rc[2] = plot_stages(op, d, &p->stages);
	}
	p->have_cdf = !rc[0];
	p->have_byn = !rc[1];
	p->have_st = !rc[2];
	return rc[0] < 0 || rc[1] < 0 || rc[2] < 0;
}

static void sec_plots(struct out *o, const struct plots *p)
{
	h2(o, "Plots");
	if (p->have_cdf)
		plot_ref(o, p->cdf.name, p->cdf.title, p->cdf.caption);
	if (p->have_byn) {
		plot_ref(o, p->byn_l.name, p->byn_l.title, p->byn_l.caption);
		plot_ref(o, p->byn_c.name, p->byn_c.title, p->byn_c.caption);
	}
	if (p->have_st)
		plot_ref(o, p->stages.name, p->stages.title, p->stages.caption);
	if (!p->have_cdf || !p->have_byn || !p->have_st)
		para(o, fmt("Not drawn:%s%s%s (no such runs in the results, or gnuplot failed: see its messages).",
			    p->have_cdf ? "" : " the latency CDF (needs burst N=1)",
			    p->have_byn ? "" : " latency and CPU against N (needs bursts)",
			    p->have_st ? "" : " the stage breakdown (needs burst N=1 with the tracer)"));
}

/* report.md, section by section */
static void write_sections(struct out *o, const struct jv *d, const struct jv *sc, const struct opts *op,
			   const struct plots *p)
{
	write_header(o, d, op);
	sec_summary(o, d, op->reuse);
	sec_targets(o, d, sc);
	sec_machine(o, d);
	sec_mechanisms(o, d);
	sec_observer(o, d);
	sec_floor(o, d);
	sec_reference(o, d);
	sec_neutrality(o, d);
	sec_plots(o, p);
	sec_stages(o, d);
	if (sec_sweep(o, op->dir, d) < 0)
		o->failed = 1;
	sec_runs(o, d);
	if (sc)
		sec_scaling(o, sc);
	if (op->bench && !access(op->bench, R_OK))
		sec_bench(o, op->bench);
	sec_matrix(o, op->matrix);
	for (int i = 0; i < op->nsections; i++)
		if (sec_file(o, op->sections[i]))
			o->failed = 1;
}

/* report.md and report.html into op->dir; the exit status */
static int write_report(const struct opts *op, const struct jv *d, const struct jv *sc)
{
	char path[PATH_MAX];
	struct out o = { 0 };
	struct plots p;

	o.dir = op->dir;
	o.failed = draw_plots(op, d, sc, &p);
	snprintf(path, sizeof(path), "%s/report.md", op->dir);
	o.md = fopen(path, "w");
	if (!o.md) {
		fprintf(stderr, "exitwatch report: cannot write in %s: %s\n", op->dir, strerror(errno));
		return 2;
	}
	write_sections(&o, d, sc, op, &p);
	if (fclose(o.md)) {
		fprintf(stderr, "exitwatch report: cannot write in %s: %s\n", op->dir, strerror(errno));
		return 2;
	}
	switch (ew_report_html(op->dir)) {
	case 0: break;
	case 1: o.failed = 1; break;
	default: return 2;
	}
	if (o.failed)
		fprintf(stderr, "exitwatch report: written to %s, but some plots or images are missing\n", op->dir);
	return o.failed ? 1 : 0;
}

int ew_report_main(int argc, char **argv)
{
	struct opts op = { 0 };
	struct jv *d = NULL, *sc = NULL;
	char dirbuf[PATH_MAX];
	int rc = report_args(argc, argv, &op);

	if (rc >= 0)
		return rc;
	rc = report_inputs(&op, &d, &sc, dirbuf, sizeof(dirbuf));
	if (!rc)
		rc = write_report(&op, d, sc);
	jv_free(d);
	jv_free(sc);
	return rc;
}
