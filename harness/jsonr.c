// SPDX-License-Identifier: GPL-2.0
/*
 * jsonr: strict JSON reader.  Recursive descent over a buffer with an
 * explicit depth limit; strings are unescaped into UTF-8 and checked for
 * valid UTF-8; numbers follow the RFC 8259 grammar (no NaN, no Infinity,
 * no leading zeros, no hex) and must fit a double; duplicate keys in an
 * object are an error, since a gate must not guess which value was meant.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "jsonr.h"

struct parser {
	const char *s, *end, *p;
	char *err;
	size_t errlen;
	int failed;
};

static void fail(struct parser *ps, const char *fmt, ...)
{
	size_t line = 1, col = 1;
	const char *q;
	int n;
	va_list ap;

	if (ps->failed)
		return;
	ps->failed = 1;
	if (!ps->err || !ps->errlen)
		return;
	for (q = ps->s; q < ps->p && q < ps->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else {
			col++;
		}
	}
	n = snprintf(ps->err, ps->errlen, "%zu:%zu: ", line, col);
	if (n < 0 || (size_t)n >= ps->errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(ps->err + n, ps->errlen - n, fmt, ap);
	va_end(ap);
}

static void skip_ws(struct parser *ps)
{
	while (ps->p < ps->end &&
	       (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r'))
		ps->p++;
}

static int parse_value(struct parser *ps, struct jv *out, int depth);

/* appends one element to a growing array of struct jv (and keys) */
static int grow(struct parser *ps, struct jv *v, size_t *cap, int with_keys)
{
	size_t ncap;
	struct jv *items;
	char **keys;

	if (v->len < *cap)
		return 0;
	ncap = *cap ? *cap * 2 : 4;
	items = realloc(v->items, ncap * sizeof(*items));
	if (!items) {
		fail(ps, "out of memory");
		return -1;
	}
	v->items = items;
	if (with_keys) {
		keys = realloc(v->keys, ncap * sizeof(*keys));
		if (!keys) {
			fail(ps, "out of memory");
			return -1;
		}
		v->keys = keys;
	}
	*cap = ncap;
	return 0;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int read_hex4(struct parser *ps, unsigned int *cp)
{
	unsigned int v = 0;

	if (ps->end - ps->p < 4) {
		fail(ps, "truncated \\u escape");
		return -1;
	}
	for (int i = 0; i < 4; i++) {
		int h = hexval((unsigned char)ps->p[i]);

		if (h < 0) {
			fail(ps, "bad \\u escape");
			return -1;
		}
		v = v << 4 | h;
	}
	ps->p += 4;
	*cp = v;
	return 0;
}

static size_t put_utf8(char *o, unsigned int cp)
{
	if (cp < 0x80) {
		o[0] = cp;
		return 1;
	}
	if (cp < 0x800) {
		o[0] = 0xC0 | cp >> 6;
		o[1] = 0x80 | (cp & 0x3F);
		return 2;
	}
	if (cp < 0x10000) {
		o[0] = 0xE0 | cp >> 12;
		o[1] = 0x80 | (cp >> 6 & 0x3F);
		o[2] = 0x80 | (cp & 0x3F);
		return 3;
	}
	o[0] = 0xF0 | cp >> 18;
	o[1] = 0x80 | (cp >> 12 & 0x3F);
	o[2] = 0x80 | (cp >> 6 & 0x3F);
	o[3] = 0x80 | (cp & 0x3F);
	return 4;
}

/* length of the valid UTF-8 sequence at p (1-4), or 0 if invalid */
static size_t utf8_seq(const unsigned char *p, const unsigned char *end)
{
	unsigned int c = p[0], cp;
	size_t n;

	if (c < 0x80)
		return 1;
	if (c >= 0xC2 && c <= 0xDF)
		n = 2, cp = c & 0x1F;
	else if (c >= 0xE0 && c <= 0xEF)
		n = 3, cp = c & 0x0F;
	else if (c >= 0xF0 && c <= 0xF4)
		n = 4, cp = c & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (size_t i = 1; i < n; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		cp = cp << 6 | (p[i] & 0x3F);
	}
	/* overlong, surrogates, beyond U+10FFFF */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) ||
	    (cp >= 0xD800 && cp <= 0xDFFF) || cp > 0x10FFFF)
		return 0;
	return n;
}

/* at the opening quote; on success *out is a malloc'd string */
static int parse_string(struct parser *ps, char **out, size_t *outlen)
{
	const char *q;
	char *buf, *o;

	ps->p++;	/* the quote */
	/* the unescaped text is never longer than the escaped one */
	for (q = ps->p; q < ps->end && *q != '"'; q++)
		if (*q == '\\' && q + 1 < ps->end)
			q++;
	if (q >= ps->end) {
		ps->p--;
		fail(ps, "unterminated string");
		return -1;
	}
	buf = malloc(q - ps->p + 1);
	if (!buf) {
		fail(ps, "out of memory");
		return -1;
	}
	o = buf;
	while (*ps->p != '"') {
		unsigned char c = *ps->p;

		if (c < 0x20) {
			fail(ps, "control character in string");
			goto bad;
		}
		if (c != '\\') {
			size_t n = utf8_seq((const unsigned char *)ps->p,
					    (const unsigned char *)ps->end);

			if (!n) {
				fail(ps, "invalid UTF-8 in string");
				goto bad;
			}
			memcpy(o, ps->p, n);
			o += n;
			ps->p += n;
			continue;
		}
		ps->p++;
		switch (*ps->p++) {
		case '"': *o++ = '"'; break;
		case '\\': *o++ = '\\'; break;
		case '/': *o++ = '/'; break;
		case 'b': *o++ = '\b'; break;
		case 'f': *o++ = '\f'; break;
		case 'n': *o++ = '\n'; break;
		case 'r': *o++ = '\r'; break;
		case 't': *o++ = '\t'; break;
		case 'u': {
			unsigned int cp, lo;

			if (read_hex4(ps, &cp))
				goto bad;
			if (cp >= 0xDC00 && cp <= 0xDFFF) {
				fail(ps, "lone low surrogate in \\u escape");
				goto bad;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF) {
				if (ps->end - ps->p < 2 || ps->p[0] != '\\' || ps->p[1] != 'u') {
					fail(ps, "high surrogate without its low half");
					goto bad;
				}
				ps->p += 2;
				if (read_hex4(ps, &lo))
					goto bad;
				if (lo < 0xDC00 || lo > 0xDFFF) {
					fail(ps, "bad low surrogate in \\u escape");
					goto bad;
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			}
			if (cp == 0) {
				fail(ps, "\\u0000 is not supported");
				goto bad;
			}
			/* 6 escaped bytes (12 for a pair) give at most 4 */
			o += put_utf8(o, cp);
			break;
		}
		default:
			ps->p--;
			fail(ps, "bad escape");
			goto bad;
		}
	}
	ps->p++;	/* closing quote */
	*o = '\0';
	*out = buf;
	*outlen = o - buf;
	return 0;
bad:
	free(buf);
	return -1;
}

static int parse_number(struct parser *ps, struct jv *out)
{
	const char *st = ps->p, *q = ps->p;
	char tmp[64], *e;
	size_t n;

	if (q < ps->end && *q == '-')
		q++;
	if (q >= ps->end || *q < '0' || *q > '9') {
		ps->p = q;
		fail(ps, "bad number");
		return -1;
	}
	if (*q == '0') {
		q++;
	} else {
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && *q == '.') {
		q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			ps->p = q;
			fail(ps, "digit expected after decimal point");
			return -1;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	if (q < ps->end && (*q == 'e' || *q == 'E')) {
		q++;
		if (q < ps->end && (*q == '+' || *q == '-'))
			q++;
		if (q >= ps->end || *q < '0' || *q > '9') {
			ps->p = q;
			fail(ps, "digit expected in exponent");
			return -1;
		}
		while (q < ps->end && *q >= '0' && *q <= '9')
			q++;
	}
	n = q - st;
	if (n >= sizeof(tmp)) {
		fail(ps, "number too long (%zu characters)", n);
		return -1;
	}
	memcpy(tmp, st, n);
	tmp[n] = '\0';
	errno = 0;
	out->num = strtod(tmp, &e);
	if (*e || (errno == ERANGE && (out->num > 1 || out->num < -1))) {
		fail(ps, "number out of range");
		return -1;
	}
	out->type = JV_NUM;
	ps->p = q;
	return 0;
}

static int cmp_key(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int check_duplicates(struct parser *ps, struct jv *v)
{
	char **sorted;
	int rc = 0;

	if (v->len < 2)
		return 0;
	sorted = malloc(v->len * sizeof(*sorted));
	if (!sorted) {
		fail(ps, "out of memory");
		return -1;
	}
	memcpy(sorted, v->keys, v->len * sizeof(*sorted));
	qsort(sorted, v->len, sizeof(*sorted), cmp_key);
	for (size_t i = 1; i < v->len; i++) {
		if (!strcmp(sorted[i - 1], sorted[i])) {
			fail(ps, "duplicate key \"%.40s\" in object", sorted[i]);
			rc = -1;
			break;
		}
	}
	free(sorted);
	return rc;
}

static int parse_container(struct parser *ps, struct jv *out, int depth, int obj)
{
	char close = obj ? '}' : ']';
	size_t cap = 0;

	out->type = obj ? JV_OBJ : JV_ARR;
	ps->p++;
	skip_ws(ps);
	if (ps->p < ps->end && *ps->p == close) {
		ps->p++;
		return 0;
	}
	for (;;) {
		char *key = NULL;
		size_t klen;

		if (grow(ps, out, &cap, obj))
			return -1;
		if (obj) {
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != '"') {
				fail(ps, ps->p >= ps->end ? "unexpected end of input" :
				     "string key expected");
				return -1;
			}
			if (parse_string(ps, &key, &klen))
				return -1;
			skip_ws(ps);
			if (ps->p >= ps->end || *ps->p != ':') {
				free(key);
				fail(ps, "':' expected after key");
				return -1;
			}
			ps->p++;
		}
		memset(&out->items[out->len], 0, sizeof(out->items[0]));
		if (obj)
			out->keys[out->len] = key;
		/* counted before parsing so that jv_free releases a partial child */
		out->len++;
		if (parse_value(ps, &out->items[out->len - 1], depth + 1))
			return -1;
		skip_ws(ps);
		if (ps->p >= ps->end) {
			fail(ps, "unexpected end of input in %s", obj ? "object" : "array");
			return -1;
		}
		if (*ps->p == ',') {
			ps->p++;
			skip_ws(ps);
			if (ps->p < ps->end && *ps->p == close) {
				fail(ps, "trailing comma");
				return -1;
			}
			continue;
		}
		if (*ps->p == close) {
			ps->p++;
			break;
		}
		fail(ps, "',' or '%c' expected", close);
		return -1;
	}
	return obj ? check_duplicates(ps, out) : 0;
}

static int literal(struct parser *ps, const char *word)
{
	size_t n = strlen(word);

	if ((size_t)(ps->end - ps->p) < n || memcmp(ps->p, word, n)) {
		fail(ps, "unexpected character");
		return -1;
	}
	ps->p += n;
	return 0;
}

static int parse_value(struct parser *ps, struct jv *out, int depth)
{
	if (depth > JV_MAX_DEPTH) {
		fail(ps, "nesting deeper than %d", JV_MAX_DEPTH);
		return -1;
	}
	skip_ws(ps);
	if (ps->p >= ps->end) {
		fail(ps, "unexpected end of input");
		return -1;
	}
	switch (*ps->p) {
	case '{':
		return parse_container(ps, out, depth, 1);
	case '[':
		return parse_container(ps, out, depth, 0);
	case '"':
		out->type = JV_STR;
		return parse_string(ps, &out->str, &out->len);
	case 't':
		out->type = JV_BOOL;
		out->boolean = 1;
		return literal(ps, "true");
	case 'f':
		out->type = JV_BOOL;
		return literal(ps, "false");
	case 'n':
		out->type = JV_NULL;
		return literal(ps, "null");
	default:
		if (*ps->p != '-' && (*ps->p < '0' || *ps->p > '9')) {
			if ((unsigned char)*ps->p >= 0x20 && (unsigned char)*ps->p < 0x7f)
				fail(ps, "unexpected character '%c'", *ps->p);
			else
				fail(ps, "unexpected byte 0x%02x", (unsigned char)*ps->p);
			return -1;
		}
		return parse_number(ps, out);
	}
}

static void jv_release(struct jv *v)
{
	for (size_t i = 0; i < v->len && v->items; i++) {
		jv_release(&v->items[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->items);
	free(v->keys);
	free(v->str);
}

void jv_free(struct jv *v)
{
	if (!v)
		return;
	jv_release(v);
	free(v);
}

struct jv *jv_parse(const char *text, size_t len, char *err, size_t errlen)
{
	struct parser ps = { text, text + len, text, err, errlen, 0 };
	struct jv *v = calloc(1, sizeof(*v));

	if (err && errlen)
		err[0] = '\0';
	if (!v) {
		fail(&ps, "out of memory");
		return NULL;
	}
	if (parse_value(&ps, v, 1) == 0) {
		skip_ws(&ps);
		if (ps.p != ps.end)
			fail(&ps, "trailing data after the JSON value");
	} else if (!ps.failed) {
		fail(&ps, "parse error");
	}
	if (ps.failed) {
		jv_free(v);
		return NULL;
	}
	return v;
}

struct jv *jv_parse_file(const char *path, char *err, size_t errlen)
{
	struct stat st;
	struct jv *v = NULL;
	char *buf = NULL, sub[256];
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) < 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(err, errlen, "%s: not a regular file", path);
		goto out;
	}
	if ((unsigned long)st.st_size > JV_MAX_FILE) {
		snprintf(err, errlen, "%s: larger than %lu MiB", path, JV_MAX_FILE >> 20);
		goto out;
	}
	if (st.st_size == 0) {
		snprintf(err, errlen, "%s: empty file", path);
		goto out;
	}
	buf = malloc(st.st_size);
	if (!buf) {
		snprintf(err, errlen, "%s: out of memory", path);
		goto out;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, buf + got, st.st_size - got);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			snprintf(err, errlen, "%s: %s", path,
				 r < 0 ? strerror(errno) : "file shrank while being read");
			goto out;
		}
		got += r;
	}
	v = jv_parse(buf, got, sub, sizeof(sub));
	if (!v)
		snprintf(err, errlen, "%s:%s", path, sub);
out:
	free(buf);
	close(fd);
	return v;
}

const struct jv *jv_get(const struct jv *obj, const char *key)
{
	if (!obj || obj->type != JV_OBJ || !key)
		return NULL;
	for (size_t i = 0; i < obj->len; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->items[i];
	return NULL;
}

const struct jv *jv_at(const struct jv *arr, size_t i)
{
	if (!arr || arr->type != JV_ARR || i >= arr->len)
		return NULL;
	return &arr->items[i];
}

const struct jv *jv_path(const struct jv *root, const char *path)
{
	const struct jv *v = root;
	char seg[128];

	if (!path)
		return NULL;
	while (v && *path) {
		size_t n = strcspn(path, ".");
		char *e;

		if (n == 0 || n >= sizeof(seg))
			return NULL;
		memcpy(seg, path, n);
		seg[n] = '\0';
		path += n;
		if (*path == '.')
			path++;
		if (v->type == JV_ARR) {
			unsigned long i;

			if (seg[0] < '0' || seg[0] > '9')
				return NULL;
			errno = 0;
			i = strtoul(seg, &e, 10);
			if (*e || errno)
				return NULL;
			v = jv_at(v, i);
		} else {
			v = jv_get(v, seg);
		}
	}
	return v;
}

int jv_is_num(const struct jv *v)
{
	return v && v->type == JV_NUM;
}

double jv_num(const struct jv *v, double dflt)
{
	return jv_is_num(v) ? v->num : dflt;
}

const char *jv_str(const struct jv *v, const char *dflt)
{
	return v && v->type == JV_STR ? v->str : dflt;
}
