// SPDX-License-Identifier: GPL-2.0
/*
 * report_steps.c - the sections of the report that other steps measure:
 * each step judges what it measured and writes JSON (harness/SCHEMA.md);
 * here it is only formatted.
 */
#include <libgen.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "report_steps.h"

/* "2026-12-05T06:05:00Z" -> "2026-12-05 06:05 UTC" */
static const char *when(const char *iso)
{
	struct tm tm = { 0 };
	static char buf[64];

	if (!strptime(iso, "%Y-%m-%dT%H:%M:%SZ", &tm))
		return "?";
	strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M UTC", &tm);
	return buf;
}

/* one cell of the matrix: the counts of its KTAP results, what SPEC says */
static const char *matrix_cell(const struct jv *c)
{
	const char *v = S(c, "verdict"), *j = S(c, "judgement"), *text, *note = "";
	double pass = N(c, "pass"), fail = N(c, "fail"), skip = N(c, "skip");

	if (!strcmp(v, "none"))
		text = "not run";
	else if (!strcmp(v, "fail"))
		text = fmt("**FAIL** (%g pass, %g fail, %g skip)", pass, fail, skip);
	else if (!strcmp(v, "skip"))
		text = fmt("skip (%g)", skip);
	else if (skip)
		text = fmt("pass (%g, %g skip)", pass, skip);
	else
		text = fmt("pass (%g)", pass);
	if (!strcmp(j, "passes_where_absent"))
		note = " **(spec: skip; passes where the feature is absent)**";
	else if (!strcmp(j, "differs"))
		note = fmt(" (spec: %s)", S(c, "spec"));
	return fmt("%s%s", text, note);
}

/* the budget column: the rule and whether it was met, as budgets.sh judged it */
static const char *budget_cell(const struct jv *r)
{
	const char *v = S(r, "verdict"), *rule = S(r, "rule"), *note = S(r, "note");

	if (!strcmp(v, "met") || !strcmp(v, "broken"))
		return fmt("%s: %s%s", rule, !strcmp(v, "met") ? "met" : "**BROKEN**",
			   *note ? fmt(" (%s)", note) : "");
	if (!strcmp(v, "not_measured"))
		return fmt("**not measured**%s", *note ? fmt(": %s", note) : "");
	if (!strcmp(v, "no_btf"))
		return "no BTF";
	return "-";
}

/* the size, slab and reference budgets of the series (scripts/budgets.sh) */
static void sec_budgets(struct out *o, const struct jv *b)
{
	static const char *const head[] = { "quantity", "base 6.1", "patched 6.1", "change", "budget" };
	const struct jv *rows = jv_get(b, "rows");

	h2(o, "Budgets of the series (scripts/budgets.sh)");
	para(o, fmt("Sizes, from the two guest kernels' BTF and ELF, and the guests' slab and reference counts "
		    "(`scripts/budgets.sh`, %s):", when(S(b, "date"))));
	row(o, 1, 5, head);
	for (size_t i = 0; rows && i < rows->len; i++) {
		const struct jv *r = &rows->items[i];
		const char *cells[] = { S(r, "quantity"), S(r, "base"), S(r, "patched"), S(r, "change"),
					budget_cell(r) };

		row(o, 0, 5, cells);
	}
	table_end(o);
}

void sec_matrix(struct out *o, const char *path)
{
	char err[512];
	struct jv *m = path ? jv_parse_file(path, err, sizeof(err)) : NULL;
	const struct jv *cols, *rows;
	const char *cells[OUT_MAX_COLS];
	int n;

	if (!m || strcmp(S(m, "schema"), "exitwatch-matrix/1")) {
		h2(o, "Conformance matrix");
		para(o, fmt("Not run: %s does not exist (`make check` writes it).", path ? path : "build/matrix.json"));
		jv_free(m);
		return;
	}
	h2(o, fmt("Conformance matrix (from make check, written %s)", when(S(m, "date"))));
	cols = jv_get(m, "columns");
	rows = jv_get(m, "rows");
	n = cols ? (int)cols->len : 0;
	if (n > OUT_MAX_COLS - 1)
		n = OUT_MAX_COLS - 1;
	cells[0] = "feature";
	for (int c = 0; c < n; c++)
		cells[c + 1] = fmt("%s (%s)", S(&cols->items[c], "title"), S(&cols->items[c], "kernel"));
	row(o, 1, n + 1, cells);
	for (size_t r = 0; rows && r < rows->len; r++) {
		const struct jv *cs = jv_get(&rows->items[r], "cells");

		cells[0] = S(&rows->items[r], "title");
		for (int c = 0; c < n; c++)
			cells[c + 1] = cs && (size_t)c < cs->len ? matrix_cell(&cs->items[c]) : "";
		row(o, 0, n + 1, cells);
	}
	table_end(o);
	para(o, "Cells count KTAP results: pass = ran and passed, skip = the kernel lacks the feature (reason in "
		"the .tap), not run = no output.\n(spec: X) marks a cell that differs from SPEC section 1's target "
		"matrix.");
	jv_free(m);
}

/* 1234567 -> "1,234,567" */
static const char *thousands(double v)
{
	char digits[32], out[48];
	int n, k = 0;

	n = snprintf(digits, sizeof(digits), "%.0f", fabs(v));
	for (int i = 0; i < n; i++) {
		if (i && (n - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = 0;
	return fmt("%s%s", v < 0 ? "-" : "", out);
}

/* a relative change in %, two decimals, always signed ("-0.00" for a tiny fall) */
static const char *signed_pct(double pct)
{
	long r = labs(lround(pct * 100));

	return fmt("%s%ld.%02ld", pct < 0 ? "-" : "+", r / 100, r % 100);
}

static const struct jv *cost_op(const struct jv *run, const char *name)
{
	return named(jv_get(run, "operations"), name);
}

/* an operation in kernel i: its instructions and the change from the kernel before it */
static const char *cost_cell(const struct jv *runs, size_t i, const char *name)
{
	const struct jv *c = cost_op(&runs->items[i], name), *p = i ? cost_op(&runs->items[i - 1], name) : NULL;
	double m = N(c, "median"), pm = N(p, "median");

	if (!c || !B(c, "present"))
		return "absent";
	if (!i)
		return thousands(m);
	if (!p || !B(p, "present"))
		return fmt("%s<br>new", thousands(m));
	if (m == pm)
		return fmt("%s<br>=", thousands(m));
	return fmt("%s<br>%s %% (%s%s)", thousands(m), signed_pct((m - pm) / pm * 100), m > pm ? "+" : "",
		   thousands(m - pm));
}

static const char *const cost_ops_text =
	"Operations: `fork_exit_reap` fork, `_exit(0)`, waitpid; `clone3_kill_epoll_waitid_pidfd` clone3(CLONE_PIDFD) of a\n"
	"child that blocks, SIGKILL through the pidfd, the pidfd's epoll notice, waitid(P_PIDFD) (`_all`: waitid(P_ALL));\n"
	"`kill_to_epoll_notice` the part from pidfd_send_signal to epoll_wait's return; `stage_*` the same cut at\n"
	"`sched_process_exit` by a BPF program that stamps bpf_ktime_get_ns() there (same unit; attached for these\n"
	"three only, its own ~550 instructions included), plus epoll notice to reaped (waitid(P_PIDFD)); `pidfd_get_info_*` one\n"
	"PIDFD_GET_INFO ioctl (live: PID|CREDS; reaped: EXIT); `pidfd_send_signal_*` SIGUSR1 to itself through a pidfd,\n"
	"PIDFD_SELF_THREAD, PIDFD_SELF_THREAD_GROUP, delivery included; `thread_*` pthread_create + exit + join (with a\n"
	"PIDFD_THREAD pidfd polled for the exit); `fork_exec_exit_reap` fork + execve of a 1-page static program;\n"
	"`burst100_*` 100 blocked children released at once, release to last reap, per exit;\n"
	"`clone3_autoreap_kill_epoll_info` the clone3_kill_epoll_waitid_pidfd cycle for a CLONE_AUTOREAP child (F9):\n"
	"no wait, the notice is the pidfd's EPOLLHUP at the autoreap, then PIDFD_GET_INFO(EXIT) for the status;\n"
	"`kill_to_autoreap_notice` its pidfd_send_signal to epoll_wait part; `*_late` the zombie cycle and its kill -> notice\n"
	"again, measured right before the autoreap ones: an operation's figure depends on where in the run it is measured\n"
	"(the same in every kernel), so the autoreap figures are compared with these. Source: `bench/cost_suite.c`.";

/* issue 15: does skipping the zombie make notification cheaper? (the last kernel with CLONE_AUTOREAP) */
static void cost_autoreap(struct out *o, const struct jv *runs)
{
	const struct jv *r = NULL;
	double cyc, zcyc, note, znote;

	for (size_t i = 0; i < runs->len; i++)
		if (B(cost_op(&runs->items[i], "clone3_autoreap_kill_epoll_info"), "present"))
			r = &runs->items[i];
	if (!r) {
		para(o, "Skipping the zombie (CLONE_AUTOREAP): no kernel above has the flag.");
		return;
	}
	cyc = N(cost_op(r, "clone3_autoreap_kill_epoll_info"), "median");
	zcyc = N(cost_op(r, "clone3_kill_epoll_waitid_pidfd_late"), "median");
	note = N(cost_op(r, "kill_to_autoreap_notice"), "median");
	znote = N(cost_op(r, "kill_to_epoll_notice_late"), "median");
	para(o, fmt("Skipping the zombie (CLONE_AUTOREAP), in `%s`: the whole cycle (create, kill, notice, status) is "
		    "%.0f instructions against %.0f with a zombie reaped by waitid(P_PIDFD), measured beside it (%.10g %%); "
		    "kill -> notice is %.0f against %.0f (%.10g %%): the autoreaped child is noticed at its release "
		    "(EPOLLHUP), the other at its exit (EPOLLIN), before its reap.", S(r, "label"), cyc, zcyc,
		    round((cyc - zcyc) / zcyc * 10000) / 100, note, znote, round((note - znote) / znote * 10000) / 100));
}

/* the exact cost in guest instructions (scripts/cost.sh: results/cost/section.json) */
static void sec_cost(struct out *o, const struct jv *d, const char *base)
{
	const struct jv *runs = jv_get(d, "runs"), *cols = jv_get(d, "columns"), *ops;
	const char *cells[OUT_MAX_COLS];
	size_t n = runs ? runs->len : 0;

	if (!n || n > OUT_MAX_COLS - 1)
		return;
	h2(o, "Exact cost: guest instructions per operation");
	para(o, fmt("Made by `make cost` (`%s`) on %s, host load average %s at the end.\n"
		    "Each figure is the median over %g repetitions (%g for the bursts, per exit) of\n"
		    "guest CLOCK_MONOTONIC in a QEMU TCG guest with `-icount shift=0,sleep=off`, where 1 ns is one guest\n"
		    "instruction (user and kernel; `calibrate_200000_insns`, 100,000 x dec/jnz, checks it in every run). Each\n"
		    "kernel booted twice; the largest difference between its two boots is in the last row (target <= %g %%).\n"
		    "Cells: instructions, then the change against the column to the left. Instructions, not cycles: caches,\n"
		    "TLBs and lock contention are not in these figures (the wall-clock A/B, `make ab`, is for those).\n"
		    "Which figure to trust for what: these repeat to the instruction between boots, whatever the host runs,\n"
		    "so a difference between kernels comes from the kernels (their code, or where their data lands), not from\n"
		    "noise; the wall-clock A/B's run-to-run spread\n"
		    "(`results/ab/section.json`) is tens of percent on this machine, so it only shows large effects, but it\n"
		    "is the one that sees cache, contention and latency effects.",
		    S(d, "command"), S(d, "date"), S(d, "host_loadavg_end"), N(d, "reps"), N(d, "burst_reps"),
		    N(d, "determinism_target_pct")));
	cells[0] = "operation";
	for (size_t i = 0; i < n; i++)
		cells[i + 1] = S(&runs->items[i], "label");
	row(o, 1, n + 1, cells);
	ops = jv_get(&runs->items[0], "operations");
	for (size_t k = 0; ops && k < ops->len; k++) {
		const char *name = S(&ops->items[k], "name");

		char *own[OUT_MAX_COLS];

		/* a row takes more fmt() strings than its ring holds: each cell kept */
		own[0] = strdup(fmt("`%s`%s", name, !strcmp(S(&ops->items[k], "per"), "exit") ? " (per exit)" : ""));
		for (size_t i = 0; i < n; i++)
			own[i + 1] = strdup(cost_cell(runs, i, name));
		row(o, 0, n + 1, (const char *const *)own);
		for (size_t i = 0; i <= n; i++)
			free(own[i]);
	}
	cells[0] = "boots differ by";
	for (size_t i = 0; i < n; i++)
		cells[i + 1] = fmt("%.10g %%", round(N(&runs->items[i], "determinism.max_boot_diff_pct") * 1e4) / 1e4);
	row(o, 0, n + 1, cells);
	table_end(o);

	para(o, "Columns:");
	for (size_t i = 0; cols && i < cols->len; i++) {
		const struct jv *c = &cols->items[i];
		const char *k = S(c, "kernel");

		if (!strcmp(k, "base"))
			item(o, fmt("base: Debian's %s with no patches", S(c, "linux")));
		else if (!strcmp(k, "patched"))
			item(o, fmt("patched: the whole series (%g patches)", N(c, "patches_applied")));
		else
			item(o, fmt("%s: after `%s`", S(c, "label"), S(c, "patch")));
	}
	list_end(o);
	para(o, cost_ops_text);
	cost_autoreap(o, runs);
	image_ref(o, "guest instructions per operation, change against base", base, "cost.svg");
	para(o, fmt("Environment: %s; kernels built with %s;\n"
		    "data: `results/cost/cost.json` (schema `exitwatch-cost/1`, harness/SCHEMA.md).",
		    S(&runs->items[0], "key.qemu"), S(&runs->items[0], "key.gcc")));
}

/* an A/B figure: whole above 1000, one decimal above 10, else two */
static const char *ab_figure(double x)
{
	return fmt(x >= 1000 ? "%.0f" : x >= 10 ? "%.1f" : "%.2f", x);
}

static const char *ab_spread(const struct jv *sp)
{
	const struct jv *cost = jv_get(sp, "cost");
	const char *a = fmt("Run-to-run spread of the two methods: this wall-clock A/B's repetitions spread by %s %% (median)\n"
			    "and up to %s %% over its %g quantities on both kernels (`exitwatch compare`'s spread column), so\n"
			    "it resolves only effects of tens of percent; it is the method that sees caches, contention and real\n",
			    S(sp, "median_pct"), S(sp, "max_pct"), N(sp, "quantities"));

	if (!cost || cost->type != JV_OBJ)
		return fmt("%slatency. The exact cost (`make cost`) was not found (%s): run it for the other method's spread.",
			   a, S(sp, "cost_file"));
	return fmt("%slatency. The exact cost (`make cost`, results/cost/) repeats between two boots of a kernel to "
		   "%.10g %% (largest difference over %g kernels, made %s), so it resolves a single instruction, but "
		   "counts instructions, not time: trust it for what a patch adds to a code path, and this A/B for what "
		   "that costs on a real machine.", a, N(cost, "max_boot_diff_pct"), N(cost, "kernels"),
		   S(cost, "created"));
}

/* the wall-clock A/B of base and patched guests (scripts/ab-section.sh: results/ab/section.json) */
static void sec_ab(struct out *o, const struct jv *d, const char *base)
{
	static const char *const head[] = { "quantity", "unit", "base 6.1", "patched 6.1", "patched/base", "p",
					    "rounds patched > base" };
	const struct jv *rows = jv_get(d, "rows"), *kb = jv_get(d, "kernels_built"), *one = jv_get(d, "one_kernel_only");
	char built[1024] = "";
	const char *alpha = fmt("%g", N(d, "alpha"));

	for (size_t i = 0; kb && i < kb->len; i++)
		snprintf(built + strlen(built), sizeof(built) - strlen(built), "%s%s", i ? "; " : "",
			 jv_str(&kb->items[i], ""));
	h2(o, "Patch efficiency: the series against Debian's 6.1 (make ab)");
	para(o, fmt("Made by `make ab` (scripts/ab.sh) on %s, in %.0f min: %g boots of each\n"
		    "kernel under QEMU TCG (2 vCPUs), in the order base, patched, base, patched, ... so that\n"
		    "drift of the host's load falls on both alike; each boot measured %g repetitions of every cell,\n"
		    "of the floor and of each micro-benchmark, so each kernel has %g repetitions per figure.\n"
		    "base: `%s`; patched: `%s` (%s).\n"
		    "Tracer (BPF) in the base guest: %s; in the patched guest: %s.\n"
		    "Guest clock: the TSC at the host's rate (`tsc_early_khz=%.0f tsc=reliable`: without it these\n"
		    "tinyconfig guests fall back to the 4 ms jiffies clock).",
		    when(S(d, "date")), floor(N(d, "seconds") / 60), N(d, "rounds"), N(d, "reps"),
		    N(d, "rounds") * N(d, "reps"), S(d, "kernel_base"), S(d, "kernel_patched"), built,
		    S(d, "tracer_base"), S(d, "tracer_patched"), N(d, "tsc_khz")));
	para(o, fmt("**TCG timings are fit for A/B ratios, not absolute latencies**: QEMU emulates the CPU, so\n"
		    "every figure below is many times the host's; two kernels run under the same emulator,\n"
		    "interleaved, can be compared by their ratio. Figures are medians over the repetitions;\n"
		    "patched/base is the ratio of the medians (for a rate, above 1 is better; for a time, below 1);\n"
		    "p is the two-sided Mann-Whitney U p-value of `exitwatch compare` on the repetitions\n"
		    "(exact distribution); **bold**: p < %s. The last column counts the rounds (a base boot and the\n"
		    "patched boot after it) whose patched median is above the base median: a difference that the\n"
		    "kernels make shows in most rounds, one that a burst of host load makes shows in one or two.\n"
		    "With %zu quantities, about %g of them would show p < %s by chance alone.", alpha,
		    rows ? rows->len : 0, N(d, "expected_by_chance"), alpha));
	row(o, 1, 7, head);
	for (size_t i = 0; rows && i < rows->len; i++) {
		const struct jv *r = &rows->items[i];
		double ratio = N(r, "ratio");
		const char *rs = isfinite(ratio) ? fmt("%.3f", ratio) : "-";
		const char *cells[] = {
			S(r, "label"), S(r, "unit"), ab_figure(N(r, "base")), ab_figure(N(r, "patched")),
			B(r, "significant") ? fmt("**%s**", rs) : rs,
			fmt("%s%s", S(r, "p"), B(r, "too_few") ? fmt(" (n=%g/%g: too few)", N(r, "n_base"),
								     N(r, "n_patched")) : ""),
			fmt("%g/%g", N(r, "rounds_up"), N(r, "rounds")),
		};

		row(o, 0, 7, cells);
	}
	table_end(o);
	if (one && one->len) {
		para(o, "Measured on one kernel only (OLD = base, NEW = patched):");
		for (size_t i = 0; i < one->len; i++)
			item(o, jv_str(&one->items[i], ""));
		list_end(o);
	}
	para(o, ab_spread(jv_get(d, "spread")));
	image_ref(o, "patched/base ratios", base, S(d, "plots.ratios"));
	image_ref(o, "per-boot repetitions", base, S(d, "plots.boots"));
	para(o, "Every comparison (all metrics, spread, verdicts): `compare-ew.txt`, `compare-bench.txt`\n"
		"beside this file; the per-boot JSON is in `data/`. Again: `make ab`, or\n"
		"`build/exitwatch compare results/ab/data/base/ew results/ab/data/patched/ew`.");
}

static void rel_bad_input(struct out *o, const struct jv *bad)
{
	static const char *const head[] = { "kernel", "cases tried", "result", "command", "run" };

	h3(o, "Bad input (tests/f8_bad_input.c)");
	para(o, "Every undefined flag bit of pidfd_open, pidfd_send_signal, pidfd_getfd, process_madvise,\n"
		"process_mrelease, waitid(P_PIDFD) options and clone3 flags; PIDFD_GET_INFO with every size\n"
		"0..4096 through the ioctl size encoding, other directions and numbers, undefined mask bits;\n"
		"NULL, unmapped, PROT_NONE, read-only, kernel and page-straddling pointers; closed fds and\n"
		"fds that are not pidfds (memfd, a binary, /dev/null, epoll, socket, eventfd, pipe, nsfd) in\n"
		"every pidfd-taking call; a pidfd from outside the caller's pid namespace; PIDFD_SELF_* in\n"
		"every call; clone3 sizes 0..63, above a page, with a dirty tail, and bad flag combinations\n"
		"(CLONE_PIDFD|CLONE_THREAD without CLONE_SIGHAND, CLONE_WAIT_PIDFD with CLONE_THREAD, ...).\n"
		"The expected errno of each case is this machine's kernel's; each case is asserted.");
	row(o, 1, 5, head);
	for (size_t i = 0; bad && i < bad->len; i++) {
		const struct jv *b = &bad->items[i];
		int run = B(b, "run");
		const char *cells[] = {
			run ? fmt("%s (%s)", S(b, "kernel"), S(b, "kver")) : S(b, "kernel"),
			run ? (*S(b, "cases") ? S(b, "cases") : "?") : "not run", run ? S(b, "result") : "",
			fmt("`%s`", S(b, "command")), run ? S(b, "when") : "",
		};

		row(o, 0, 5, cells);
	}
	table_end(o);
	para(o, "Where the reference answers differently from SPEC's text or from 6.1 for reasons outside\n"
		"pidfds, the test says which: GET_INFO of a pid outside the caller's namespace is EREMOTE on\n"
		"6.18 and ESRCH in SPEC F4 (the 6.1 series), both accepted; PIDFD_GET_INFO on an epoll fd\n"
		"is EINVAL where epoll has ioctls (6.9+) and ENOTTY before. waitid(P_PIDFD) with an\n"
		"unmapped infop and no WNOWAIT reaps the child and then fails with EFAULT, losing the\n"
		"status, on 6.1 and 6.18 alike; with WNOWAIT nothing is lost. Both are asserted.");
}

static void rel_stress(struct out *o, const struct jv *stress)
{
	h3(o, "Fork-storm stress (tests/stress_fork_storm.c)");
	para(o, "A burst (all children blocked on one pipe, a pidfd each, released at once) and a churn\n"
		"(clone3(CLONE_PIDFD), at most 64 alive), with 4 epoll pollers (one-shot EPOLLIN) and 2\n"
		"PIDFD_GET_INFO readers running throughout. Checked: every child reaped exactly once with the\n"
		"status it exited with, every pidfd reporting the exit exactly once, PIDFD_INFO_EXIT equal to\n"
		"the wait status, no zombie, no fd left, and (debug guest: own pid cache, nothing else\n"
		"forking) the \"pid\" slab back to where it started.");
	for (size_t i = 0; stress && i < stress->len; i++) {
		const struct jv *t = &stress->items[i];
		int debug = !strcmp(S(t, "kernel"), "debug");

		para(o, fmt("**%s (%s)**, `%s`%s, %s: %s", S(t, "kernel"), S(t, "kver"), S(t, "command"),
			    debug ? " (the debug guest puts EW_STRESS_CHILDREN=10000 EW_STRESS_CHURN=5000 on its command line)" : "",
			    S(t, "when"), S(t, "totals")));
		code(o, jv_get(t, "lines"));
	}
}

static void rel_kernel_reports(struct out *o, const struct jv *dbg, const struct jv *canary)
{
	h3(o, "Kernel reports (debug guest)");
	if (B(dbg, "run")) {
		const struct jv *leaks = jv_get(dbg, "leaks");

		item(o, fmt("`make vm-test KERNEL=debug` (the whole suite, the 6.1 pidfd selftests and the stress\n"
			    "  above), %s: %s;\n"
			    "  %g dmesg lines matching a splat pattern (BUG, WARNING incl. lockdep and RCU-lockdep,\n"
			    "  KASAN, sleep-in-atomic, RCU stalls, hung tasks, oopses); %s unreferenced objects after\n"
			    "  two kmemleak scans; lockdep at the end: %s.", S(dbg, "when"),
			    *S(dbg, "verdict") ? S(dbg, "verdict") : "no verdict", N(dbg, "splat_lines"),
			    leaks && leaks->type == JV_NUM ? fmt("%g", leaks->num) : "no kmemleak report, so no count of",
			    *S(dbg, "lockdep") ? S(dbg, "lockdep") : "not recorded"));
		list_end(o);
	} else {
		para(o, "The debug guest has not been run: `make vm-test KERNEL=debug`.");
	}
	if (canary && canary->type == JV_OBJ) {
		para(o, fmt("The gate can fail: `make check-debug` first boots the debug guest with a test-only module\n"
			    "(tests/meta/splat_canary.c) that makes KASAN, WARN, kmemleak, might_sleep and lockdep each\n"
			    "report once, for real; vm-test failed that run (%s) and showed:", S(canary, "when")));
		code(o, jv_get(canary, "lines"));
	}
}

static const char *count_pct(const struct jv *x, const char *what)
{
	return fmt("%g (%.1f %%)", N(x, fmt("%s_wrong", what)), N(x, fmt("%s_pct", what)));
}

static void rel_pid_reuse(struct out *o, const struct jv *pr, const char *base)
{
	static const char *const head[] = { "time since the death", "asked", "proc-poll wrong", "kill0-poll wrong",
					    "pidfd wrong" };
	static const char *const hhead[] = { "mechanism", "poll interval", "children per burst", "exits", "missed",
					     "false", "duplicate", "noticed" };
	const struct jv *lags = jv_get(pr, "lags"), *wrap = jv_get(pr, "wrap"), *h = jv_get(pr, "harness");

	h3(o, "Pid reuse (scripts/pid-reuse.sh)");
	if (!pr || pr->type != JV_OBJ) {
		para(o, "Not run yet: `scripts/pid-reuse.sh`.");
		return;
	}
	para(o, fmt("%sEach round forks 50 victims, kills and reaps them, then asks at each lag whether each one\n"
		    "is still alive; every \"alive\" is wrong. Command: `scripts/pid-reuse.sh`\n"
		    "(`tests/stress_pid_reuse.c` in a patched guest).",
		    *S(pr, "where") ? fmt("In %s.\n", S(pr, "where")) : ""));
	row(o, 1, 5, head);
	for (size_t i = 0; lags && i < lags->len; i++) {
		const struct jv *l = &lags->items[i];
		const char *cells[] = { fmt("%g ms", N(l, "lag_ms")), fmt("%g", N(l, "asked")), count_pct(l, "proc_poll"),
					count_pct(l, "kill0_poll"), fmt("%g", N(l, "pidfd_wrong")) };

		row(o, 0, 5, cells);
	}
	if (wrap && wrap->type == JV_OBJ) {
		const char *cells[] = {
			fmt("after the recycler went through the pid space (%s)", S(wrap, "what")), fmt("%g", N(wrap, "asked")),
			count_pct(wrap, "proc_poll"), count_pct(wrap, "kill0_poll"), fmt("%g", N(wrap, "pidfd_wrong")),
		};

		row(o, 0, 5, cells);
	}
	table_end(o);
	image_ref(o, "pid reuse: wrong answers per 100 questions", base, S(pr, "plot"));
	if (!h || h->type != JV_OBJ)
		return;
	para(o, fmt("The harness's `reuse` scenario in %s:\n`%s`.", S(h, "where"), S(h, "command")));
	row(o, 1, 8, hhead);
	for (size_t i = 0; jv_get(h, "rows") && i < jv_get(h, "rows")->len; i++) {
		const struct jv *r = &jv_get(h, "rows")->items[i];
		const char *cells[] = { S(r, "mechanism"), fmt("%g ms", N(r, "interval_us") / 1000), fmt("%g", N(r, "n")),
					fmt("%g", N(r, "exits")), fmt("%g", N(r, "missed")), fmt("%g", N(r, "false")),
					fmt("%g", N(r, "duplicate")), fmt("%g", N(r, "noticed")) };

		row(o, 0, 8, cells);
	}
	table_end(o);
}

/* bad input, stress, kernel reports, pid reuse, fuzzing (scripts/reliability-section.sh) */
static void sec_reliability(struct out *o, const struct jv *d, const char *base)
{
	const struct jv *fuzz = jv_get(d, "fuzz");

	h2(o, "Reliability");
	para(o, "Bad input, a fork-storm stress, fault injection and pid reuse, on the debug kernel\n"
		"(KASAN, lockdep, PROVE_RCU, DEBUG_ATOMIC_SLEEP, kmemleak, failslab and fail_page_alloc:\n"
		"`kernel-patches/config/debug.config` over `base.config`, the whole series applied) and on\n"
		"the other kernels. Every figure below was copied by `scripts/reliability-section.sh` from\n"
		"the output of the command named beside it.");
	rel_bad_input(o, jv_get(d, "bad_input"));
	rel_stress(o, jv_get(d, "stress"));
	rel_kernel_reports(o, jv_get(d, "debug"), jv_get(d, "canary"));
	rel_pid_reuse(o, jv_get(d, "pid_reuse"), base);
	h3(o, "The command line under garbage (scripts/fuzz-cli.sh)");
	if (fuzz && fuzz->type == JV_OBJ) {
		para(o, fmt("`make fuzz-cli` (%s), exitwatch built with\n`-fsanitize=address,undefined`:", S(fuzz, "when")));
		code(o, jv_get(fuzz, "lines"));
	} else {
		para(o, "Not run yet: `make fuzz-cli`.");
	}
}

int sec_json(struct out *o, const char *path)
{
	char err[512];
	struct jv *d = jv_parse_file(path, err, sizeof(err));
	const char *schema = d ? S(d, "schema") : "";
	char dir[PATH_MAX];
	int rc = 0;

	if (!d) {
		fprintf(stderr, "exitwatch report: %s\n", err);
		return -1;
	}
	snprintf(dir, sizeof(dir), "%s", path);
	if (!strcmp(schema, "exitwatch-budgets/1")) {
		sec_budgets(o, d);
	} else if (!strcmp(schema, "exitwatch-cost-section/1")) {
		sec_cost(o, d, dirname(dir));
	} else if (!strcmp(schema, "exitwatch-ab/1")) {
		sec_ab(o, d, dirname(dir));
	} else if (!strcmp(schema, "exitwatch-reliability/1")) {
		sec_reliability(o, d, dirname(dir));
	} else {
		fprintf(stderr, "exitwatch report: %s: no section of schema \"%s\"\n", path, schema);
		rc = -1;
	}
	jv_free(d);
	return rc;
}
