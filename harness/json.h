/* SPDX-License-Identifier: GPL-2.0 */
/* json.h - a small streaming JSON writer (objects, arrays, scalars) */
#ifndef EXITWATCH_JSON_H
#define EXITWATCH_JSON_H

#include <stdint.h>
#include <stdio.h>

#define EW_JSON_DEPTH 32

struct ew_json {
	FILE *f;
	int depth;
	int first[EW_JSON_DEPTH];	/* nothing written yet at this level */
	int inline_[EW_JSON_DEPTH];	/* an array of scalars on one line */
};

void ew_json_init(struct ew_json *j, FILE *f);
/* key is NULL inside arrays and for the top level */
void ew_json_obj(struct ew_json *j, const char *key);
void ew_json_arr(struct ew_json *j, const char *key);
/* an array of scalars written on one line */
void ew_json_arr_inline(struct ew_json *j, const char *key);
void ew_json_end_obj(struct ew_json *j);
void ew_json_end_arr(struct ew_json *j);
void ew_json_str(struct ew_json *j, const char *key, const char *v);
void ew_json_u64(struct ew_json *j, const char *key, uint64_t v);
void ew_json_i64(struct ew_json *j, const char *key, int64_t v);
/* non-finite numbers are written as null */
void ew_json_dbl(struct ew_json *j, const char *key, double v);
void ew_json_bool(struct ew_json *j, const char *key, int v);
void ew_json_null(struct ew_json *j, const char *key);

#endif
