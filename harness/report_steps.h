/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report_steps.h - the report's sections measured by other steps than
 * `exitwatch run`, each drawn from the JSON that step wrote (SCHEMA.md)
 */
#ifndef EXITWATCH_REPORT_STEPS_H
#define EXITWATCH_REPORT_STEPS_H

#include "report.h"

/* the conformance matrix of make check (scripts/matrix.sh: build/matrix.json) */
void sec_matrix(struct out *o, const char *path);

/*
 * a section file that is JSON: drawn by its schema (exitwatch-budgets/1);
 * -1 when it cannot be read or has no renderer
 */
int sec_json(struct out *o, const char *path);

#endif
