// SPDX-License-Identifier: GPL-2.0
/*
 * t_run: the exitwatch command end to end: usage errors, the JSON schema
 * round trip (harness/SCHEMA.md: written by json.c, read back by jsonr,
 * written again and compared), --reps samples, the inject-delay switch,
 * BPF exit->user agreeing with the user-side figure, and a storm of 10,000
 * exits accounted for with no loss.
 */
#include <math.h>
#include <sys/stat.h>
#include "ktap.h"
#include "json.h"
#include "jsonr.h"

#ifndef EW_BIN
#define EW_BIN "build/exitwatch"
#endif

static int sh(const char *fmt, ...)
{
	char cmd[4096];
	va_list ap;
	int r;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	r = system(cmd);
	if (r == -1)
		return -1;
	return WIFEXITED(r) ? WEXITSTATUS(r) : 128 + WTERMSIG(r);
}

static void need_bin(void)
{
	if (access(EW_BIN, X_OK))
		SKIP("%s not built", EW_BIN);
}

static void need_bpf(void)
{
	if (geteuid() != 0)
		SKIP("needs root for the BPF tracer");
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("kernel has no BTF");
}

static struct jv *load(const char *path)
{
	char err[512];
	struct jv *d = jv_parse_file(path, err, sizeof(err));

	if (!d)
		TH_LOG("%s", err);
	return d;
}

/* ---- a jsonr tree written back with json.c ---- */

static void write_jv(struct ew_json *j, const char *key, const struct jv *v)
{
	switch (v->type) {
	case JV_NULL:
		ew_json_null(j, key);
		break;
	case JV_BOOL:
		ew_json_bool(j, key, v->boolean);
		break;
	case JV_NUM:
		/* integers as integers: %.10g would round a 13-digit one */
		if (v->num == floor(v->num) && fabs(v->num) < 9e15)
			ew_json_i64(j, key, (int64_t)v->num);
		else
			ew_json_dbl(j, key, v->num);
		break;
	case JV_STR:
		ew_json_str(j, key, v->str);
		break;
	case JV_ARR:
		ew_json_arr(j, key);
		for (size_t i = 0; i < v->len; i++)
			write_jv(j, NULL, &v->items[i]);
		ew_json_end_arr(j);
		break;
	case JV_OBJ:
		ew_json_obj(j, key);
		for (size_t i = 0; i < v->len; i++)
			write_jv(j, v->keys[i], &v->items[i]);
		ew_json_end_obj(j);
		break;
	}
}

/* same type, value, order and keys; names the first difference */
static int jv_equal(const struct jv *a, const struct jv *b, const char *where)
{
	char sub[512];

	if (a->type != b->type) {
		TH_LOG("%s: type %d vs %d", where, a->type, b->type);
		return 0;
	}
	switch (a->type) {
	case JV_NULL:
		return 1;
	case JV_BOOL:
		if (a->boolean != b->boolean)
			TH_LOG("%s: %d vs %d", where, a->boolean, b->boolean);
		return a->boolean == b->boolean;
	case JV_NUM:
		if (a->num != b->num)
			TH_LOG("%s: %.17g vs %.17g", where, a->num, b->num);
		return a->num == b->num;
	case JV_STR:
		if (a->len != b->len || memcmp(a->str, b->str, a->len))
			TH_LOG("%s: \"%s\" vs \"%s\"", where, a->str, b->str);
		return a->len == b->len && !memcmp(a->str, b->str, a->len);
	case JV_ARR:
	case JV_OBJ:
		if (a->len != b->len) {
			TH_LOG("%s: %zu vs %zu elements", where, a->len, b->len);
			return 0;
		}
		for (size_t i = 0; i < a->len; i++) {
			if (a->type == JV_OBJ) {
				if (strcmp(a->keys[i], b->keys[i])) {
					TH_LOG("%s: key %s vs %s", where, a->keys[i], b->keys[i]);
					return 0;
				}
				snprintf(sub, sizeof(sub), "%.400s.%s", where, a->keys[i]);
			} else {
				snprintf(sub, sizeof(sub), "%.400s.%zu", where, i);
			}
			if (!jv_equal(&a->items[i], &b->items[i], sub))
				return 0;
		}
		return 1;
	}
	return 0;
}

static const struct jv *find_run(const struct jv *d, const char *mech)
{
	const struct jv *runs = jv_get(d, "runs");

	for (size_t i = 0; runs && i < runs->len; i++)
		if (!strcmp(jv_str(jv_get(&runs->items[i], "mechanism"), ""), mech))
			return &runs->items[i];
	return NULL;
}

static const char *S_(const struct jv *v, const char *key)
{
	return jv_str(jv_get(v, key), "");
}

static double num(const struct jv *v, const char *path)
{
	const struct jv *x = jv_path(v, path);

	if (!jv_is_num(x))
		TH_LOG("%s: not a number", path);
	return jv_num(x, NAN);
}

static int has_keys(const struct jv *obj, const char *const *keys, const char *what)
{
	int ok = 1;

	for (int i = 0; keys[i]; i++)
		if (!jv_get(obj, keys[i])) {
			TH_LOG("%s: key %s missing", what, keys[i]);
			ok = 0;
		}
	return ok;
}

static const char *const top_keys[] = {
	"schema", "tool", "machine", "tracer", "options", "floor", "perturbation", "mechanisms",
	"runs", "targets", NULL,
};
static const char *const run_keys[] = {
	"scenario", "n", "load", "mechanism", "status", "repetitions", "samples", "rounds",
	"exits", "count", "lost", "detection_errors", "exit_status", "bpf", "exits_per_s",
	"watcher_cpu_ns", "watcher_cpu_ns_per_exit", "syscalls_per_exit", "latency_ns",
	"cdf_metric", "cdf_ns", NULL,
};
static const char *const sample_keys[] = {
	"exits_per_s", "watcher_cpu_ns_per_exit", "syscalls_per_exit", "trigger_to_user_p50_ns",
	"trigger_to_user_p99_ns", "exit_to_user_p50_ns", "exit_to_user_p99_ns",
	"exit_to_wake_p50_ns", NULL,
};
static const char *const summary_keys[] = {
	"count", "min", "p50", "p90", "p99", "p99_9", "max", "mean", NULL,
};
static const char *const target_names[] = {
	"observer_perturbation", "nothing_lost", "pidfd_wake_vs_floor", "storm_rate_vs_raw",
	"pidfd_epoll_scaling", "stage_sum", NULL,
};

/* every sample array has reps entries, numbers or null */
static void check_samples(const struct jv *run, int reps)
{
	const struct jv *s = jv_get(run, "samples");

	ASSERT_TRUE(s && s->type == JV_OBJ);
	EXPECT_TRUE(has_keys(s, sample_keys, "samples"));
	for (size_t i = 0; i < s->len; i++) {
		const struct jv *a = &s->items[i];

		EXPECT_EQ(a->type, JV_ARR);
		EXPECT_EQ(a->len, reps);
		for (size_t k = 0; k < a->len; k++)
			EXPECT_TRUE(a->items[k].type == JV_NUM || a->items[k].type == JV_NULL);
	}
}

TEST(usage_errors_exit_2)
{
	need_bin();
	EXPECT_EQ(sh("%s >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s bogus >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run --bogus >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run -n 0 >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run -m nosuch >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run -s nosuch >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run --reps 0 >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run --reps 101 >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("EXITWATCH_INJECT_DELAY_US=abc %s run >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("EXITWATCH_INJECT_DELAY_US=10:nosuch %s run >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s trace -d x >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s compare /nonexistent/a /nonexistent/b >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s --help >/dev/null 2>&1", EW_BIN), 0);
	EXPECT_EQ(sh("%s run --help >/dev/null 2>&1", EW_BIN), 0);
	EXPECT_EQ(sh("%s list >/dev/null 2>&1", EW_BIN), 0);
}

TEST_TIMEOUT(json_schema_round_trip, 150)
{
	const char *path = "/tmp/ew_t_schema.json", *again = "/tmp/ew_t_schema2.json";
	const struct jv *runs, *tg, *fs;
	struct jv *d, *d2;
	struct ew_json j;
	FILE *f;
	int reuse_skipped = 0;

	need_bin();
	ASSERT_EQ(sh("%s run -s burst,churn,reuse -n 1,3 --min-exits 6 --churn-ms 100 --reps 2 "
		     "--perturb-rounds 1 -o %s 2>/dev/null", EW_BIN, path), 0);
	d = load(path);
	ASSERT_TRUE(d != NULL);
	EXPECT_TRUE(!strcmp(jv_str(jv_get(d, "schema"), ""), "exitwatch-results/2"));
	EXPECT_TRUE(has_keys(d, top_keys, "top level"));
	EXPECT_EQ(jv_get(jv_get(d, "tracer"), "enabled")->type, JV_BOOL);
	EXPECT_EQ(num(d, "options.reps"), 2);
	EXPECT_EQ(num(d, "options.inject_delay_us"), 0);
	EXPECT_EQ(jv_get(d, "mechanisms")->len, 10);
	for (size_t i = 0; i < jv_get(d, "mechanisms")->len; i++) {
		const struct jv *m = jv_at(jv_get(d, "mechanisms"), i);

		EXPECT_TRUE(jv_get(m, "available")->boolean || *jv_str(jv_get(m, "skip_reason"), ""));
	}
	/* the floor: a summary over both repetitions, and one figure per repetition */
	fs = jv_path(d, "floor.samples");
	EXPECT_EQ(num(d, "floor.repetitions"), 2);
	EXPECT_EQ(jv_get(fs, "pipe_pingpong_one_way_ns") ? jv_get(fs, "pipe_pingpong_one_way_ns")->len : 0, 2);
	EXPECT_EQ(jv_get(fs, "fork_exit_reap_per_s") ? jv_get(fs, "fork_exit_reap_per_s")->len : 0, 2);
	runs = jv_get(d, "runs");
	ASSERT_TRUE(runs && runs->len > 0);
	for (size_t i = 0; i < runs->len; i++) {
		const struct jv *r = &runs->items[i], *lat, *cdf;
		double lo = INFINITY, hi = -INFINITY, all;

		if (!strcmp(jv_str(jv_get(r, "status"), ""), "skipped")) {
			EXPECT_TRUE(*jv_str(jv_get(r, "skip_reason"), ""));
			reuse_skipped |= !strcmp(jv_str(jv_get(r, "scenario"), ""), "reuse");
			continue;
		}
		EXPECT_TRUE(has_keys(r, run_keys, jv_str(jv_get(r, "mechanism"), "?")));
		EXPECT_EQ(num(r, "repetitions"), 2);
		check_samples(r, 2);
		/* combined figures: count + missed == exits over both repetitions */
		EXPECT_EQ(num(r, "count") + num(r, "detection_errors.missed"), num(r, "exits"));
		cdf = jv_get(r, "cdf_ns");
		ASSERT_TRUE(cdf && cdf->len == 101);
		for (size_t q = 1; q < cdf->len; q++)
			EXPECT_LE(cdf->items[q - 1].num, cdf->items[q].num);
		lat = jv_get(r, "latency_ns");
		for (size_t l = 0; lat && l < lat->len; l++) {
			const struct jv *s = &lat->items[l];

			EXPECT_TRUE(has_keys(s, summary_keys, lat->keys[l]));
			EXPECT_TRUE(num(s, "min") <= num(s, "p50") && num(s, "p50") <= num(s, "p90") &&
				    num(s, "p90") <= num(s, "p99") && num(s, "p99") <= num(s, "p99_9") &&
				    num(s, "p99_9") <= num(s, "max"));
		}
		/*
		 * the combined rate (all noticed / all spans) is the mediant of
		 * the per-repetition rates: between the smallest and the largest
		 */
		for (int k = 0; k < 2; k++) {
			double x = jv_num(jv_at(jv_path(r, "samples.exits_per_s"), k), NAN);

			EXPECT_TRUE(isfinite(x));
			lo = x < lo ? x : lo;
			hi = x > hi ? x : hi;
		}
		all = num(r, "exits_per_s");
		EXPECT_TRUE(all >= lo * (1 - 1e-8) && all <= hi * (1 + 1e-8));
	}
	EXPECT_TRUE(reuse_skipped);
	tg = jv_get(d, "targets");
	for (int t = 0; target_names[t]; t++) {
		int found = 0;

		for (size_t i = 0; tg && i < tg->len; i++) {
			const struct jv *met = jv_get(&tg->items[i], "met");

			if (strcmp(jv_str(jv_get(&tg->items[i], "name"), ""), target_names[t]))
				continue;
			found = 1;
			EXPECT_TRUE(met && (met->type == JV_BOOL || met->type == JV_NULL));
		}
		if (!found)
			TH_LOG("target %s missing", target_names[t]);
		EXPECT_TRUE(found);
	}
	/* round trip: written again with json.c, read again, the same document */
	f = fopen(again, "w");
	ASSERT_TRUE(f != NULL);
	ew_json_init(&j, f);
	write_jv(&j, NULL, d);
	fclose(f);
	d2 = load(again);
	ASSERT_TRUE(d2 != NULL);
	EXPECT_TRUE(jv_equal(d, d2, "$"));
	jv_free(d);
	jv_free(d2);
	unlink(path);
	unlink(again);
}

TEST_TIMEOUT(no_bpf_run_says_so, 60)
{
	const char *path = "/tmp/ew_t_nobpf.json";
	const struct jv *runs, *tg;
	struct jv *d;

	need_bin();
	ASSERT_EQ(sh("%s run -m pidfd-epoll,waitid -n 2 --min-exits 4 --no-floor --no-bpf "
		     "-o %s 2>/dev/null", EW_BIN, path), 0);
	d = load(path);
	ASSERT_TRUE(d != NULL);
	EXPECT_FALSE(jv_path(d, "tracer.enabled")->boolean);
	EXPECT_TRUE(*jv_str(jv_path(d, "tracer.reason"), ""));
	runs = jv_get(d, "runs");
	ASSERT_TRUE(runs && runs->len == 2);
	for (size_t i = 0; i < runs->len; i++) {
		const struct jv *r = &runs->items[i];

		EXPECT_TRUE(!strcmp(jv_str(jv_get(r, "status"), ""), "ok"));
		EXPECT_TRUE(jv_path(r, "latency_ns.trigger_to_user") != NULL);
		EXPECT_TRUE(jv_path(r, "latency_ns.exit_to_user") == NULL);
		EXPECT_EQ(num(r, "detection_errors.missed"), 0);
		/* not measured without the tracer: null, not 0 */
		EXPECT_EQ(jv_path(r, "samples.exit_to_user_p50_ns.0")->type, JV_NULL);
		EXPECT_EQ(jv_path(r, "samples.trigger_to_user_p50_ns.0")->type, JV_NUM);
	}
	tg = jv_get(d, "targets");
	for (size_t i = 0; tg && i < tg->len; i++)
		if (!strcmp(jv_str(jv_get(&tg->items[i], "name"), ""), "nothing_lost"))
			EXPECT_EQ(jv_get(&tg->items[i], "met")->type, JV_NULL);
	jv_free(d);
	unlink(path);
}

TEST_TIMEOUT(inject_delay_slows_only_that_watcher, 60)
{
	const char *path = "/tmp/ew_t_inject.json";
	const struct jv *slow, *fast;
	struct jv *d;

	need_bin();
	ASSERT_EQ(sh("EXITWATCH_INJECT_DELAY_US=20000:waitid %s run -m pidfd-epoll,waitid -n 1 "
		     "--min-exits 5 --no-floor --no-bpf -o %s 2>/tmp/ew_t_inject.err", EW_BIN, path), 0);
	/* stderr says so */
	EXPECT_EQ(sh("grep -q 'busy-waits 20000 us' /tmp/ew_t_inject.err"), 0);
	unlink("/tmp/ew_t_inject.err");
	d = load(path);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(num(d, "options.inject_delay_us"), 20000);
	EXPECT_TRUE(!strcmp(jv_str(jv_path(d, "options.inject_delay_mechanism"), ""), "waitid"));
	slow = find_run(d, "waitid");
	fast = find_run(d, "pidfd-epoll");
	ASSERT_TRUE(slow && fast);
	/* every notice of the slowed watcher comes at least 20 ms after the kill */
	EXPECT_GE(num(slow, "latency_ns.trigger_to_user.min"), 20000000);
	EXPECT_EQ(num(slow, "detection_errors.missed"), 0);
	EXPECT_EQ(num(fast, "detection_errors.missed"), 0);
	jv_free(d);
	unlink(path);
}

TEST_TIMEOUT(bpf_exit_to_user_matches_user_side, 120)
{
	const char *path = "/tmp/ew_t_agree.json";
	const struct jv *runs;
	struct jv *d;

	need_bin();
	need_bpf();
	/* stagger: each child stamps CLOCK_MONOTONIC just before _exit() */
	ASSERT_EQ(sh("%s run -s stagger -m pidfd-epoll,waitid --stagger-n 100 --stagger-ms 200 "
		     "--no-floor -o %s 2>/dev/null", EW_BIN, path), 0);
	d = load(path);
	ASSERT_TRUE(d != NULL);
	ASSERT_TRUE(jv_path(d, "tracer.enabled")->boolean);
	runs = jv_get(d, "runs");
	ASSERT_TRUE(runs && runs->len == 2);
	for (size_t i = 0; i < runs->len; i++) {
		const struct jv *r = &runs->items[i];
		double user = num(r, "latency_ns.trigger_to_user.mean");
		double bpf = num(r, "latency_ns.exit_to_user.mean") + num(r, "latency_ns.begin_to_exit.mean");
		double diff = user - bpf, tol = user * 0.05 > 50e3 ? user * 0.05 : 50e3;

		EXPECT_EQ(num(r, "bpf.missing"), 0);
		EXPECT_EQ(num(r, "latency_ns.trigger_to_user.count"), num(r, "latency_ns.exit_to_user.count"));
		EXPECT_EQ(num(r, "latency_ns.trigger_to_user.count"), num(r, "latency_ns.begin_to_exit.count"));
		/* the child's stamp comes a syscall entry before the BPF exit start */
		TH_LOG("%s: user-side %.1f us, BPF exit start->user %.1f us, difference %.1f us (tolerance %.1f)",
		       jv_str(jv_get(r, "mechanism"), "?"), user / 1e3, bpf / 1e3, diff / 1e3, tol / 1e3);
		EXPECT_TRUE(diff >= 0 && diff < tol);
		if (jv_get(r, "stages_mean_ns")) {
			double e2u = num(r, "exit_to_user_mean_ns");

			EXPECT_TRUE(fabs(num(r, "stages_sum_mean_ns") - e2u) <= 0.01 * e2u);
		}
	}
	jv_free(d);
	unlink(path);
}

TEST_TIMEOUT(storm_of_10000_exits_no_loss, 175)
{
	const char *path = "/tmp/ew_t_storm.json";
	const struct jv *r;
	struct jv *d;

	need_bin();
	need_bpf();
	ASSERT_EQ(sh("%s run -m pidfd-epoll -n 10000 --min-exits 10000 --no-floor --spawn vm "
		     "-o %s 2>/dev/null", EW_BIN, path), 0);
	d = load(path);
	ASSERT_TRUE(d != NULL);
	r = jv_path(d, "runs.0");
	ASSERT_TRUE(r != NULL);
	EXPECT_EQ(num(r, "exits"), 10000);
	EXPECT_EQ(num(r, "count"), 10000);
	EXPECT_EQ(num(r, "detection_errors.missed"), 0);
	EXPECT_EQ(num(r, "detection_errors.false"), 0);
	EXPECT_EQ(num(r, "detection_errors.duplicate"), 0);
	EXPECT_EQ(num(r, "lost"), 0);
	EXPECT_EQ(num(r, "bpf.missing"), 0);
	EXPECT_EQ(num(r, "bpf.records"), 10000);
	EXPECT_EQ(num(r, "bpf.ringbuf_drops"), 0);
	EXPECT_EQ(num(r, "exit_status.recovered"), 10000);
	jv_free(d);
	unlink(path);
}

static int file_has(const char *path, const char *needle)
{
	return sh("grep -qF -- '%s' %s", needle, path) == 0;
}

TEST_TIMEOUT(report_writes_md_html_and_plots, 120)
{
	const char *dir = "/tmp/ew_t_report";
	static const char *const files[] = {
		"report.md", "report.html", "latency_cdf.svg", "latency_cdf.png", "latency_cdf.gp",
		"latency_vs_n.svg", "latency_vs_n.png", "cpu_vs_n.svg", "cpu_vs_n.png", NULL,
	};
	char path[256];

	need_bin();
	if (sh("command -v gnuplot >/dev/null 2>&1"))
		SKIP("gnuplot missing (scripts/setup.sh installs it)");
	ASSERT_EQ(sh("rm -rf %s && mkdir -p %s/latest %s/ab", dir, dir, dir), 0);
	ASSERT_EQ(sh("%s run -m pidfd-epoll,waitid,uring-waitid -n 1,4 --min-exits 4 --no-floor --no-bpf "
		     "-o %s/latest/results.json 2>/dev/null", EW_BIN, dir), 0);
	/* a section written by another tool, its image beside it */
	ASSERT_EQ(sh("printf '## A/B section\\n\\n![A/B plot](ab_plot.png)\\n\\n| a | b |\\n|---|---|\\n| 1 | 2 |\\n'"
		     " >%s/ab/section.md && printf '\\211PNG\\r\\n\\032\\n' >%s/ab/ab_plot.png", dir, dir), 0);
	ASSERT_EQ(sh("%s report -d %s/latest -S %s/ab/section.md -S %s/nonexistent/section.md "
		     "%s/latest/results.json 2>/dev/null", EW_BIN, dir, dir, dir, dir), 0);
	for (int i = 0; files[i]; i++) {
		struct stat st;

		snprintf(path, sizeof(path), "%s/latest/%s", dir, files[i]);
		if (stat(path, &st) || !st.st_size)
			TH_LOG("%s missing or empty", path);
		EXPECT_TRUE(!stat(path, &st) && st.st_size > 0);
	}
	snprintf(path, sizeof(path), "%s/latest/report.md", dir);
	EXPECT_TRUE(file_has(path, "## SPEC targets"));
	EXPECT_TRUE(file_has(path, "## Mechanisms"));
	EXPECT_TRUE(file_has(path, "## Floor and observer perturbation"));
	EXPECT_TRUE(file_has(path, "## Conformance matrix"));
	EXPECT_TRUE(file_has(path, "BPF tracer: **off**"));
	/* the skipped mechanism (or a measured one on 6.7+) is listed either way */
	EXPECT_TRUE(file_has(path, "| uring-waitid |"));
	/* the section's image link, relative to the report now */
	EXPECT_TRUE(file_has(path, "![A/B plot](../ab/ab_plot.png)"));
	snprintf(path, sizeof(path), "%s/latest/report.html", dir);
	EXPECT_TRUE(file_has(path, "data:image/svg+xml;base64,"));
	EXPECT_TRUE(file_has(path, "<img alt=\"A/B plot\" src=\"data:image/png;base64,iVBORw0K"));
	EXPECT_FALSE(file_has(path, "src=\"latency_cdf"));
	/* bad input: exit 2, nothing written over */
	EXPECT_EQ(sh("%s report >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s report /nonexistent.json >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s report -d %s/latest %s/ab/section.md >/dev/null 2>&1", EW_BIN, dir, dir), 2);
	EXPECT_EQ(sh("echo '{\"schema\": \"other\"}' >%s/x.json && %s report -d %s/latest %s/x.json "
		     ">/dev/null 2>&1", dir, EW_BIN, dir, dir), 2);
	EXPECT_EQ(sh("%s report --help >/dev/null 2>&1", EW_BIN), 0);
	EXPECT_TRUE(file_has(path, "data:image/svg+xml;base64,"));
	sh("rm -rf %s", dir);
}

/*
 * reuse's pid recycler is a process forked during the cell: it must neither
 * keep closed pidfds alive in an epoll set (duplicate notices) nor be reaped
 * by the waitid mechanisms (a notice for no child of ours).  pid_max is left
 * alone here (EXITWATCH_KEEP_PID_MAX), so this is safe outside a guest.
 */
TEST_TIMEOUT(reuse_recycler_is_invisible_to_watchers, 120)
{
	const char *path = "/tmp/ew_t_reuse.json";
	const struct jv *runs;
	struct jv *d;

	need_bin();
	ASSERT_EQ(sh("EXITWATCH_KEEP_PID_MAX=1 %s run -s reuse --guest -m pidfd-epoll,pidfd-info,waitid,"
		     "sigchld-scan --no-floor --no-bpf -o %s 2>/dev/null", EW_BIN, path), 0);
	d = load(path);
	ASSERT_TRUE(d != NULL);
	runs = jv_get(d, "runs");
	ASSERT_TRUE(runs && runs->len == 4);
	for (size_t i = 0; i < runs->len; i++) {
		const struct jv *r = &runs->items[i];

		if (!strcmp(S_(r, "status"), "skipped"))
			continue;	/* pidfd-info before 6.13 */
		TH_LOG("%s: missed %g false %g duplicate %g", S_(r, "mechanism"), num(r, "detection_errors.missed"),
		       num(r, "detection_errors.false"), num(r, "detection_errors.duplicate"));
		EXPECT_EQ(num(r, "exits"), 300);	/* reuse: 3 bursts of 100 */
		EXPECT_EQ(num(r, "detection_errors.missed"), 0);
		EXPECT_EQ(num(r, "detection_errors.false"), 0);
		EXPECT_EQ(num(r, "detection_errors.duplicate"), 0);
	}
	jv_free(d);
	unlink(path);
}
