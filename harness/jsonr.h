/* SPDX-License-Identifier: GPL-2.0 */
/*
 * jsonr: a small strict JSON reader (RFC 8259) for `exitwatch compare` and
 * `exitwatch report`.  It builds a tree in memory; the files it reads are
 * ours (a results JSON is a few MiB at most), so simplicity wins over
 * streaming.  Every error names the line and column where parsing stopped.
 */
#ifndef EW_JSONR_H
#define EW_JSONR_H

#include <stddef.h>

enum jv_type { JV_NULL, JV_BOOL, JV_NUM, JV_STR, JV_ARR, JV_OBJ };

struct jv {
	enum jv_type type;
	int boolean;		/* JV_BOOL */
	double num;		/* JV_NUM */
	char *str;		/* JV_STR, NUL-terminated UTF-8 */
	size_t len;		/* JV_STR bytes; JV_ARR/JV_OBJ element count */
	struct jv *items;	/* JV_ARR/JV_OBJ elements in document order */
	char **keys;		/* JV_OBJ: keys[i] names items[i] */
};

#define JV_MAX_DEPTH	64
#define JV_MAX_FILE	(256UL << 20)

/* NULL on error, with err = "LINE:COL: what is wrong" */
struct jv *jv_parse(const char *text, size_t len, char *err, size_t errlen);
/* reads and parses a file; on failure err starts with the file name */
struct jv *jv_parse_file(const char *path, char *err, size_t errlen);
void jv_free(struct jv *v);

/* look-ups: NULL when absent or of the wrong kind; NULL-safe */
const struct jv *jv_get(const struct jv *obj, const char *key);
const struct jv *jv_at(const struct jv *arr, size_t i);
/* "a.b.0.c": object keys and array indices separated by dots */
const struct jv *jv_path(const struct jv *root, const char *path);

int jv_is_num(const struct jv *v);
double jv_num(const struct jv *v, double dflt);
const char *jv_str(const struct jv *v, const char *dflt);

#endif
