/* SPDX-License-Identifier: GPL-2.0 */
/*
 * report.h - what report.c's sections share with the sections kept in
 * files of their own (report_sweep.c, report_summary.c): the output
 * (report.md; report_html.c renders report.html from it), JSON look-ups
 * and gnuplot
 */
#ifndef EXITWATCH_REPORT_H
#define EXITWATCH_REPORT_H

#include <stdio.h>
#include "jsonr.h"

#define OUT_MAX_COLS 24
#define OUT_MAX_ROWS 512

struct out_table {
	int ncols, nrows;
	char *cell[OUT_MAX_ROWS][OUT_MAX_COLS];
};

struct out {
	FILE *md;
	const char *dir;
	int failed;		/* a plot or an embedded image is missing */
	struct out_table tbl;	/* the table being written (row .. table_end) */
};

struct plot {
	char name[32], title[160], caption[600];
};

/* the mechanisms in report order, with their plot colours and dash types */
struct mech_style {
	const char *name, *colour;
	int dash;
};
#define NMECH 10
extern const struct mech_style mech_style[NMECH];
int mech_index(const char *name);
/* "dt D [pt P] lc rgb C title NAME": mechanism m's line in a plot command */
const char *gp_mech_line(int m, int points);

/* a formatted string that lives for the next 63 calls */
const char *fmt(const char *f, ...) __attribute__((format(printf, 1, 2)));
/* look-ups by "a.b.0.c" path: NAN, "" or 0 when absent */
double N(const struct jv *v, const char *path);
const char *S(const struct jv *v, const char *path);
int B(const struct jv *v, const char *path);
/* the item of array arr whose "name" is name, or NULL */
const struct jv *named(const struct jv *arr, const char *name);
/* microseconds from ns, "-" when not measured */
const char *us(double ns);
/* a / b with two decimals, "-" when not measured */
const char *ratio_s(double a, double b);
int is_ok_run(const struct jv *r);
double lat(const struct jv *r, const char *name, const char *key);
/* the ok runs of a scenario with burst size n (n < 0: any), in report order */
int select_runs(const struct jv *d, const char *scenario, int n, const struct jv **out, int max);

void h2(struct out *o, const char *title);
void h3(struct out *o, const char *title);
/* a code block: the strings of a JSON array, one a line */
void code(struct out *o, const struct jv *lines);
void para(struct out *o, const char *text);
void item(struct out *o, const char *text);
void list_end(struct out *o);
/* a table row; head starts a table; table_end writes it, aligned */
void row(struct out *o, int head, int n, const char *const *cells);
void table_end(struct out *o);
void plot_ref(struct out *o, const char *name, const char *title, const char *caption);
/* ![alt](file), file in directory base (another step's), relative to the report */
void image_ref(struct out *o, const char *alt, const char *base, const char *file);
/* report.html from DIR/report.md: 0 written, 1 written without a missing image, -1 not written */
int ew_report_html(const char *dir);

/* plot files in dir; gnuplot: 0 when NAME.svg and NAME.png were drawn */
FILE *open_in(const char *dir, const char *name);
int gnuplot(const char *dir, const char *name);
void gp_begin(FILE *f, const char *name);
void gp_end(FILE *f, const char *name);

#endif
