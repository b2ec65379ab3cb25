// SPDX-License-Identifier: GPL-2.0
/*
 * options.c - the option table's engine (options.h): getopt_long driven
 * by the table, the usage text printed from it, and the argument checkers
 * every command shares, the comma list among them.
 */
#include <errno.h>
#include <stddef.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include "options.h"

#define MAX_OPTS 64
#define HELP_COL 26

static int *field(void *opts, size_t off)
{
	return (int *)((char *)opts + off);
}

int ew_parse_int(const char *s, int lo, int hi, int *out)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || end == s || v < lo || v > hi)
		return -1;
	*out = (int)v;
	return 0;
}

int ew_opt_int(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len)
{
	if (!ew_parse_int(arg, d->lo, d->hi, field(opts, d->off)))
		return 0;
	snprintf(want, len, "'%s': want %d..%d", arg, d->lo, d->hi);
	return -1;
}

int ew_opt_flag(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len)
{
	*field(opts, d->off) = 1;
	return 0;
}

int ew_opt_str(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len)
{
	*(const char **)((char *)opts + d->off) = arg;
	return 0;
}

/* a list's items into the array at d->off, its count at d->count_off */
struct list {
	const struct ew_optdef *d;
	ew_item_conv conv;
	char *v;
	size_t size;
	int *n, max, overflow;
	char *why;
	size_t len;
};

static int list_item(struct list *l, const char *tok)
{
	/* big enough and aligned for any element */
	union {
		char bytes[64];
		max_align_t align;
	} one;

	if (l->conv(l->d, tok, &one, l->why, l->len))
		return -1;
	if (*l->n >= l->max) {
		l->overflow = 1;
		return 0;
	}
	memcpy(l->v + (size_t)(*l->n)++ * l->size, &one, l->size);
	return 0;
}

int ew_opt_list(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len,
		ew_item_conv conv, size_t size, int max)
{
	struct list l = { d, conv, (char *)opts + d->off, size, field(opts, d->count_off), max, 0 };
	char *dup = strdup(arg), *tok, *save, why[256] = "";

	l.why = why;
	l.len = sizeof(why);
	*l.n = 0;
	if (!dup) {
		snprintf(want, len, "'%s': out of memory", arg);
		return -1;
	}
	/* "1,,2" is 1,2: empty items are skipped */
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		if (list_item(&l, tok)) {
			snprintf(want, len, "'%s': %s", tok, why);
			free(dup);
			return -1;
		}
	}
	free(dup);
	if (!*l.n && (d->flags & EW_LIST_NONEMPTY))
		snprintf(want, len, "'%s': empty list", arg);
	else if (l.overflow && (d->flags & EW_LIST_STRICT))
		snprintf(want, len, "'%s': at most %d items", arg, max);
	else
		return 0;
	return -1;
}

static int int_conv(const struct ew_optdef *d, const char *tok, void *out, char *why, size_t len)
{
	if (!ew_parse_int(tok, d->lo, d->hi, out))
		return 0;
	snprintf(why, len, "want integers from %d to %d", d->lo, d->hi);
	return -1;
}

int ew_opt_ints(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len)
{
	return ew_opt_list(opts, d, arg, want, len, int_conv, sizeof(int), EW_LIST_MAX);
}

static const struct ew_optdef *find_key(const struct ew_optdef *defs, int key)
{
	for (; defs->name; defs++)
		if (defs->key == key)
			return defs;
	return NULL;
}

/* getopt_long's table and short option string, from ours */
static void getopt_tables(const struct ew_optdef *defs, struct option *lo, char *shorts)
{
	int n = 0;

	for (; defs->name && n < MAX_OPTS; defs++, n++) {
		lo[n] = (struct option){ defs->name, defs->arg ? required_argument : no_argument,
					 NULL, defs->key };
		if (defs->key < 256) {
			*shorts++ = (char)defs->key;
			if (defs->arg)
				*shorts++ = ':';
		}
	}
	lo[n] = (struct option){ 0 };
	*shorts = 0;
}

static int bad(const char *cmd, const char *opt, const char *want)
{
	fprintf(stderr, "%s: --%s %s\n", cmd, opt, want);
	fprintf(stderr, "Try '%s --help'.\n", cmd);
	return 2;
}

int ew_getopt(const struct ew_optdef *defs, int argc, char **argv, void *opts,
	      void (*usage)(FILE *f), int *optind_out)
{
	struct option lo[MAX_OPTS + 1];
	char shorts[2 * MAX_OPTS + 1], want[512];
	int c;

	getopt_tables(defs, lo, shorts);
	optind = 1;
	while ((c = getopt_long(argc, argv, shorts, lo, NULL)) != -1) {
		const struct ew_optdef *d = find_key(defs, c);

		if (!d) {
			fprintf(stderr, "Try '%s --help'.\n", argv[0]);
			return 2;
		}
		if (!d->set) {
			usage(stdout);
			return 0;
		}
		want[0] = 0;
		if (d->set(opts, d, optarg, want, sizeof(want)))
			return bad(argv[0], d->name, want);
	}
	*optind_out = optind;
	return -1;
}

void ew_opt_help(FILE *f, const struct ew_optdef *defs)
{
	for (; defs->name; defs++) {
		const char *h = defs->help, *nl;
		char head[64];
		int w;

		if (defs->key < 256)
			w = snprintf(head, sizeof(head), "  -%c, --%s", defs->key, defs->name);
		else
			w = snprintf(head, sizeof(head), "      --%s", defs->name);
		if (defs->arg)
			w += snprintf(head + w, sizeof(head) - w, " %s", defs->arg);
		/* a name too long for the column puts its text on the next line */
		if (w < HELP_COL - 1)
			fprintf(f, "%s%*s", head, HELP_COL - w, "");
		else
			fprintf(f, "%s\n%*s", head, HELP_COL, "");
		while ((nl = strchr(h, '\n'))) {
			fprintf(f, "%.*s\n%*s", (int)(nl - h), h, HELP_COL, "");
			h = nl + 1;
		}
		fprintf(f, "%s\n", h);
	}
}
