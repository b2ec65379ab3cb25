/* SPDX-License-Identifier: GPL-2.0 */
/*
 * table.h - how the report aligns a table column (issue 17): numbers to
 * the right, text to the left, in report.md's alignment row (which
 * report.html follows)
 */
#ifndef EXITWATCH_TABLE_H
#define EXITWATCH_TABLE_H

enum ew_cell_kind { EW_CELL_EMPTY, EW_CELL_NUMBER, EW_CELL_TEXT };

/*
 * a number, perhaps bold, signed, with thousands separators, a fraction
 * ("12/12"), or a short unit after it ("0.96 ratio", "38 us", "12 %"); a
 * cell of several lines ("1,234<br>+0.5 %") is what its first line is;
 * EMPTY for "", "-", "n/a" and "absent" (a kernel without the feature),
 * which say nothing about the column
 */
enum ew_cell_kind ew_cell_kind(const char *s);
/* 1: right-align a column of these cells (header excluded): at least one number, no text */
int ew_column_numeric(const char *const *cells, int n);

#endif
