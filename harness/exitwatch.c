// SPDX-License-Identifier: GPL-2.0
/*
 * exitwatch - how fast, how cheaply and how correctly does a process learn
 * that another process died?  Command line: run, trace, list, compare, report.
 */
#include <getopt.h>
#include <stdlib.h>
#include "run.h"
#include "compare.h"

int ew_trace_main(int argc, char **argv);
int ew_report_main(int argc, char **argv);

static void usage(FILE *f)
{
	fprintf(f,
		"usage: exitwatch COMMAND [OPTIONS]\n"
		"\n"
		"commands:\n"
		"  run      run storms x mechanisms, write JSON (see harness/SCHEMA.md)\n"
		"  trace    histogram exit->wake->run of every exit on the system (like runqlat)\n"
		"  list     the mechanisms and whether this kernel has them\n"
		"  compare  OLD.json NEW.json: significant regressions (see compare --help)\n"
		"  report   RESULTS.json -d DIR: plots, report.md, report.html (see report --help)\n"		"\n"
		"run options:\n"
		"  -m, --mechanisms LIST   comma list (default: all); see `exitwatch list`\n"
		"  -s, --scenarios LIST    burst,churn,stagger,heavy,reuse (default: burst)\n"
		"  -n, --sizes LIST        burst sizes N, 1..10000 (default: 1,10,100)\n"
		"  -l, --load MODE         background CPU load: off, on, both (default: off)\n"
		"  -o, --output FILE       JSON output (default: stdout)\n"
		"      --min-exits K       burst rounds until at least K exits (default 300)\n"
		"      --churn-ms MS       churn duration (default 1000); --churn-n N in flight (10)\n"
		"      --stagger-ms MS     stagger window (default 500); --stagger-n N (500)\n"
		"      --heavy-mb LIST     heavy: the sizes of the sweep, MB of touched RSS per child\n"
		"                          (0..4096, default 64); --heavy-n N children killed at once (8),\n"
		"                          --heavy-rounds K rounds per cell (2)\n"
		"      --no-mrelease       heavy: no SIGKILL + process_mrelease() cells\n"
		"      --neutrality P[:E]  before the cells: P ABBA pairs of burst N=1 blocks of E exits\n"
		"                          (50) per mechanism, tracer attached / detached (off: 0)\n"
		"      --interval-us US    polling interval of proc-poll, kill0-poll (1000)\n"
		"      --no-bpf            run without the BPF tracer\n"
		"      --mm-stamps         also stamp mm teardown (mmap_lock tracepoints: slows every exit)\n"
		"      --no-floor          skip the floor and perturbation measurements\n"
		"      --gap-ms MS         idle gap between burst rounds, the same with and without\n"
		"                          the tracer (default 0; 0..1000)\n"
		"      --no-ref            skip the reference watcher (build/ew-ref) before each cell\n"
		"      --perturb-rounds K  interleaved 100 ms tracer on/off slice pairs (default 24)\n"
		"      --note TEXT         free text stored in the JSON (e.g. machine load)\n"
		"      --guest             inside a throwaway VM: allow the reuse scenario\n"
		"      --large-n N --large-mechanisms LIST\n"
		"                          bursts larger than N only for these mechanisms\n"
		"      --spawn spawner|fork|vm  children forked by build/ew-spawner (default, a small\n"
		"                          address space), by exitwatch itself, or sharing its memory\n"
		"                          (CLONE_VM: cheap to create, no mm teardown at exit)\n"
		"      --load-sizes LIST   with load on, run only bursts of these sizes\n"
		"      --reps K            measure every cell (and the floor) K times, 1..100 (default 1):\n"
		"                          independent repetitions, per-repetition figures in \"samples\"\n"
		"  -h, --help\n"
		"\n"
		"Progress goes to stderr; Ctrl-C stops and still writes what was collected.\n"
		"Without root or BPF the run goes on without the tracer and says so.\n"
		"\n"
		"environment:\n"
		"  EXITWATCH_INJECT_DELAY_US=US[:MECHANISM]  (testing the regression gate) the watcher\n"
		"                          of MECHANISM (default: every one) busy-waits US microseconds\n"
		"                          after each notice before taking its user-side stamp\n");
}

static int parse_int(const char *s, int lo, int hi, int *out)
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

static int bad(const char *opt, const char *val, const char *want)
{
	fprintf(stderr, "exitwatch run: %s '%s': %s\n", opt, val, want);
	fprintf(stderr, "Try 'exitwatch --help'.\n");
	return 2;
}

static void on_int(int sig)
{
	ew_interrupted = 1;
}

static int cmd_list(void)
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
static int inject_delay(struct ew_opts *o)
{
	const char *env = getenv("EXITWATCH_INJECT_DELAY_US");
	char num[32], *colon;

	if (!env || !*env)
		return 0;
	snprintf(num, sizeof(num), "%s", env);
	colon = strchr(num, ':');
	if (colon)
		*colon = 0;
	if (parse_int(num, 0, 1000000, &o->inject_delay_us) || strlen(env) >= sizeof(num)) {
		fprintf(stderr, "exitwatch run: EXITWATCH_INJECT_DELAY_US='%s': want US or US:MECHANISM, "
			"US from 0 to 1000000\n", env);
		return 2;
	}
	if (colon) {
		o->inject_mech = ew_mechanism_find(strchr(env, ':') + 1);
		if (!o->inject_mech) {
			fprintf(stderr, "exitwatch run: EXITWATCH_INJECT_DELAY_US='%s': unknown mechanism "
				"(see `exitwatch list`)\n", env);
			return 2;
		}
	}
	if (o->inject_delay_us)
		fprintf(stderr, "exitwatch: EXITWATCH_INJECT_DELAY_US: the watcher of %s busy-waits %d us "
			"after each notice (a deliberately slow watcher, for testing the regression gate)\n",
			o->inject_mech ? o->inject_mech->name : "every mechanism", o->inject_delay_us);
	return 0;
}

enum { O_MIN_EXITS = 256, O_CHURN_MS, O_CHURN_N, O_STAGGER_MS, O_STAGGER_N, O_HEAVY_MB,
	O_HEAVY_N, O_INTERVAL, O_NO_BPF, O_MM_STAMPS, O_NO_REF, O_GAP_MS, O_NO_FLOOR, O_PERTURB, O_NOTE, O_GUEST, O_LARGE_N,
	O_LARGE_MECHS, O_LOAD_SIZES, O_SPAWN, O_REPS, O_HEAVY_ROUNDS, O_NO_MRELEASE, O_NEUTRAL };

/* a list option's own copy, split in place; the previous one is freed */
static int copy_list(char **dup, const char *arg)
{
	free(*dup);
	*dup = strdup(arg);
	return *dup ? 0 : -1;
}

/*
 * `exitwatch run` options into *o: -1 to go on and run, else the exit status
 * (0 after --help, 2 for bad input).  *dup is the copy a list option is split
 * in; each list option frees the one before, and the caller frees the last.
 */
static int parse_run(int argc, char **argv, struct ew_opts *o, char **dup)
{
	static const struct option lo[] = {
		{ "mechanisms", required_argument, 0, 'm' },
		{ "scenarios", required_argument, 0, 's' },
		{ "sizes", required_argument, 0, 'n' },
		{ "load", required_argument, 0, 'l' },
		{ "output", required_argument, 0, 'o' },
		{ "min-exits", required_argument, 0, O_MIN_EXITS },
		{ "churn-ms", required_argument, 0, O_CHURN_MS },
		{ "churn-n", required_argument, 0, O_CHURN_N },
		{ "stagger-ms", required_argument, 0, O_STAGGER_MS },
		{ "stagger-n", required_argument, 0, O_STAGGER_N },
		{ "heavy-mb", required_argument, 0, O_HEAVY_MB },
		{ "heavy-n", required_argument, 0, O_HEAVY_N },
		{ "heavy-rounds", required_argument, 0, O_HEAVY_ROUNDS },
		{ "no-mrelease", no_argument, 0, O_NO_MRELEASE },
		{ "neutrality", required_argument, 0, O_NEUTRAL },
		{ "interval-us", required_argument, 0, O_INTERVAL },
		{ "no-bpf", no_argument, 0, O_NO_BPF },
		{ "mm-stamps", no_argument, 0, O_MM_STAMPS },
		{ "no-ref", no_argument, 0, O_NO_REF },
		{ "gap-ms", required_argument, 0, O_GAP_MS },
		{ "no-floor", no_argument, 0, O_NO_FLOOR },
		{ "perturb-rounds", required_argument, 0, O_PERTURB },
		{ "note", required_argument, 0, O_NOTE },
		{ "guest", no_argument, 0, O_GUEST },
		{ "large-n", required_argument, 0, O_LARGE_N },
		{ "large-mechanisms", required_argument, 0, O_LARGE_MECHS },
		{ "load-sizes", required_argument, 0, O_LOAD_SIZES },
		{ "spawn", required_argument, 0, O_SPAWN },
		{ "reps", required_argument, 0, O_REPS },
		{ "help", no_argument, 0, 'h' },
		{ 0 }
	};
	char *tok, *save;
	int c, v;

	optind = 1;
	while ((c = getopt_long(argc, argv, "m:s:n:l:o:h", lo, NULL)) != -1) {
		switch (c) {
		case 'm':
			o->nmechs = 0;
			if (copy_list(dup, optarg))
				return bad("--mechanisms", optarg, "out of memory");
			for (tok = strtok_r(*dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				const struct watcher_ops *ops = ew_mechanism_find(tok);

				if (!ops)
					return bad("--mechanisms", tok, "unknown mechanism (see `exitwatch list`)");
				if (o->nmechs < EW_MAX_LIST)
					o->mechs[o->nmechs++] = ops;
			}
			if (!o->nmechs)
				return bad("--mechanisms", optarg, "empty list");
			break;
		case 's':
			o->nscen = 0;
			if (copy_list(dup, optarg))
				return bad("--scenarios", optarg, "out of memory");
			for (tok = strtok_r(*dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				int sc = ew_scenario_find(tok);

				if (sc < 0)
					return bad("--scenarios", tok, "want burst, churn, stagger, heavy or reuse");
				if (o->nscen < EW_SC_NR)
					o->scenarios[o->nscen++] = sc;
			}
			if (!o->nscen)
				return bad("--scenarios", optarg, "empty list");
			break;
		case 'n':
			o->nn = 0;
			if (copy_list(dup, optarg))
				return bad("--sizes", optarg, "out of memory");
			for (tok = strtok_r(*dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (parse_int(tok, 1, 10000, &v))
					return bad("--sizes", tok, "want integers from 1 to 10000");
				if (o->nn < EW_MAX_LIST)
					o->ns[o->nn++] = v;
			}
			if (!o->nn)
				return bad("--sizes", optarg, "empty list");
			break;
		case 'l':
			o->nloads = 0;
			if (!strcmp(optarg, "off") || !strcmp(optarg, "both"))
				o->loads[o->nloads++] = 0;
			if (!strcmp(optarg, "on") || !strcmp(optarg, "both"))
				o->loads[o->nloads++] = 1;
			if (!o->nloads)
				return bad("--load", optarg, "want off, on or both");
			break;
		case 'o':
			o->out = optarg;
			break;
		case O_MIN_EXITS:
			if (parse_int(optarg, 1, 1000000, &o->min_exits))
				return bad("--min-exits", optarg, "want 1..1000000");
			break;
		case O_CHURN_MS:
			if (parse_int(optarg, 1, 600000, &o->churn_ms))
				return bad("--churn-ms", optarg, "want 1..600000");
			break;
		case O_CHURN_N:
			if (parse_int(optarg, 1, 10000, &o->churn_n))
				return bad("--churn-n", optarg, "want 1..10000");
			break;
		case O_STAGGER_MS:
			if (parse_int(optarg, 1, 600000, &o->stagger_ms))
				return bad("--stagger-ms", optarg, "want 1..600000");
			break;
		case O_STAGGER_N:
			if (parse_int(optarg, 1, 10000, &o->stagger_n))
				return bad("--stagger-n", optarg, "want 1..10000");
			break;
		case O_HEAVY_MB:
			o->nheavy_mb = 0;
			if (copy_list(dup, optarg))
				return bad("--heavy-mb", optarg, "out of memory");
			for (tok = strtok_r(*dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (parse_int(tok, 0, 4096, &v))
					return bad("--heavy-mb", tok, "want integers from 0 to 4096");
				if (o->nheavy_mb >= EW_MAX_LIST)
					return bad("--heavy-mb", optarg, "at most 16 sizes");
				o->heavy_mbs[o->nheavy_mb++] = v;
			}
			if (!o->nheavy_mb)
				return bad("--heavy-mb", optarg, "empty list");
			break;
		case O_HEAVY_ROUNDS:
			if (parse_int(optarg, 1, 1000, &o->heavy_rounds))
				return bad("--heavy-rounds", optarg, "want 1..1000");
			break;
		case O_NO_MRELEASE:
			o->no_mrelease = 1;
			break;
		case O_NEUTRAL: {
			char *colon = strchr(optarg, ':');

			if (copy_list(dup, optarg))
				return bad("--neutrality", optarg, "out of memory");
			if (colon)
				(*dup)[colon - optarg] = 0;
			if (parse_int(*dup, 0, 50, &o->neutral_pairs) ||
			    (colon && parse_int(colon + 1, 1, 100000, &o->neutral_exits)))
				return bad("--neutrality", optarg, "want PAIRS (0..50) or PAIRS:EXITS (EXITS 1..100000)");
			break;
		}
		case O_HEAVY_N:
			if (parse_int(optarg, 1, 1000, &o->heavy_n))
				return bad("--heavy-n", optarg, "want 1..1000");
			break;
		case O_INTERVAL:
			if (parse_int(optarg, 1, 10000000, &o->interval_us))
				return bad("--interval-us", optarg, "want 1..10000000");
			break;
		case O_NO_BPF:
			o->no_bpf = 1;
			break;
		case O_MM_STAMPS:
			o->mm_stamps = 1;
			break;
		case O_NO_REF:
			o->no_ref = 1;
			break;
		case O_GAP_MS:
			if (parse_int(optarg, 0, 1000, &o->gap_ms))
				return bad("--gap-ms", optarg, "want 0..1000");
			break;
		case O_NO_FLOOR:
			o->no_floor = 1;
			break;
		case O_PERTURB:
			if (parse_int(optarg, 1, 64, &o->perturb_rounds))
				return bad("--perturb-rounds", optarg, "want 1..64");
			break;
		case O_NOTE:
			o->note = optarg;
			break;
		case O_GUEST:
			o->guest = 1;
			break;
		case O_LARGE_N:
			if (parse_int(optarg, 1, 10000, &o->large_n))
				return bad("--large-n", optarg, "want 1..10000");
			break;
		case O_LARGE_MECHS:
			o->nlarge = 0;
			if (copy_list(dup, optarg))
				return bad("--large-mechanisms", optarg, "out of memory");
			for (tok = strtok_r(*dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				const struct watcher_ops *ops = ew_mechanism_find(tok);

				if (!ops)
					return bad("--large-mechanisms", tok, "unknown mechanism (see `exitwatch list`)");
				if (o->nlarge < EW_MAX_LIST)
					o->large_mechs[o->nlarge++] = ops;
			}
			break;
		case O_REPS:
			if (parse_int(optarg, 1, EW_MAX_REPS, &o->reps))
				return bad("--reps", optarg, "want 1..100");
			break;
		case O_SPAWN:
			o->spawn_vm = !strcmp(optarg, "vm");
			o->spawn_self = !strcmp(optarg, "fork");
			if (strcmp(optarg, "spawner") && !o->spawn_vm && !o->spawn_self)
				return bad("--spawn", optarg, "want spawner, fork or vm");
			break;
		case O_LOAD_SIZES:
			o->nload_ns = 0;
			if (copy_list(dup, optarg))
				return bad("--load-sizes", optarg, "out of memory");
			for (tok = strtok_r(*dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
				if (parse_int(tok, 1, 10000, &v))
					return bad("--load-sizes", tok, "want integers from 1 to 10000");
				if (o->nload_ns < EW_MAX_LIST)
					o->load_ns[o->nload_ns++] = v;
			}
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'exitwatch --help'.\n");
			return 2;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "exitwatch run: unexpected argument '%s'\nTry 'exitwatch --help'.\n", argv[optind]);
		return 2;
	}
	if (inject_delay(o))
		return 2;
	return -1;
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
	char *dup = NULL;
	int rc;

	ew_opts_default(&o);
	/* before getopt, which permutes argv */
	o.argv_line = join_args(argc, argv);
	if (!o.argv_line) {
		fprintf(stderr, "exitwatch run: out of memory\n");
		return 2;
	}
	rc = parse_run(argc, argv, &o, &dup);
	free(dup);
	if (rc < 0)
		rc = ew_run(&o);
	free(o.argv_line);
	return rc;
}

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_int };
	sigset_t set;

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
	/* Ctrl-C: stop, keep and write what was collected */
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* SIGCHLD blocked in every thread: sigchld-scan reads it from a signalfd */
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	pthread_sigmask(SIG_BLOCK, &set, NULL);

	if (!strcmp(argv[1], "run")) {
		argv[1] = "exitwatch run";	/* getopt's messages */
		return cmd_run(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "trace")) {
		argv[1] = "exitwatch trace";
		return ew_trace_main(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "list"))
		return cmd_list();
	if (!strcmp(argv[1], "report")) {
		argv[1] = "exitwatch report";
		return ew_report_main(argc - 1, argv + 1);
	}
	if (!strcmp(argv[1], "compare")) {
		argv[1] = "exitwatch compare";
		return ew_compare_main(argc - 1, argv + 1);
	}
	fprintf(stderr, "exitwatch: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return 2;
}
