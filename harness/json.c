// SPDX-License-Identifier: GPL-2.0
/* json.c - a small streaming JSON writer */
#include <math.h>
#include <inttypes.h>
#include "json.h"

void ew_json_init(struct ew_json *j, FILE *f)
{
	j->f = f;
	j->depth = 0;
	j->first[0] = 1;
	j->inline_[0] = 0;
}

static void put_string(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static void prefix(struct ew_json *j, const char *key)
{
	if (!j->first[j->depth])
		fputs(j->inline_[j->depth] ? ", " : ",", j->f);
	j->first[j->depth] = 0;
	if (j->depth && !j->inline_[j->depth]) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	if (key) {
		put_string(j->f, key);
		fputs(": ", j->f);
	}
}

static void open_(struct ew_json *j, const char *key, char c, int inl)
{
	prefix(j, key);
	fputc(c, j->f);
	if (j->depth < EW_JSON_DEPTH - 1)
		j->depth++;
	j->first[j->depth] = 1;
	j->inline_[j->depth] = inl;
}

static void close_(struct ew_json *j, char c)
{
	int empty = j->first[j->depth], inl = j->inline_[j->depth];

	if (j->depth)
		j->depth--;
	if (!empty && !inl) {
		fputc('\n', j->f);
		for (int i = 0; i < j->depth; i++)
			fputs("  ", j->f);
	}
	fputc(c, j->f);
	if (!j->depth)
		fputc('\n', j->f);
}

void ew_json_obj(struct ew_json *j, const char *key) { open_(j, key, '{', 0); }
void ew_json_arr(struct ew_json *j, const char *key) { open_(j, key, '[', 0); }
void ew_json_arr_inline(struct ew_json *j, const char *key) { open_(j, key, '[', 1); }
void ew_json_end_obj(struct ew_json *j) { close_(j, '}'); }
void ew_json_end_arr(struct ew_json *j) { close_(j, ']'); }

void ew_json_str(struct ew_json *j, const char *key, const char *v)
{
	prefix(j, key);
	if (v)
		put_string(j->f, v);
	else
		fputs("null", j->f);
}

void ew_json_u64(struct ew_json *j, const char *key, uint64_t v)
{
	prefix(j, key);
	fprintf(j->f, "%" PRIu64, v);
}

void ew_json_i64(struct ew_json *j, const char *key, int64_t v)
{
	prefix(j, key);
	fprintf(j->f, "%" PRId64, v);
}

void ew_json_dbl(struct ew_json *j, const char *key, double v)
{
	prefix(j, key);
	if (isfinite(v))
		fprintf(j->f, "%.10g", v);
	else
		fputs("null", j->f);
}

void ew_json_bool(struct ew_json *j, const char *key, int v)
{
	prefix(j, key);
	fputs(v ? "true" : "false", j->f);
}

void ew_json_null(struct ew_json *j, const char *key)
{
	prefix(j, key);
	fputs("null", j->f);
}
