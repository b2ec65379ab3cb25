// SPDX-License-Identifier: GPL-2.0
/* table.c - number or text: the alignment of a report table's column */
#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include "table.h"

/* the longest unit or remark after a number that still counts as a number's cell */
#define MAX_TAIL 32

enum ew_cell_kind ew_cell_kind(const char *s)
{
	const char *p = s, *tail, *br = s ? strstr(s, "<br>") : NULL;
	int digits = 0;

	if (!s)
		return EW_CELL_EMPTY;
	/* a cell of several lines ("1,234<br>+0.5 %") is what its first line is */
	if (br) {
		char first[64];

		snprintf(first, sizeof(first), "%.*s", (int)(br - s), s);
		return (size_t)(br - s) < sizeof(first) ? ew_cell_kind(first) : EW_CELL_TEXT;
	}
	while (*p == ' ' || *p == '*')
		p++;
	if (!*p || !strcmp(p, "-") || !strncmp(p, "- ", 2) || !strcmp(p, "n/a") || !strcmp(p, "absent"))
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
