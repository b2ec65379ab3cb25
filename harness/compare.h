/* SPDX-License-Identifier: GPL-2.0 */
/*
 * compare.h - `exitwatch compare`: per-repetition samples of two result sets
 * (exitwatch results JSON or Google Benchmark JSON), a two-sided
 * Mann-Whitney U test per (entry, metric), an effect-size threshold, and an
 * LKP-style table.  Exit status: 0 no significant regression, 1 at least
 * one, 2 unreadable or mismatched input.
 */
#ifndef EW_COMPARE_H
#define EW_COMPARE_H

#include <stddef.h>

/* exact null distribution when both samples have at most this many values */
#define EW_MWU_EXACT_MAX	30
/* fewer repetitions than this on either side: listed, not judged */
#define EW_CMP_MIN_REPS		9

struct ew_mwu {
	double u;	/* U of the first sample: pairs (x, y) with x > y, ties 1/2 (R's W) */
	double p;	/* two-sided p-value */
	int exact;	/* 1: exact permutation distribution, 0: normal approximation */
	int ties;	/* values shared by the two samples or within one */
};

/*
 * Two-sided Mann-Whitney U (Wilcoxon rank-sum) test of x against y.
 * Exact when nx, ny <= EW_MWU_EXACT_MAX: the permutation distribution of the
 * rank sum, counted by dynamic programming over doubled mid-ranks, so ties
 * are handled exactly (the conditional distribution given the ties); without
 * ties this is R's wilcox.test(exact = TRUE).  Larger samples: normal
 * approximation with tie correction and continuity correction, as R's
 * wilcox.test(exact = FALSE, correct = TRUE).  -1 on empty input or no memory.
 */
int ew_mwu_test(const double *x, size_t nx, const double *y, size_t ny, struct ew_mwu *r);
/* the same with another exact/normal cut-over (the tests compare the two) */
int ew_mwu(const double *x, size_t nx, const double *y, size_t ny, size_t exact_max,
	   struct ew_mwu *r);

/* sample standard deviation as a percentage of the mean (LKP's %stddev) */
double ew_spread_pct(const double *v, size_t n);

/* 1 when a larger value of the metric is better (its name ends in _per_s) */
int ew_metric_higher_is_better(const char *metric);

int ew_compare_main(int argc, char **argv);

#endif
