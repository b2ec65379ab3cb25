/* SPDX-License-Identifier: GPL-2.0 */
/* report_summary.h - the report's opening: load verdict, summary, neutrality */
#ifndef EXITWATCH_REPORT_SUMMARY_H
#define EXITWATCH_REPORT_SUMMARY_H

#include "report.h"

/* one line, only when the run judged the machine busy (load.h) */
void sec_load_verdict(struct out *o, const struct jv *d);
/* the ranking and the use cases; reuse_dir: results/reliability or NULL */
void sec_summary(struct out *o, const struct jv *d, const char *reuse_dir);
/* the tracer on/off blocks of `exitwatch run --neutrality` */
void sec_neutrality(struct out *o, const struct jv *d);

#endif
