/* SPDX-License-Identifier: GPL-2.0 */
/* stats.h - percentiles of latency samples (nanoseconds) */
#ifndef EXITWATCH_STATS_H
#define EXITWATCH_STATS_H

#include <stdint.h>
#include <stddef.h>

struct ew_samples {
	uint64_t *v;
	size_t n, cap;
};

struct ew_summary {
	size_t count;
	uint64_t min, p50, p90, p99, p999, max;
	double mean;
};

int ew_samples_add(struct ew_samples *s, uint64_t v);
void ew_samples_free(struct ew_samples *s);
/* sorts s->v; nearest-rank percentiles (the smallest value with at least
 * q of the samples at or below it); all zero when empty */
struct ew_summary ew_summarize(struct ew_samples *s);
/* nearest-rank percentile of a sorted array, q in [0,1] */
uint64_t ew_percentile_sorted(const uint64_t *v, size_t n, double q);
/* log2 bucket of a value, as the BPF side computes it */
unsigned int ew_log2_slot(uint64_t v);
/* percentile estimated from a log2 histogram (upper edge of the bucket) */
uint64_t ew_hist_percentile(const uint64_t *slots, int nslots, double q);
double ew_median_double(double *v, size_t n);
/*
 * the ratio of p50s within strata: sum of w * num[i].p50 over sum of
 * w * den[i].p50, w = num[i].count + den[i].count, over the strata both
 * sides have; *share: those strata's part of all the samples of both.
 * NAN when no stratum has both.
 */
double ew_stratified_p50_ratio(const struct ew_summary *num, const struct ew_summary *den, int n,
			       double *share);
/*
 * the ratio a target judges: the stratified one where its strata cover at
 * least EW_STRATA_MIN_SHARE of the samples, else the pooled one
 */
#define EW_STRATA_MIN_SHARE 0.8
double ew_judged_ratio(double stratified, double share, double pooled);

#endif
