// SPDX-License-Identifier: GPL-2.0
/*
 * exitwatch - how fast, how cheaply and how correctly does a process learn
 * that another process died?  Command line: run, trace, list, compare, report.
 */
#include <stddef.h>
#include <stdlib.h>
#include "run.h"
#include "compare.h"
#include "options.h"

int ew_trace_main(int argc, char **argv);
int ew_report_main(int argc, char **argv);
static int cmd_run(int argc, char **argv);
static int cmd_list(int argc, char **argv);

/* the commands: `exitwatch NAME ...` runs main with argv[0] "exitwatch NAME" */
static const struct command {
	const char *name;
	int (*main)(int argc, char **argv);
	const char *what;
} commands[] = {
	{ "run", cmd_run, "run storms x mechanisms, write JSON (see harness/SCHEMA.md)" },
	{ "trace", ew_trace_main, "histogram exit->wake->run of every exit on the system (like runqlat)" },
	{ "list", cmd_list, "the mechanisms and whether this kernel has them" },
	{ "compare", ew_compare_main, "OLD.json NEW.json: significant regressions (see compare --help)" },
	{ "report", ew_report_main, "RESULTS.json -d DIR: plots, report.md, report.html (see report --help)" },
	{ 0 }
};

/* what a name that is no mechanism gets told */
#define SEE_LIST "unknown mechanism (see `exitwatch list`)"

static int mech_conv(const struct ew_optdef *d, const char *tok, void *out, char *why, size_t len)
{
	const struct watcher_ops *ops = ew_mechanism_find(tok);

	memcpy(out, &ops, sizeof(ops));
	if (ops)
		return 0;
	snprintf(why, len, SEE_LIST);
	return -1;
}

/* --mechanisms, --large-mechanisms */
static int opt_mechs(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len)
{
	return ew_opt_list(opts, d, arg, want, len, mech_conv, sizeof(struct watcher_ops *),
			   EW_MAX_LIST);
}

static int scenario_conv(const struct ew_optdef *d, const char *tok, void *out, char *why,
			 size_t len)
{
	int sc = ew_scenario_find(tok);

	*(int *)out = sc;
	if (sc >= 0)
		return 0;
	snprintf(why, len, "want burst, churn, stagger, heavy or reuse");
	return -1;
}

static int opt_scenarios(void *opts, const struct ew_optdef *d, const char *arg, char *want,
			 size_t len)
{
	return ew_opt_list(opts, d, arg, want, len, scenario_conv, sizeof(int), EW_SC_NR);
}

static int opt_load(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len)
{
	struct ew_opts *o = opts;

	o->nloads = 0;
	if (!strcmp(arg, "off") || !strcmp(arg, "both"))
		o->loads[o->nloads++] = 0;
	if (!strcmp(arg, "on") || !strcmp(arg, "both"))
		o->loads[o->nloads++] = 1;
	if (o->nloads)
		return 0;
	snprintf(want, len, "'%s': want off, on or both", arg);
	return -1;
}

static int opt_spawn(void *opts, const struct ew_optdef *d, const char *arg, char *want, size_t len)
{
	struct ew_opts *o = opts;

	o->spawn_vm = !strcmp(arg, "vm");
	o->spawn_self = !strcmp(arg, "fork");
	if (!strcmp(arg, "spawner") || o->spawn_vm || o->spawn_self)
		return 0;
	snprintf(want, len, "'%s': want spawner, fork or vm", arg);
	return -1;
}

/* PAIRS or PAIRS:EXITS */
static int opt_neutrality(void *opts, const struct ew_optdef *d, const char *arg, char *want,
			  size_t len)
{
	struct ew_opts *o = opts;
	const char *colon = strchr(arg, ':');
	char pairs[32];

	snprintf(pairs, sizeof(pairs), "%.*s", colon ? (int)(colon - arg) : (int)strlen(arg), arg);
	if ((!colon || colon - arg < (int)sizeof(pairs)) &&
	    !ew_parse_int(pairs, 0, 50, &o->neutral_pairs) &&
	    (!colon || !ew_parse_int(colon + 1, 1, 100000, &o->neutral_exits)))
		return 0;
	snprintf(want, len, "'%s': want PAIRS (0..50) or PAIRS:EXITS (EXITS 1..100000)", arg);
	return -1;
}

#define INT(name, field, lo, hi, help) \
	{ name, O_##field, "N", ew_opt_int, offsetof(struct ew_opts, field), 0, lo, hi, 0, help }
#define FLAG(name, field, help) \
	{ name, O_##field, NULL, ew_opt_flag, offsetof(struct ew_opts, field), 0, 0, 0, 0, help }
#define OFF(field) offsetof(struct ew_opts, field)

/* long-only options: keys above any character */
enum {
	O_min_exits = 256, O_churn_ms, O_churn_n, O_stagger_ms, O_stagger_n, O_heavy_mbs,
	O_heavy_n, O_heavy_rounds, O_no_mrelease, O_neutral, O_interval_us, O_no_bpf,
	O_mm_stamps, O_no_floor, O_gap_ms, O_no_ref, O_perturb_rounds, O_note, O_guest,
	O_large_n, O_large_mechs, O_spawn, O_load_ns, O_reps,
};

static const struct ew_optdef run_options[] = {
	{ "mechanisms", 'm', "LIST", opt_mechs, OFF(mechs), OFF(nmechs), 0, 0, EW_LIST_NONEMPTY,
	  "comma list (default: all); see `exitwatch list`" },
	{ "scenarios", 's', "LIST", opt_scenarios, OFF(scenarios), OFF(nscen), 0, 0, EW_LIST_NONEMPTY,
	  "burst,churn,stagger,heavy,reuse (default: burst)" },
	{ "sizes", 'n', "LIST", ew_opt_ints, OFF(ns), OFF(nn), 1, 10000, EW_LIST_NONEMPTY,
	  "burst sizes N, 1..10000 (default: 1,10,100)" },
	{ "load", 'l', "MODE", opt_load, 0, 0, 0, 0, 0,
	  "background CPU load: off, on, both (default: off)" },
	{ "output", 'o', "FILE", ew_opt_str, OFF(out), 0, 0, 0, 0, "JSON output (default: stdout)" },
	INT("min-exits", min_exits, 1, 1000000, "burst rounds until at least N exits (default 300)"),
	INT("churn-ms", churn_ms, 1, 600000, "churn duration, 1..600000 (default 1000)"),
	INT("churn-n", churn_n, 1, 10000, "churn: children in flight, 1..10000 (default 10)"),
	INT("stagger-ms", stagger_ms, 1, 600000, "stagger window, 1..600000 (default 500)"),
	INT("stagger-n", stagger_n, 1, 10000, "stagger: children, 1..10000 (default 500)"),
	{ "heavy-mb", O_heavy_mbs, "LIST", ew_opt_ints, OFF(heavy_mbs), OFF(nheavy_mb), 0, 4096,
	  EW_LIST_NONEMPTY | EW_LIST_STRICT,
	  "heavy: the sizes of the sweep, MB of touched RSS per child\n(0..4096, at most 16, default 64)" },
	INT("heavy-n", heavy_n, 1, 1000, "heavy: children killed at once, 1..1000 (default 8)"),
	INT("heavy-rounds", heavy_rounds, 1, 1000, "heavy: rounds per cell, 1..1000 (default 2)"),
	FLAG("no-mrelease", no_mrelease, "heavy: no SIGKILL + process_mrelease() cells"),
	{ "neutrality", O_neutral, "P[:E]", opt_neutrality, 0, 0, 0, 0, 0,
	  "before the cells: P (0..50) rounds of six burst N=1 blocks of E\n"
	  "exits (1..100000, default 50) per mechanism, ABCCBA: no tracer,\n"
	  "the cells' programs, with the stage stamps (off: 0)" },
	INT("interval-us", interval_us, 1, 10000000,
	    "polling interval of proc-poll, kill0-poll, 1..10000000 (1000)"),
	FLAG("no-bpf", no_bpf, "run without the BPF tracer"),
	FLAG("mm-stamps", mm_stamps, "also stamp mm teardown (mmap_lock tracepoints: slows every exit)"),
	FLAG("no-floor", no_floor, "skip the floor and perturbation measurements"),
	INT("gap-ms", gap_ms, 0, 1000, "idle gap between burst rounds, the same with and without\n"
	    "the tracer (default 0; 0..1000)"),
	FLAG("no-ref", no_ref, "skip the reference watcher (build/ew-ref) before each cell"),
	INT("perturb-rounds", perturb_rounds, 1, 64,
	    "interleaved 100 ms tracer on/off slice pairs, 1..64 (default 24)"),
	{ "note", O_note, "TEXT", ew_opt_str, OFF(note), 0, 0, 0, 0,
	  "free text stored in the JSON (e.g. machine load)" },
	FLAG("guest", guest, "inside a throwaway VM: allow the reuse scenario"),
	INT("large-n", large_n, 1, 10000, "bursts larger than N only for --large-mechanisms"),
	{ "large-mechanisms", O_large_mechs, "LIST", opt_mechs, OFF(large_mechs), OFF(nlarge),
	  0, 0, 0, "the mechanisms of the bursts larger than --large-n" },
	{ "spawn", O_spawn, "HOW", opt_spawn, 0, 0, 0, 0, 0,
	  "spawner, fork or vm: children forked by build/ew-spawner\n"
	  "(default, a small address space), by exitwatch itself, or\n"
	  "sharing its memory (CLONE_VM: cheap to create, no mm teardown)" },
	{ "load-sizes", O_load_ns, "LIST", ew_opt_ints, OFF(load_ns), OFF(nload_ns), 1, 10000, 0,
	  "with load on, run only bursts of these sizes (1..10000)" },
	INT("reps", reps, 1, EW_MAX_REPS,
	    "measure every cell (and the floor) N times, 1..100 (default 1):\n"
	    "independent repetitions, per-repetition figures in \"samples\""),
	{ "help", 'h', NULL, NULL, 0, 0, 0, 0, 0, "this text" },
	{ 0 }
};

_Static_assert(EW_MAX_LIST == EW_LIST_MAX, "the option lists fill ew_opts' arrays");

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitwatch COMMAND [OPTIONS]\n"
		"\n"
		"commands:\n");
	for (const struct command *c = commands; c->name; c++)
		fprintf(f, "  %-8s %s\n", c->name, c->what);
	fprintf(f, "\nrun options:\n");
	ew_opt_help(f, run_options);
	fprintf(f,
		"\n"
		"Progress goes to stderr; Ctrl-C stops and still writes what was collected.\n"
		"Without root or BPF the run goes on without the tracer and says so.\n"
		"Bad input: a message and exit status 2.\n"
		"\n"
		"environment (read once, at start-up):\n"
		"  EXITWATCH_INJECT_DELAY_US=US[:MECHANISM]  (testing the regression gate) the watcher\n"
		"                          of MECHANISM (default: every one) busy-waits US microseconds\n"
		"                          after each notice before taking its user-side stamp\n"
		"  EXITWATCH_DEBUG         fork timing of each burst, children without a BPF record\n"
		"  EXITWATCH_BPF_DEBUG     libbpf's warnings on stderr (run, trace)\n"
		"  EXITWATCH_KEEP_PID_MAX  the reuse scenario leaves pid_max as it is\n"
		"  EXITWATCH_SPAWNER, EXITWATCH_REF  the helper binaries (default: beside exitwatch)\n");
}

static void on_int(int sig)
{
	ew_interrupted = 1;
}

static int cmd_list(int argc, char **argv)
{
	printf("%-13s %-9s %s\n", "mechanism", "available", "how (or why not)");
	for (int i = 0; i < ew_nmechanisms; i++) {
		char why[256] = "";
		int skip = ew_mechanisms[i]->probe(why, sizeof(why));

		printf("%-13s %-9s %s\n", ew_mechanisms[i]->name, skip ? "no" : "yes",
		       skip ? why : ew_mechanisms[i]->how);
	}
	return 0;
}

/* EXITWATCH_INJECT_DELAY_US=US or US:MECHANISM; non-zero (usage error) if malformed */
static int inject_delay(struct ew_opts *o, const char *env)
{
	char num[32], *colon;

	if (!env || !*env)
		return 0;
	snprintf(num, sizeof(num), "%s", env);
	colon = strchr(num, ':');
	if (colon)
		*colon = 0;
	if (ew_parse_int(num, 0, 1000000, &o->inject_delay_us) || strlen(env) >= sizeof(num)) {
		fprintf(stderr, "exitwatch run: EXITWATCH_INJECT_DELAY_US='%s': want US or US:MECHANISM, "
			"US from 0 to 1000000\n", env);
		return 2;
	}
	if (colon) {
		o->inject_mech = ew_mechanism_find(strchr(env, ':') + 1);
		if (!o->inject_mech) {
			fprintf(stderr, "exitwatch run: EXITWATCH_INJECT_DELAY_US='%s': %s\n", env, SEE_LIST);
			return 2;
		}
	}
	if (o->inject_delay_us)
		fprintf(stderr, "exitwatch: EXITWATCH_INJECT_DELAY_US: the watcher of %s busy-waits %d us "
			"after each notice (a deliberately slow watcher, for testing the regression gate)\n",
			o->inject_mech ? o->inject_mech->name : "every mechanism", o->inject_delay_us);
	return 0;
}

/* the environment, read here once: nothing in the run reads it again; 2 if malformed */
static int run_env(struct ew_opts *o)
{
	o->debug = getenv("EXITWATCH_DEBUG") != NULL;
	o->bpf_debug = getenv("EXITWATCH_BPF_DEBUG") != NULL;
	o->keep_pid_max = getenv("EXITWATCH_KEEP_PID_MAX") != NULL;
	o->spawner_path = getenv("EXITWATCH_SPAWNER");
	o->ref_path = getenv("EXITWATCH_REF");
	return inject_delay(o, getenv("EXITWATCH_INJECT_DELAY_US"));
}

/*
 * `exitwatch run` options into *o: -1 to go on and run, else the exit status
 * (0 after --help, 2 for bad input).
 */
static int parse_run(int argc, char **argv, struct ew_opts *o)
{
	int first, r = ew_getopt(run_options, argc, argv, o, usage, &first);

	if (r >= 0)
		return r;
	if (first < argc) {
		fprintf(stderr, "exitwatch run: unexpected argument '%s'\nTry 'exitwatch --help'.\n",
			argv[first]);
		return 2;
	}
	return run_env(o) ? 2 : -1;
}

/* the command line as typed, for the results' "command" field */
static char *join_args(int argc, char **argv)
{
	size_t len = 1;
	char *line;

	for (int i = 0; i < argc; i++)
		len += strlen(argv[i]) + 1;
	line = calloc(1, len);
	for (int i = 0; line && i < argc; i++) {
		if (i)
			strcat(line, " ");
		strcat(line, argv[i]);
	}
	return line;
}

static int cmd_run(int argc, char **argv)
{
	struct ew_opts o;
	int rc;

	ew_opts_default(&o);
	/* before getopt, which permutes argv */
	o.argv_line = join_args(argc, argv);
	if (!o.argv_line) {
		fprintf(stderr, "exitwatch run: out of memory\n");
		return 2;
	}
	rc = parse_run(argc, argv, &o);
	if (rc < 0)
		rc = ew_run(&o);
	free(o.argv_line);
	return rc;
}

/* what every command runs under: Ctrl-C keeps what was collected; SIGCHLD read from a signalfd */
static void signals(void)
{
	struct sigaction sa = { .sa_handler = on_int };
	sigset_t set;

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* SIGCHLD blocked in every thread: sigchld-scan reads it from a signalfd */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);
}

int main(int argc, char **argv)
{
	static char name[64];

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("exitwatch %s\n", EW_VERSION);
		return 0;
	}
	for (const struct command *c = commands; c->name; c++) {
		if (strcmp(argv[1], c->name))
			continue;
		signals();
		/* "exitwatch run": the name getopt's messages and ours start with */
		snprintf(name, sizeof(name), "exitwatch %s", c->name);
		argv[1] = name;
		return c->main(argc - 1, argv + 1);
	}
	fprintf(stderr, "exitwatch: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
