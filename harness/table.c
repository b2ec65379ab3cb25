// SPDX-License-Identifier: GPL-2.0
/* table.c - number or text: the alignment of a report table's column */
#include <ctype.h>
#include <string.h>
#include "table.h"

/* the longest unit or remark after a number that still counts as a number's cell */
#define MAX_TAIL 32

enum ew_cell_kind ew_cell_kind(const char *s)
{
	const char *p = s, *tail;
	int digits = 0;

	if (!s)
		return EW_CELL_EMPTY;
	while (*p == ' ' || *p == '*')
		p++;
	if (!*p || !strcmp(p, "-") || !strncmp(p, "- ", 2) || !strcmp(p, "n/a"))
		return EW_CELL_EMPTY;
	if (*p == '-' || *p == '+' || *p == '~' || *p == '<' || *p == '>')
		p++;
	for (; *p; p++) {
		if (isdigit((unsigned char)*p))
			digits++;
		else if (!(*p == '.' || (*p == ',' && isdigit((unsigned char)p[1])) || *p == '/' ||
			   ((*p == 'e' || *p == 'E') && digits && (p[1] == '-' || p[1] == '+' ||
							isdigit((unsigned char)p[1])))))
			break;
		else if ((*p == 'e' || *p == 'E') && (p[1] == '-' || p[1] == '+'))
			p++;
	}
	if (!digits)
		return EW_CELL_TEXT;
	tail = p;
	if (strlen(tail) > MAX_TAIL || strchr(tail, ';') || (*tail && *tail != ' ' && *tail != 'x' &&
							      *tail != '%' && *tail != '*'))
		return EW_CELL_TEXT;
	return EW_CELL_NUMBER;
}

int ew_column_numeric(const char *const *cells, int n)
{
	int numbers = 0;

	for (int i = 0; i < n; i++) {
		enum ew_cell_kind k = ew_cell_kind(cells[i]);

		if (k == EW_CELL_TEXT)
			return 0;
		numbers += k == EW_CELL_NUMBER;
	}
	return numbers > 0;
}
