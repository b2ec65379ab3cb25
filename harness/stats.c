// SPDX-License-Identifier: GPL-2.0
/* stats.c - percentiles of latency samples */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "stats.h"

int ew_samples_add(struct ew_samples *s, uint64_t v)
{
	if (s->n == s->cap) {
		size_t ncap = s->cap ? 2 * s->cap : 256;
		uint64_t *nv = realloc(s->v, ncap * sizeof(*nv));

		if (!nv)
			return -ENOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	s->v[s->n++] = v;
	return 0;
}

void ew_samples_free(struct ew_samples *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t ew_percentile_sorted(const uint64_t *v, size_t n, double q)
{
	size_t rank;

	if (!n)
		return 0;
	if (q <= 0)
		return v[0];
	rank = (size_t)ceil(q * (double)n - 1e-9);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return v[rank - 1];
}

struct ew_summary ew_summarize(struct ew_samples *s)
{
	struct ew_summary r;
	long double sum = 0;

	memset(&r, 0, sizeof(r));
	if (!s->n)
		return r;
	qsort(s->v, s->n, sizeof(*s->v), cmp_u64);
	for (size_t i = 0; i < s->n; i++)
		sum += s->v[i];
	r.count = s->n;
	r.min = s->v[0];
	r.max = s->v[s->n - 1];
	r.p50 = ew_percentile_sorted(s->v, s->n, 0.50);
	r.p90 = ew_percentile_sorted(s->v, s->n, 0.90);
	r.p99 = ew_percentile_sorted(s->v, s->n, 0.99);
	r.p999 = ew_percentile_sorted(s->v, s->n, 0.999);
	r.mean = (double)(sum / s->n);
	return r;
}

unsigned int ew_log2_slot(uint64_t v)
{
	unsigned int r = 0;

	while (v >>= 1)
		r++;
	return r;
}

uint64_t ew_hist_percentile(const uint64_t *slots, int nslots, double q)
{
	uint64_t total = 0, acc = 0, want;
	int i;

	for (i = 0; i < nslots; i++)
		total += slots[i];
	if (!total)
		return 0;
	want = (uint64_t)ceil(q * (double)total - 1e-9);
	if (want < 1)
		want = 1;
	for (i = 0; i < nslots; i++) {
		acc += slots[i];
		if (acc >= want)
			return (i >= 63) ? UINT64_MAX : ((1ULL << (i + 1)) - 1);
	}
	return UINT64_MAX;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double ew_stratified_p50_ratio(const struct ew_summary *num, const struct ew_summary *den, int n,
			       double *share)
{
	double top = 0, bottom = 0, in = 0, all = 0;

	for (int i = 0; i < n; i++) {
		double w = (double)(num[i].count + den[i].count);

		all += w;
		if (!num[i].count || !den[i].count)
			continue;
		in += w;
		top += w * (double)num[i].p50;
		bottom += w * (double)den[i].p50;
	}
	*share = all > 0 ? in / all : 0;
	return bottom > 0 ? top / bottom : NAN;
}

double ew_judged_ratio(double stratified, double share, double pooled)
{
	return !isnan(stratified) && share >= EW_STRATA_MIN_SHARE ? stratified : pooled;
}

double ew_median_double(double *v, size_t n)
{
	if (!n)
		return 0;
	qsort(v, n, sizeof(*v), cmp_dbl);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}
