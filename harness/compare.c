// SPDX-License-Identifier: GPL-2.0
/*
 * compare.c - `exitwatch compare OLD NEW`: is NEW slower than OLD?
 *
 * Each side is one results file, a comma-separated list of files or a
 * directory of *.json files; the repetitions of all files of a side are
 * pooled (e.g. several guest boots).  Two kinds of input are understood:
 *   - exitwatch results (`exitwatch-results/1` or `/2`) with per-repetition
 *     `samples` in every cell and in `floor` (`exitwatch run --reps K`);
 *     an entry is a cell (scenario, N, load, mechanism) or the floor;
 *   - Google Benchmark JSON written with --benchmark_repetitions=K: every
 *     "iteration" record is one repetition; metrics real_time_ns, cpu_time_ns.
 * For every (entry, metric) with at least EW_CMP_MIN_REPS values on both
 * sides: a two-sided Mann-Whitney U test and the change of the median.  A
 * regression is p < alpha and a median worse by more than the threshold
 * (names ending in _per_s: higher is better; all others: lower is better).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "compare.h"
#include "jsonr.h"
#include "stats.h"

/* ---- statistics -------------------------------------------------------- */

struct ranked {
	double v;
	int from_x;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *p = a, *q = b;

	return (p->v > q->v) - (p->v < q->v);
}

/*
 * Exact two-sided p of a rank sum: the number of ways to pick nx of the n
 * pooled values with each doubled-rank sum, counted item by item
 * (cnt[j][s]: subsets of j items so far with doubled-rank sum s).
 */
static int mwu_exact_p(const unsigned int *d2, size_t n, size_t nx, unsigned long obs,
		       double *p)
{
	size_t smax = n * (n + 1), s, j, k, reach = 0;
	long double *cnt, total = 0, lo = 0, hi = 0;

	cnt = calloc((nx + 1) * (smax + 1), sizeof(*cnt));
	if (!cnt)
		return -1;
	cnt[0] = 1;
	for (k = 0; k < n; k++) {
		reach += d2[k];
		for (j = (k + 1 < nx ? k + 1 : nx); j >= 1; j--) {
			long double *row = cnt + j * (smax + 1), *prev = cnt + (j - 1) * (smax + 1);

			for (s = reach; s >= d2[k]; s--)
				row[s] += prev[s - d2[k]];
		}
	}
	for (s = 0; s <= smax; s++) {
		long double c = cnt[nx * (smax + 1) + s];

		total += c;
		if (s <= obs)
			lo += c;
		if (s >= obs)
			hi += c;
	}
	free(cnt);
	*p = (double)(2 * (lo < hi ? lo : hi) / total);
	if (*p > 1)
		*p = 1;
	return 0;
}

int ew_mwu(const double *x, size_t nx, const double *y, size_t ny, size_t exact_max,
	   struct ew_mwu *r)
{
	size_t n = nx + ny, i, j, k;
	struct ranked *a;
	unsigned int *d2;
	unsigned long sum_x = 0;	/* doubled rank sum of x */
	double tie_term = 0;

	memset(r, 0, sizeof(*r));
	if (!nx || !ny)
		return -1;
	a = malloc(n * sizeof(*a));
	d2 = malloc(n * sizeof(*d2));
	if (!a || !d2) {
		free(a);
		free(d2);
		return -1;
	}
	for (i = 0; i < nx; i++)
		a[i] = (struct ranked){ x[i], 1 };
	for (i = 0; i < ny; i++)
		a[nx + i] = (struct ranked){ y[i], 0 };
	qsort(a, n, sizeof(*a), cmp_ranked);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && a[j].v == a[i].v; j++)
			;
		/* positions i+1 .. j share the mid-rank (i+1+j)/2: doubled, an integer */
		for (k = i; k < j; k++) {
			d2[k] = i + 1 + j;
			if (a[k].from_x)
				sum_x += d2[k];
		}
		if (j - i > 1) {
			double t = j - i;

			r->ties += j - i;
			tie_term += t * t * t - t;
		}
	}
	r->u = sum_x / 2.0 - nx * (nx + 1) / 2.0;
	if (nx <= exact_max && ny <= exact_max) {
		r->exact = 1;
		if (mwu_exact_p(d2, n, nx, sum_x, &r->p)) {
			free(a);
			free(d2);
			return -1;
		}
	} else {
		double mu = nx * (double)ny / 2;
		double var = nx * (double)ny / 12 * ((n + 1) - tie_term / ((double)n * (n - 1)));
		double z = r->u - mu;

		if (var <= 0) {
			r->p = 1;	/* every value equal */
		} else {
			z -= z > 0 ? 0.5 : z < 0 ? -0.5 : 0;
			r->p = erfc(fabs(z) / sqrt(var) / M_SQRT2);
			if (r->p > 1)
				r->p = 1;
		}
	}
	free(a);
	free(d2);
	return 0;
}

int ew_mwu_test(const double *x, size_t nx, const double *y, size_t ny, struct ew_mwu *r)
{
	return ew_mwu(x, nx, y, ny, EW_MWU_EXACT_MAX, r);
}

double ew_spread_pct(const double *v, size_t n)
{
	double mean = 0, ss = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= n;
	for (size_t i = 0; i < n; i++)
		ss += (v[i] - mean) * (v[i] - mean);
	if (mean == 0)
		return 0;
	return 100 * sqrt(ss / (n - 1)) / fabs(mean);
}

int ew_metric_higher_is_better(const char *metric)
{
	size_t l = strlen(metric);

	return l >= 6 && !strcmp(metric + l - 6, "_per_s");
}

/* ---- loading ------------------------------------------------------------ */

enum input_kind { IN_NONE, IN_EXITWATCH, IN_GBENCH };

static const char *kind_name(enum input_kind k)
{
	return k == IN_EXITWATCH ? "exitwatch results" :
	       k == IN_GBENCH ? "Google Benchmark JSON" : "nothing";
}

struct series {
	char *entry, *metric;
	double *v;		/* NAN: null (not measured in that repetition) */
	size_t n, cap;
};

struct entry {
	char *name;
	char *skipped;		/* why the entry has no samples, or NULL */
};

struct side {
	const char *label;	/* OLD, NEW */
	const char *arg;
	enum input_kind kind;
	int nfiles;
	char desc[512];		/* machine and kernel of the first file */
	char notes[512];	/* injected delays, mixed kernels */
	struct series *s;
	size_t ns, scap;
	struct entry *e;
	size_t ne, ecap;
};

static char cmp_err[1024];

static int errf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmp_err, sizeof(cmp_err), fmt, ap);
	va_end(ap);
	return -1;
}

static struct entry *entry_get(struct side *sd, const char *name)
{
	for (size_t i = 0; i < sd->ne; i++)
		if (!strcmp(sd->e[i].name, name))
			return &sd->e[i];
	if (sd->ne == sd->ecap) {
		size_t cap = sd->ecap ? 2 * sd->ecap : 32;
		struct entry *e = realloc(sd->e, cap * sizeof(*e));

		if (!e)
			return NULL;
		sd->e = e;
		sd->ecap = cap;
	}
	sd->e[sd->ne] = (struct entry){ strdup(name), NULL };
	return &sd->e[sd->ne++];
}

static struct series *series_find(const struct side *sd, const char *entry, const char *metric)
{
	for (size_t i = 0; i < sd->ns; i++)
		if (!strcmp(sd->s[i].entry, entry) && !strcmp(sd->s[i].metric, metric))
			return &sd->s[i];
	return NULL;
}

static struct series *series_get(struct side *sd, const char *entry, const char *metric)
{
	struct series *s = series_find(sd, entry, metric);

	if (s)
		return s;
	if (sd->ns == sd->scap) {
		size_t cap = sd->scap ? 2 * sd->scap : 64;

		s = realloc(sd->s, cap * sizeof(*s));
		if (!s)
			return NULL;
		sd->s = s;
		sd->scap = cap;
	}
	s = &sd->s[sd->ns++];
	*s = (struct series){ strdup(entry), strdup(metric), NULL, 0, 0 };
	return s;
}

static int series_add(struct series *s, double v)
{
	if (s->n == s->cap) {
		size_t cap = s->cap ? 2 * s->cap : 16;
		double *nv = realloc(s->v, cap * sizeof(*nv));

		if (!nv)
			return -1;
		s->v = nv;
		s->cap = cap;
	}
	s->v[s->n++] = v;
	return 0;
}

/* samples: { METRIC: [numbers or null] } of one entry */
static int add_samples(struct side *sd, const char *path, const char *where, const char *entry,
		       const struct jv *samples, int *found)
{
	if (samples->type != JV_OBJ)
		return errf("%s: %s.samples is not an object", path, where);
	for (size_t k = 0; k < samples->len; k++) {
		const struct jv *arr = &samples->items[k];
		struct series *s;

		if (arr->type != JV_ARR)
			return errf("%s: %s.samples.%s is not an array", path, where, samples->keys[k]);
		s = series_get(sd, entry, samples->keys[k]);
		if (!s)
			return errf("out of memory");
		for (size_t i = 0; i < arr->len; i++) {
			const struct jv *v = &arr->items[i];

			if (v->type != JV_NUM && v->type != JV_NULL)
				return errf("%s: %s.samples.%s[%zu] is neither a number nor null",
					    path, where, samples->keys[k], i);
			if (series_add(s, v->type == JV_NUM ? v->num : NAN))
				return errf("out of memory");
			*found += v->type == JV_NUM;
		}
	}
	return 0;
}

static void note(struct side *sd, const char *fmt, ...)
{
	size_t l = strlen(sd->notes);
	va_list ap;

	if (l + 4 >= sizeof(sd->notes))
		return;
	if (l)
		strcpy(sd->notes + l, "; "), l += 2;
	va_start(ap, fmt);
	vsnprintf(sd->notes + l, sizeof(sd->notes) - l, fmt, ap);
	va_end(ap);
}

static int load_exitwatch(struct side *sd, const char *path, const struct jv *root)
{
	const char *schema = jv_str(jv_get(root, "schema"), "");
	const struct jv *runs = jv_get(root, "runs"), *m = jv_get(root, "machine");
	const struct jv *floor_samples = jv_path(root, "floor.samples");
	const struct jv *opt = jv_get(root, "options");
	const char *krel = jv_str(jv_get(m, "kernel_release"), "?");
	int found = 0, reps = 0;
	char where[64], name[256];

	if (strcmp(schema, "exitwatch-results/1") && strcmp(schema, "exitwatch-results/2"))
		return errf("%s: schema '%s' is not exitwatch-results/1 or /2", path, schema);
	if (!runs || runs->type != JV_ARR)
		return errf("%s: no \"runs\" array", path);
	for (size_t i = 0; i < runs->len; i++) {
		const struct jv *c = &runs->items[i];
		const char *sc = jv_str(jv_get(c, "scenario"), NULL);
		const char *mech = jv_str(jv_get(c, "mechanism"), NULL);
		const struct jv *n = jv_get(c, "n"), *load = jv_get(c, "load");
		const struct jv *samples = jv_get(c, "samples");
		struct entry *e;

		snprintf(where, sizeof(where), "runs[%zu]", i);
		if (!sc || !mech || !jv_is_num(n) || !load || load->type != JV_BOOL)
			return errf("%s: %s lacks scenario, n, load or mechanism", path, where);
		snprintf(name, sizeof(name), "%s n=%.0f load=%s %s", sc, n->num,
			 load->boolean ? "on" : "off", mech);
		/* heavy cells differ by victim size and kill path (issue 17) */
		if (jv_is_num(jv_get(c, "rss_mb")))
			snprintf(name + strlen(name), sizeof(name) - strlen(name), " %.0fMB %s",
				 jv_num(jv_get(c, "rss_mb"), 0), jv_str(jv_get(c, "kill_path"), "sigkill"));
		e = entry_get(sd, name);
		if (!e)
			return errf("out of memory");
		if (samples) {
			if (add_samples(sd, path, where, name, samples, &found))
				return -1;
			if (!reps)
				reps = (int)jv_num(jv_get(c, "repetitions"), 0);
		} else if (!e->skipped) {
			const char *why = jv_str(jv_get(c, "skip_reason"), NULL);

			e->skipped = strdup(why ? why : jv_str(jv_get(c, "status"), "no samples"));
		}
	}
	if (floor_samples) {
		if (!entry_get(sd, "floor"))
			return errf("out of memory");
		if (add_samples(sd, path, "floor", "floor", floor_samples, &found))
			return -1;
	}
	if (!found)
		return errf("%s: no per-repetition samples (schema %s; made without `exitwatch run --reps K`?)",
			    path, schema);
	if (!sd->desc[0])
		snprintf(sd->desc, sizeof(sd->desc), "kernel %s, %s, %d cpus, %d reps per cell",
			 krel, jv_str(jv_get(m, "hostname"), "?"),
			 (int)jv_num(jv_get(m, "cpus_online"), 0), reps);
	else if (!strstr(sd->desc, krel))
		note(sd, "%s is kernel %s", path, krel);
	if (jv_num(jv_get(opt, "inject_delay_us"), 0) > 0)
		note(sd, "%s: watcher delay injected: %.0f us on %s", path,
		     jv_num(jv_get(opt, "inject_delay_us"), 0),
		     jv_str(jv_get(opt, "inject_delay_mechanism"), "every mechanism"));
	return 0;
}

static double time_unit_ns(const char *u)
{
	if (!strcmp(u, "ns"))
		return 1;
	if (!strcmp(u, "us"))
		return 1e3;
	if (!strcmp(u, "ms"))
		return 1e6;
	if (!strcmp(u, "s"))
		return 1e9;
	return 0;
}

static int load_gbench(struct side *sd, const char *path, const struct jv *root)
{
	const struct jv *bm = jv_get(root, "benchmarks"), *ctx = jv_get(root, "context");
	int found = 0;
	char name[512];

	if (!bm || bm->type != JV_ARR)
		return errf("%s: \"benchmarks\" is not an array", path);
	for (size_t i = 0; i < bm->len; i++) {
		const struct jv *b = &bm->items[i];
		const char *rn = jv_str(jv_get(b, "run_name"), jv_str(jv_get(b, "name"), NULL));
		const struct jv *err = jv_get(b, "error_occurred");
		const char *unit = jv_str(jv_get(b, "time_unit"), "ns");
		const char *metrics[2] = { "real_time", "cpu_time" };
		struct entry *e;

		if (strcmp(jv_str(jv_get(b, "run_type"), "iteration"), "iteration"))
			continue;	/* mean, median, stddev: computed here from the repetitions */
		if (!rn)
			return errf("%s: benchmarks[%zu] has no name", path, i);
		snprintf(name, sizeof(name), "bench %s", rn);
		e = entry_get(sd, name);
		if (!e)
			return errf("out of memory");
		if (err && err->type == JV_BOOL && err->boolean) {
			if (!e->skipped)
				e->skipped = strdup(jv_str(jv_get(b, "error_message"), "error"));
			continue;
		}
		if (!time_unit_ns(unit))
			return errf("%s: benchmarks[%zu]: unknown time_unit '%s'", path, i, unit);
		for (int k = 0; k < 2; k++) {
			const struct jv *v = jv_get(b, metrics[k]);
			char metric[32];
			struct series *s;

			if (!jv_is_num(v))
				return errf("%s: benchmarks[%zu].%s is not a number", path, i, metrics[k]);
			snprintf(metric, sizeof(metric), "%s_ns", metrics[k]);
			s = series_get(sd, name, metric);
			if (!s || series_add(s, v->num * time_unit_ns(unit)))
				return errf("out of memory");
			found++;
		}
	}
	if (!found)
		return errf("%s: no benchmark repetitions (every benchmark skipped or failed?)", path);
	if (!sd->desc[0])
		snprintf(sd->desc, sizeof(sd->desc), "Google Benchmark, %s, %d cpus",
			 jv_str(jv_get(ctx, "host_name"), "?"), (int)jv_num(jv_get(ctx, "num_cpus"), 0));
	return 0;
}

static int load_file(struct side *sd, const char *path)
{
	char err[512];
	struct jv *root = jv_parse_file(path, err, sizeof(err));
	enum input_kind k;
	int rc;

	if (!root)
		return errf("%s", err);
	if (root->type != JV_OBJ) {
		jv_free(root);
		return errf("%s: not a JSON object", path);
	}
	if (jv_get(root, "schema"))
		k = IN_EXITWATCH;
	else if (jv_get(root, "benchmarks") && jv_get(root, "context"))
		k = IN_GBENCH;
	else {
		jv_free(root);
		return errf("%s: neither exitwatch results (no \"schema\") nor Google Benchmark JSON (no \"benchmarks\")",
			    path);
	}
	if (sd->kind != IN_NONE && sd->kind != k) {
		jv_free(root);
		return errf("%s: %s among %s files of the same side", path, kind_name(k),
			    kind_name(sd->kind));
	}
	sd->kind = k;
	rc = k == IN_EXITWATCH ? load_exitwatch(sd, path, root) : load_gbench(sd, path, root);
	jv_free(root);
	sd->nfiles++;
	return rc;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ARG: a file, FILE,FILE,..., or a directory (its *.json, in name order) */
static int load_side(struct side *sd, const char *arg)
{
	struct stat st;
	char *dup, *tok, *save;
	int rc = 0;

	sd->arg = arg;
	if (!*arg)
		return errf("%s: empty file name", sd->label);
	if (!stat(arg, &st) && S_ISDIR(st.st_mode)) {
		DIR *d = opendir(arg);
		struct dirent *de;
		char **names = NULL;
		size_t n = 0, cap = 0;

		if (!d)
			return errf("%s: %s", arg, strerror(errno));
		while ((de = readdir(d))) {
			size_t l = strlen(de->d_name);

			if (l < 6 || strcmp(de->d_name + l - 5, ".json"))
				continue;
			if (n == cap) {
				char **nn = realloc(names, (cap = cap ? 2 * cap : 16) * sizeof(*nn));

				if (!nn)
					break;
				names = nn;
			}
			if (asprintf(&names[n], "%s/%s", arg, de->d_name) < 0)
				break;
			n++;
		}
		closedir(d);
		if (!n)
			rc = errf("%s: directory without *.json files", arg);
		qsort(names, n, sizeof(*names), cmp_str);
		for (size_t i = 0; i < n; i++) {
			if (!rc)
				rc = load_file(sd, names[i]);
			free(names[i]);
		}
		free(names);
		return rc;
	}
	dup = strdup(arg);
	for (tok = strtok_r(dup, ",", &save); tok && !rc; tok = strtok_r(NULL, ",", &save))
		rc = load_file(sd, tok);
	free(dup);
	return rc;
}

static void side_free(struct side *sd)
{
	for (size_t i = 0; i < sd->ns; i++) {
		free(sd->s[i].entry);
		free(sd->s[i].metric);
		free(sd->s[i].v);
	}
	for (size_t i = 0; i < sd->ne; i++) {
		free(sd->e[i].name);
		free(sd->e[i].skipped);
	}
	free(sd->s);
	free(sd->e);
}

/* ---- comparing ---------------------------------------------------------- */

enum verdict { V_SAME, V_CHANGED, V_BETTER, V_REGRESSION, V_FEW };

static const char *verdict_name[] = { "same", "changed", "better", "REGRESSION", "too-few" };

struct row {
	const struct series *o, *n;
	double *ov, *nv;	/* the non-null values */
	size_t on, nn;
	double omed, nmed, pct, p;
	enum verdict v;
};

struct cmp_opts {
	double threshold;	/* percent */
	double alpha;
	char **metrics;		/* NULL: every metric */
	int nmetrics;
	int tsv;
};

static int metric_wanted(const struct cmp_opts *o, const char *m)
{
	if (!o->nmetrics)
		return 1;
	for (int i = 0; i < o->nmetrics; i++)
		if (!strcmp(o->metrics[i], m))
			return 1;
	return 0;
}

static double *non_null(const struct series *s, size_t *n)
{
	double *v = malloc((s->n ? s->n : 1) * sizeof(*v));

	*n = 0;
	if (!v)
		return NULL;
	for (size_t i = 0; i < s->n; i++)
		if (!isnan(s->v[i]))
			v[(*n)++] = s->v[i];
	return v;
}

/* median of a copy (ew_median_double sorts); NAN when empty */
static int median_of(const double *v, size_t n, double *med)
{
	double *tmp;

	*med = NAN;
	if (!n)
		return 0;
	tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -1;
	memcpy(tmp, v, n * sizeof(*tmp));
	*med = ew_median_double(tmp, n);
	free(tmp);
	return 0;
}

static int judge(struct row *r, const struct cmp_opts *o)
{
	struct ew_mwu t;
	int up = ew_metric_higher_is_better(r->o->metric);

	r->ov = non_null(r->o, &r->on);
	r->nv = non_null(r->n, &r->nn);
	if (!r->ov || !r->nv)
		return -1;
	r->p = NAN;
	r->pct = NAN;
	if (median_of(r->ov, r->on, &r->omed) || median_of(r->nv, r->nn, &r->nmed))
		return -1;
	if (r->on && r->nn)
		r->pct = r->omed != 0 ? 100 * (r->nmed - r->omed) / fabs(r->omed) :
			 r->nmed == 0 ? 0 : r->nmed > 0 ? INFINITY : -INFINITY;
	if (r->on < EW_CMP_MIN_REPS || r->nn < EW_CMP_MIN_REPS) {
		r->v = V_FEW;
		return 0;
	}
	if (ew_mwu_test(r->ov, r->on, r->nv, r->nn, &t))
		return -1;
	r->p = t.p;
	if (t.p >= o->alpha)
		r->v = V_SAME;
	else if ((up ? -r->pct : r->pct) > o->threshold)
		r->v = V_REGRESSION;
	else if ((up ? r->pct : -r->pct) > o->threshold)
		r->v = V_BETTER;
	else
		r->v = V_CHANGED;
	return 0;
}

static void fmt_num(char *b, size_t l, double v)
{
	if (isnan(v))
		snprintf(b, l, "-");
	else if (fabs(v) >= 1e5)
		snprintf(b, l, "%.0f", v);
	else if (fabs(v) >= 100)
		snprintf(b, l, "%.1f", v);
	else
		snprintf(b, l, "%.3f", v);
}

static void fmt_p(char *b, size_t l, double p)
{
	if (isnan(p))
		snprintf(b, l, "-");
	else if (p < 1e-4)
		snprintf(b, l, "%.1e", p);
	else
		snprintf(b, l, "%.4f", p);
}

static void fmt_pct(char *b, size_t l, double pct)
{
	if (isnan(pct))
		snprintf(b, l, "-");
	else if (isinf(pct))
		snprintf(b, l, "%sinf%%", pct > 0 ? "+" : "-");
	else
		snprintf(b, l, "%+.1f%%", pct);
}

static void print_values(FILE *f, const struct series *s)
{
	for (size_t i = 0; i < s->n; i++) {
		if (isnan(s->v[i]))
			fprintf(f, "%snull", i ? "," : "");
		else
			fprintf(f, "%s%.10g", i ? "," : "", s->v[i]);
	}
}

static void print_row(FILE *f, const struct row *r, const struct cmp_opts *o)
{
	char om[32], nm[32], pc[32], pv[32], ratio[32];

	fmt_num(om, sizeof(om), r->omed);
	fmt_num(nm, sizeof(nm), r->nmed);
	fmt_pct(pc, sizeof(pc), r->pct);
	fmt_p(pv, sizeof(pv), r->p);
	if (o->tsv) {
		if (isnan(r->omed) || isnan(r->nmed) || r->omed == 0)
			snprintf(ratio, sizeof(ratio), "-");
		else
			snprintf(ratio, sizeof(ratio), "%.6g", r->nmed / r->omed);
		fprintf(f, "%s\t%s\t%zu\t%zu\t%.10g\t%.10g\t%s\t%s\t%s\t%s\t%.1f\t%.1f\t",
			r->o->entry, r->o->metric, r->on, r->nn, r->omed, r->nmed, ratio, pc, pv,
			verdict_name[r->v], ew_spread_pct(r->ov, r->on), ew_spread_pct(r->nv, r->nn));
		print_values(f, r->o);
		fputc('\t', f);
		print_values(f, r->n);
		fputc('\n', f);
		return;
	}
	if (r->v == V_FEW) {
		fprintf(f, "%14s %5s  %9s  %14s %5s  %9s  %-10s  %s (n=%zu/%zu)\n", om, "", pc, nm, "",
			"", verdict_name[r->v], r->o->metric, r->on, r->nn);
		return;
	}
	fprintf(f, "%14s ±%3.0f%%  %9s  %14s ±%3.0f%%  %9s  %-10s  %s\n", om,
		ew_spread_pct(r->ov, r->on), pc, nm, ew_spread_pct(r->nv, r->nn), pv,
		verdict_name[r->v], r->o->metric);
}

static const struct entry *entry_find(const struct side *sd, const char *name)
{
	for (size_t i = 0; i < sd->ne; i++)
		if (!strcmp(sd->e[i].name, name))
			return &sd->e[i];
	return NULL;
}

static int has_wanted_series(const struct side *sd, const char *entry, const struct cmp_opts *o)
{
	for (size_t i = 0; i < sd->ns; i++)
		if (!strcmp(sd->s[i].entry, entry) && metric_wanted(o, sd->s[i].metric))
			return 1;
	return 0;
}

/* an entry of A that B lacks, or has without samples of the wanted metrics */
static void list_one_sided(const struct side *a, const struct side *b, const struct cmp_opts *o,
			   int *count)
{
	for (size_t i = 0; i < a->ne; i++) {
		const struct entry *e = &a->e[i], *f = entry_find(b, e->name);
		int ha = has_wanted_series(a, e->name, o), hb = has_wanted_series(b, e->name, o);

		if (f && (ha == hb))
			continue;
		if (f && !ha)
			continue;	/* listed from the other side */
		(*count)++;
		if (o->tsv)
			continue;
		if (!f && e->skipped)
			printf("  only in %s: %s (skipped: %s)\n", a->label, e->name, e->skipped);
		else if (!f)
			printf("  only in %s: %s\n", a->label, e->name);
		else
			printf("  measured only in %s: %s (%s: %s)\n", a->label, e->name, b->label,
			       f->skipped ? f->skipped : "no samples of these metrics");
	}
}

static int compare(struct side *old, struct side *new, const struct cmp_opts *o)
{
	int counts[5] = { 0 }, only = 0, common = 0, rc = 0;
	const char *last_entry = "";

	if (old->kind != new->kind) {
		fprintf(stderr, "exitwatch compare: %s is %s, %s is %s: nothing to compare\n",
			old->arg, kind_name(old->kind), new->arg, kind_name(new->kind));
		return 2;
	}
	for (size_t i = 0; i < old->ns; i++)
		if (metric_wanted(o, old->s[i].metric) &&
		    series_find(new, old->s[i].entry, old->s[i].metric))
			common++;
	if (!common) {
		fprintf(stderr, "exitwatch compare: %s and %s have no (entry, metric) in common%s\n",
			old->arg, new->arg, o->nmetrics ? " among the --metric list" : "");
		return 2;
	}
	if (o->tsv) {
		printf("entry\tmetric\tn_old\tn_new\told_median\tnew_median\tratio\tchange\tp\tverdict\told_spread_pct\tnew_spread_pct\told_values\tnew_values\n");
	} else {
		printf("exitwatch compare\n");
		printf("  OLD: %s (%s; %d file%s)\n", old->arg, old->desc, old->nfiles,
		       old->nfiles == 1 ? "" : "s, repetitions pooled");
		if (old->notes[0])
			printf("       note: %s\n", old->notes);
		printf("  NEW: %s (%s; %d file%s)\n", new->arg, new->desc, new->nfiles,
		       new->nfiles == 1 ? "" : "s, repetitions pooled");
		if (new->notes[0])
			printf("       note: %s\n", new->notes);
		printf("  REGRESSION: p < %g (two-sided Mann-Whitney U on the repetitions, >= %d a side)\n"
		       "  and the median worse by more than %g%% (*_per_s: higher is better, others lower)\n\n",
		       o->alpha, EW_CMP_MIN_REPS, o->threshold);
		printf("%14s %5s  %9s  %14s %5s  %9s  %-10s  %s\n", "old median", "±sd", "%change",
		       "new median", "±sd", "p-value", "verdict", "metric");
	}
	for (size_t i = 0; i < old->ns; i++) {
		struct row r = { .o = &old->s[i] };

		if (!metric_wanted(o, r.o->metric))
			continue;
		r.n = series_find(new, r.o->entry, r.o->metric);
		if (!r.n)
			continue;
		if (judge(&r, o)) {
			fprintf(stderr, "exitwatch compare: out of memory\n");
			free(r.ov);
			free(r.nv);
			return 2;
		}
		if (!r.on && !r.nn) {	/* measured on neither side (e.g. no tracer) */
			free(r.ov);
			free(r.nv);
			continue;
		}
		if (!o->tsv && strcmp(last_entry, r.o->entry))
			printf("%s\n", last_entry = r.o->entry);
		print_row(stdout, &r, o);
		counts[r.v]++;
		free(r.ov);
		free(r.nv);
	}
	if (!o->tsv)
		printf("\n");
	list_one_sided(old, new, o, &only);
	list_one_sided(new, old, o, &only);
	if (counts[V_REGRESSION])
		rc = 1;
	fprintf(o->tsv ? stderr : stdout,
		"exitwatch compare: %d judged: %d REGRESSION, %d better, %d changed within %g%%, %d same; "
		"%d with too few samples; %d entries on one side only\n",
		counts[V_SAME] + counts[V_CHANGED] + counts[V_BETTER] + counts[V_REGRESSION],
		counts[V_REGRESSION], counts[V_BETTER], counts[V_CHANGED], o->threshold,
		counts[V_SAME], counts[V_FEW], only);
	return rc;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitwatch compare [OPTIONS] OLD NEW\n"
		"\n"
		"OLD, NEW: a results JSON of `exitwatch run --reps K` (K >= %d), or Google Benchmark\n"
		"JSON of --benchmark_repetitions=K; a comma list of files or a directory of *.json\n"
		"pools the repetitions of several runs (e.g. guest boots).\n"
		"\n"
		"  -t, --threshold PCT   a regression must move the median by more than PCT %% (5)\n"
		"  -a, --alpha A         significance level of the Mann-Whitney U test (0.05)\n"
		"  -m, --metric LIST     only these metrics (comma list; default: all)\n"
		"      --tsv             tab-separated rows with the samples, for scripts\n"
		"  -h, --help\n"
		"\n"
		"Exit status: 0 no significant regression, 1 a regression, 2 unreadable or\n"
		"mismatched input.\n", EW_CMP_MIN_REPS);
}

static int parse_double(const char *s, double lo, double hi, double *out)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || end == s || !(v > lo) || !(v < hi))
		return -1;
	*out = v;
	return 0;
}

int ew_compare_main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "threshold", required_argument, 0, 't' },
		{ "alpha", required_argument, 0, 'a' },
		{ "metric", required_argument, 0, 'm' },
		{ "tsv", no_argument, 0, 'T' },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	struct cmp_opts o = { .threshold = 5, .alpha = 0.05 };
	struct side old = { .label = "OLD" }, new = { .label = "NEW" };
	char *dup = NULL, *tok, *save;
	int c, rc = 2;	/* bad input until the options and arguments are read */

	optind = 1;
	while ((c = getopt_long(argc, argv, "t:a:m:h", lo, NULL)) != -1) {
		switch (c) {
		case 't':
			if (parse_double(optarg, -1e-12, 1e6, &o.threshold)) {
				fprintf(stderr, "exitwatch compare: --threshold '%s': want a percentage >= 0\n",
					optarg);
				goto out;
			}
			break;
		case 'a':
			if (parse_double(optarg, 0, 1, &o.alpha)) {
				fprintf(stderr, "exitwatch compare: --alpha '%s': want 0 < A < 1\n", optarg);
				goto out;
			}
			break;
		case 'm':
			free(dup);
			free(o.metrics);
			dup = strdup(optarg);
			o.metrics = calloc(strlen(optarg) / 2 + 2, sizeof(char *));
			o.nmetrics = 0;
			if (!dup || !o.metrics) {
				fprintf(stderr, "exitwatch compare: out of memory\n");
				goto out;
			}
			for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
				o.metrics[o.nmetrics++] = tok;
			if (!o.nmetrics) {
				fprintf(stderr, "exitwatch compare: --metric '%s': empty list\n", optarg);
				goto out;
			}
			break;
		case 'T':
			o.tsv = 1;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		default:
			fprintf(stderr, "Try 'exitwatch compare --help'.\n");
			goto out;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr, "exitwatch compare: want two arguments, OLD and NEW\n");
		usage(stderr);
		goto out;
	}
	rc = 0;
	if (load_side(&old, argv[optind]) || load_side(&new, argv[optind + 1])) {
		fprintf(stderr, "exitwatch compare: %s\n", cmp_err);
		rc = 2;
	}
	if (!rc)
		rc = compare(&old, &new, &o);
	side_free(&old);
	side_free(&new);
out:
	free(o.metrics);
	free(dup);
	return rc;
}
