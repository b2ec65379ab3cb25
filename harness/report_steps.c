// SPDX-License-Identifier: GPL-2.0
/*
 * report_steps.c - the sections of the report that other steps measure:
 * each step judges what it measured and writes JSON (harness/SCHEMA.md);
 * here it is only formatted.
 */
#include <string.h>
#include <time.h>
#include "report_steps.h"

/* "2026-12-05T06:05:00Z" -> "2026-12-05 06:05 UTC" */
static const char *when(const char *iso)
{
	struct tm tm = { 0 };
	static char buf[64];

	if (!strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return "?";
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

/* one cell of the matrix: the counts of its KTAP results, what SPEC says */
static const char *matrix_cell(const struct jv *c)
{
	const char *v = S(c, "verdict"), *j = S(c, "judgement"), *text, *note = "";
	double pass = N(c, "pass"), fail = N(c, "fail"), skip = N(c, "skip");

	if (!strcmp(v, "none"))
		text = "not run";
	else if (!strcmp(v, "fail"))
		text = fmt("**FAIL** (%g pass, %g fail, %g skip)", pass, fail, skip);
	else if (!strcmp(v, "skip"))
		text = fmt("skip (%g)", skip);
	else if (skip)
		text = fmt("pass (%g, %g skip)", pass, skip);
	else
		text = fmt("pass (%g)", pass);
	if (!strcmp(j, "passes_where_absent"))
		note = " **(spec: skip; passes where the feature is absent)**";
	else if (!strcmp(j, "differs"))
		note = fmt(" (spec: %s)", S(c, "spec"));
	return fmt("%s%s", text, note);
}

void sec_matrix(struct out *o, const char *path)
{
	char err[512];
	struct jv *m = path ? jv_parse_file(path, err, sizeof(err)) : NULL;
	const struct jv *cols, *rows;
	const char *cells[OUT_MAX_COLS];
	int n;

	if (!m || strcmp(S(m, "schema"), "exitwatch-matrix/1")) {
		h2(o, "Conformance matrix");
		para(o, fmt("Not run: %s does not exist (`make check` writes it).", path ? path : "build/matrix.json"));
		jv_free(m);
		return;
	}
	h2(o, fmt("Conformance matrix (from make check, written %s)", when(S(m, "date"))));
	cols = jv_get(m, "columns");
	rows = jv_get(m, "rows");
	n = cols ? (int)cols->len : 0;
	if (n > OUT_MAX_COLS - 1)
		n = OUT_MAX_COLS - 1;
	cells[0] = "feature";
	for (int c = 0; c < n; c++)
		cells[c + 1] = fmt("%s (%s)", S(&cols->items[c], "title"), S(&cols->items[c], "kernel"));
	row(o, 1, n + 1, cells);
	for (size_t r = 0; rows && r < rows->len; r++) {
		const struct jv *cs = jv_get(&rows->items[r], "cells");

		cells[0] = S(&rows->items[r], "title");
		for (int c = 0; c < n; c++)
			cells[c + 1] = cs && (size_t)c < cs->len ? matrix_cell(&cs->items[c]) : "";
		row(o, 0, n + 1, cells);
	}
	table_end(o);
	para(o, "Cells count KTAP results: pass = ran and passed, skip = the kernel lacks the feature (reason in "
		"the .tap), not run = no output.\n(spec: X) marks a cell that differs from SPEC section 1's target "
		"matrix.");
	jv_free(m);
}
