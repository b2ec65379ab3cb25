// SPDX-License-Identifier: GPL-2.0
/*
 * report_steps.c - the sections of the report that other steps measure:
 * each step judges what it measured and writes JSON (harness/SCHEMA.md);
 * here it is only formatted.
 */
#include <stdio.h>
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

/* the budget column: the rule and whether it was met, as budgets.sh judged it */
static const char *budget_cell(const struct jv *r)
{
	const char *v = S(r, "verdict"), *rule = S(r, "rule"), *note = S(r, "note");

	if (!strcmp(v, "met") || !strcmp(v, "broken"))
		return fmt("%s: %s%s", rule, !strcmp(v, "met") ? "met" : "**BROKEN**",
			   *note ? fmt(" (%s)", note) : "");
	if (!strcmp(v, "not_measured"))
		return fmt("**not measured**%s", *note ? fmt(": %s", note) : "");
	if (!strcmp(v, "no_btf"))
		return "no BTF";
	return "-";
}

/* the size, slab and reference budgets of the series (scripts/budgets.sh) */
static void sec_budgets(struct out *o, const struct jv *b)
{
	static const char *const head[] = { "quantity", "base 6.1", "patched 6.1", "change", "budget" };
	const struct jv *rows = jv_get(b, "rows");

	h2(o, "Budgets of the series (scripts/budgets.sh)");
	para(o, fmt("Sizes, from the two guest kernels' BTF and ELF, and the guests' slab and reference counts "
		    "(`scripts/budgets.sh`, %s):", when(S(b, "date"))));
	row(o, 1, 5, head);
	for (size_t i = 0; rows && i < rows->len; i++) {
		const struct jv *r = &rows->items[i];
		const char *cells[] = { S(r, "quantity"), S(r, "base"), S(r, "patched"), S(r, "change"),
					budget_cell(r) };

		row(o, 0, 5, cells);
	}
	table_end(o);
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

int sec_json(struct out *o, const char *path)
{
	char err[512];
	struct jv *d = jv_parse_file(path, err, sizeof(err));
	const char *schema = d ? S(d, "schema") : "";
	int rc = 0;

	if (!d) {
		fprintf(stderr, "exitwatch report: %s\n", err);
		return -1;
	}
	if (!strcmp(schema, "exitwatch-budgets/1")) {
		sec_budgets(o, d);
	} else {
		fprintf(stderr, "exitwatch report: %s: no section of schema \"%s\"\n", path, schema);
		rc = -1;
	}
	jv_free(d);
	return rc;
}
