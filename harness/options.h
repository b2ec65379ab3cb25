/* SPDX-License-Identifier: GPL-2.0 */
/*
 * options.h - command-line options from one table: each entry names the
 * option, says what it means (--help prints exactly that) and how its
 * argument is checked and stored.  getopt_long's table and the usage text
 * are both generated from it, so the two cannot drift apart.
 */
#ifndef EXITWATCH_OPTIONS_H
#define EXITWATCH_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

struct ew_optdef;

/* stores arg into the options at d->off; 0, or -1 with "'VALUE': why not" in want */
typedef int (*ew_optset)(void *opts, const struct ew_optdef *d, const char *arg, char *want,
			 size_t len);

struct ew_optdef {
	const char *name;	/* --name */
	int key;		/* -k, or a value above 255 for long-only options */
	const char *arg;	/* the argument's name in --help; NULL: takes none */
	ew_optset set;		/* NULL: --help */
	size_t off, count_off;	/* the field in the options (and a list's count) */
	int lo, hi;		/* numbers, and each number of a list: the range */
	unsigned int flags;	/* lists: EW_LIST_* */
	const char *help;	/* what it means; '\n' starts an indented line */
};

enum {
	EW_LIST_NONEMPTY = 1 << 0,	/* an empty list is an error */
	EW_LIST_STRICT = 1 << 1,	/* more than EW_MAX_LIST items is an error, not cut short */
};
#define EW_LIST_MAX 16			/* EW_MAX_LIST of run.h */

/* int at off: lo..hi */
int ew_opt_int(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len);
/* int at off set to 1 */
int ew_opt_flag(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len);
/* const char * at off: the argument itself */
int ew_opt_str(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len);
/* a comma list of ints, lo..hi each, into the int array at off (count at count_off) */
int ew_opt_ints(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len);

/* one item of a list: tok into *out; 0, or -1 with why it is not one in why */
typedef int (*ew_item_conv)(const struct ew_optdef *d, const char *tok, void *out, char *why,
			    size_t len);
/*
 * a comma list: every item (empty ones skipped) through conv into the array
 * at d->off, elements of size bytes (at most 64), at most max of them (more
 * are cut off, or refused with EW_LIST_STRICT); the count at d->count_off
 */
int ew_opt_list(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len,
		ew_item_conv conv, size_t size, int max);
/* a decimal integer lo..hi, nothing else; 0 or -1 */
int ew_parse_int(const char *s, int lo, int hi, int *out);

/*
 * parse argv (argv[0]: the command's name for messages) into opts: -1 to
 * go on, 0 after --help (usage() printed to stdout), 2 after a message for
 * bad input; *optind_out is where the operands start
 */
int ew_getopt(const struct ew_optdef *defs, int argc, char **argv, void *opts,
	      void (*usage)(FILE *f), int *optind_out);
/* one line per option of the table: "  -k, --name ARG   help" */
void ew_opt_help(FILE *f, const struct ew_optdef *defs);

#endif
