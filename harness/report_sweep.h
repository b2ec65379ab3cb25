/* SPDX-License-Identifier: GPL-2.0 */
/* report_sweep.h - the report's victim-size and process_mrelease() sections */
#ifndef EXITWATCH_REPORT_SWEEP_H
#define EXITWATCH_REPORT_SWEEP_H

#include "report.h"

/* nothing without heavy cells; -1 if a plot failed */
int sec_sweep(struct out *o, const char *dir, const struct jv *d);

#endif
