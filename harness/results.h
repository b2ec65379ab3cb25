/* SPDX-License-Identifier: GPL-2.0 */
/*
 * results.h - what one `exitwatch run` measured, as it goes to the results
 * JSON (SCHEMA.md): the cells, the floor, the reference watcher, observer
 * neutrality, the machine's load and the tracer; and the SPEC targets
 * judged on them (targets.c), once, into the same JSON.
 */
#ifndef EXITWATCH_RESULTS_H
#define EXITWATCH_RESULTS_H

#include "run.h"
#include "json.h"
#include "load.h"
#include "neutral.h"
#include "reference.h"

struct ew_results {
	struct ew_cell *cells;
	int ncells;
	struct ew_tracer *tracer;	/* NULL: ran without it, why says why */
	struct ew_tracer_info tinfo;
	char why[512];
	struct ew_floor floor;
	struct ew_ref ref;
	struct ew_neutral neutral;
	struct ew_load load;
	char loadavg_start[128], loadavg_end[128];
	uint64_t t_begin;		/* CLOCK_MONOTONIC at the start of the run */
};

/* targets.c: the "targets" array */
/* res is not const: the reference watcher's samples are sorted for their percentiles */
void ew_targets_json(struct ew_json *j, struct ew_results *res);
/* one entry of the results' "targets" array; met: 1, 0, or -1 for null */
void ew_json_target(struct ew_json *j, const char *name, const char *target, double measured,
		    const char *unit, int met, const char *note);

/* results.c: the whole results JSON to o->out; 0, or 1 if it cannot be opened */
int ew_results_write(const struct ew_opts *o, struct ew_results *res);
/* the first line of a file (prefix: of the first line starting so, after its colon) */
void ew_read_first_line(const char *path, const char *prefix, char *out, size_t len);

#endif
