/* SPDX-License-Identifier: GPL-2.0 */
/* cellstats.h - a cell's statistics over its samples and its repetitions */
#ifndef EXITWATCH_CELLSTATS_H
#define EXITWATCH_CELLSTATS_H

#include "run.h"

/* c->lat[], its cdf metric and cdf_ns[] from the samples (sorts them) */
void ew_cell_latencies(struct ew_cell *c, struct ew_samples lat[EW_L_NR]);
/* ew_cell_merge() and ew_cell_finish() are in run.h: neutral.c pools its blocks with them */

#endif
