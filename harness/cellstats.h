/* SPDX-License-Identifier: GPL-2.0 */
/* cellstats.h - a cell's statistics over its samples and its repetitions */
#ifndef EXITWATCH_CELLSTATS_H
#define EXITWATCH_CELLSTATS_H

#include "run.h"

/* c->lat[], its cdf metric and cdf_ns[] from the samples (sorts them) */
void ew_cell_latencies(struct ew_cell *c, struct ew_samples lat[EW_L_NR]);
/* add repetition r (one ew_run_cell) to the cell c */
void ew_cell_merge_rep(struct ew_cell *c, const struct ew_cell *r);
/* the figures over all repetitions (acc: every latency sample of the cell) */
void ew_cell_finish(struct ew_cell *c, struct ew_samples acc[EW_L_NR]);

#endif
