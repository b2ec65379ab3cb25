// SPDX-License-Identifier: GPL-2.0
/*
 * t_compare: the Mann-Whitney U test of `exitwatch compare` against values
 * known by hand and from R's wilcox.test, and against brute-force
 * enumeration of every rank assignment; then `exitwatch compare` itself on
 * the fixtures of harness/tests/fixtures/compare/ (exit 0, 1 and 2).  The
 * real-run side of the gate (an injected slowdown of a live watcher) is in
 * scripts/gate.sh.
 */
#include <math.h>
#include <stdint.h>
#include "ktap.h"
#include "compare.h"

#define FIX EW_TOP "/harness/tests/fixtures/compare/"

static int close_to(double a, double b, double rel)
{
	return fabs(a - b) <= rel * fabs(b);
}

TEST(mwu_separated_3_3_exact_p_is_1_in_10)
{
	double x[] = { 1, 2, 3 }, y[] = { 4, 5, 6 };
	struct ew_mwu r;

	/* R: wilcox.test(1:3, 4:6) -> W = 0, p-value = 0.1 (2 of C(6,3) = 20 orders) */
	ASSERT_EQ(ew_mwu_test(x, 3, y, 3, &r), 0);
	EXPECT_TRUE(r.exact);
	EXPECT_TRUE(r.u == 0);
	EXPECT_TRUE(close_to(r.p, 0.1, 1e-12));
	/* the other way round: U = 3 * 3 - 0, same p */
	ASSERT_EQ(ew_mwu_test(y, 3, x, 3, &r), 0);
	EXPECT_TRUE(r.u == 9);
	EXPECT_TRUE(close_to(r.p, 0.1, 1e-12));
}

TEST(mwu_separated_9_9_is_2_in_48620)
{
	double x[9], y[9];
	struct ew_mwu r;

	for (int i = 0; i < 9; i++) {
		x[i] = 100 + i;
		y[i] = 200 + i;
	}
	/* R: wilcox.test(100:108, 200:208) -> p-value = 4.114e-05 = 2 / choose(18, 9) */
	ASSERT_EQ(ew_mwu_test(x, 9, y, 9, &r), 0);
	EXPECT_TRUE(r.u == 0);
	EXPECT_TRUE(close_to(r.p, 2.0 / 48620, 1e-12));
	TH_LOG("smallest two-sided p with 9 repetitions a side: %.3g", r.p);
}

TEST(mwu_r_documentation_example)
{
	/* ?wilcox.test: "x > y" example, W = 35, one-sided p = 0.1272 */
	double x[] = { 0.80, 0.83, 1.89, 1.04, 1.45, 1.38, 1.91, 1.64, 0.73, 1.46 };
	double y[] = { 1.15, 0.88, 0.90, 0.74, 1.21 };
	struct ew_mwu r;

	ASSERT_EQ(ew_mwu_test(x, 10, y, 5, &r), 0);
	EXPECT_TRUE(r.exact);
	EXPECT_TRUE(r.u == 35);
	TH_LOG("U = %g, two-sided p = %.6f (R: 2 x 0.1272)", r.u, r.p);
	EXPECT_TRUE(fabs(r.p - 2 * 0.1272) < 0.0005);
}

/* every way to choose which nx of the n pooled values are "x" */
static double brute_force_p(const double *x, int nx, const double *y, int ny)
{
	double all[16];
	int n = nx + ny, d2[16];
	long obs = 0, lo = 0, hi = 0, total = 0;

	for (int i = 0; i < nx; i++)
		all[i] = x[i];
	for (int i = 0; i < ny; i++)
		all[nx + i] = y[i];
	/* doubled mid-rank of each value: 2 * (#smaller) + #equal + 1 */
	for (int i = 0; i < n; i++) {
		int less = 0, eq = 0;

		for (int j = 0; j < n; j++) {
			less += all[j] < all[i];
			eq += all[j] == all[i];
		}
		d2[i] = 2 * less + eq + 1;
	}
	for (int i = 0; i < nx; i++)
		obs += d2[i];
	for (uint32_t mask = 0; mask < (1u << n); mask++) {
		long s = 0;

		if (__builtin_popcount(mask) != nx)
			continue;
		for (int i = 0; i < n; i++)
			if (mask & (1u << i))
				s += d2[i];
		total++;
		lo += s <= obs;
		hi += s >= obs;
	}
	return fmin(1, 2.0 * (lo < hi ? lo : hi) / total);
}

TEST(mwu_exact_matches_enumeration_with_ties)
{
	unsigned int seed = 12345;
	int worst = 0;
	double worst_diff = 0;

	for (int trial = 0; trial < 200; trial++) {
		int nx = 2 + trial % 7, ny = 3 + (trial / 7) % 6;
		double x[8], y[8], p;
		struct ew_mwu r;

		/* few distinct values: many ties, within and across the samples */
		for (int i = 0; i < nx; i++)
			x[i] = rand_r(&seed) % 6;
		for (int i = 0; i < ny; i++)
			y[i] = rand_r(&seed) % 6 + (trial % 3);
		ASSERT_EQ(ew_mwu_test(x, nx, y, ny, &r), 0);
		p = brute_force_p(x, nx, y, ny);
		if (fabs(r.p - p) > worst_diff) {
			worst_diff = fabs(r.p - p);
			worst = trial;
		}
	}
	TH_LOG("200 tied samples: largest |p(DP) - p(enumeration)| = %g (trial %d)", worst_diff, worst);
	EXPECT_TRUE(worst_diff < 1e-12);
}

TEST(mwu_normal_approximation_with_ties_by_hand)
{
	/*
	 * x = 1 2 2 3, y = 2 3 3 4: ranks 1 3 3 3 6 6 6 8 (x has 1, 3, 3, 6),
	 * R1 = 13, U = 13 - 10 = 3; mu = 8; ties 3 and 3: sum(t^3 - t) = 48;
	 * var = 16/12 * (9 - 48/56) = 10.857143; z = (3 - 8 + 0.5)/3.295018 =
	 * -1.365698; p = 2 * (1 - Phi(1.365698)) = 0.17203.
	 * R: wilcox.test(c(1,2,2,3), c(2,3,3,4), exact = FALSE) -> W = 3, p = 0.172
	 */
	double x[] = { 1, 2, 2, 3 }, y[] = { 2, 3, 3, 4 };
	struct ew_mwu r;

	ASSERT_EQ(ew_mwu(x, 4, y, 4, 0, &r), 0);
	EXPECT_FALSE(r.exact);
	EXPECT_TRUE(r.u == 3);
	EXPECT_EQ(r.ties, 6);
	TH_LOG("normal approximation p = %.6f (by hand 0.17203)", r.p);
	EXPECT_TRUE(fabs(r.p - 0.17203) < 2e-4);
}

TEST(mwu_normal_approximation_close_to_exact_at_25)
{
	double x[25], y[25];
	unsigned int seed = 7;
	double worst = 0;

	for (int shift = 0; shift <= 40; shift += 5) {
		struct ew_mwu e, a;

		for (int i = 0; i < 25; i++) {
			x[i] = rand_r(&seed) % 1000;
			y[i] = rand_r(&seed) % 1000 + shift * 10;
		}
		ASSERT_EQ(ew_mwu(x, 25, y, 25, 25, &e), 0);
		ASSERT_EQ(ew_mwu(x, 25, y, 25, 0, &a), 0);
		EXPECT_TRUE(e.exact && !a.exact);
		EXPECT_TRUE(e.u == a.u);
		TH_LOG("shift %3d: U %5.1f exact p %.5f normal p %.5f", shift * 10, e.u, e.p, a.p);
		if (fabs(e.p - a.p) > worst)
			worst = fabs(e.p - a.p);
	}
	EXPECT_TRUE(worst < 0.01);
}

TEST(mwu_identical_values_p_is_1)
{
	double x[12], y[12];
	struct ew_mwu r;

	for (int i = 0; i < 12; i++)
		x[i] = y[i] = 42;
	ASSERT_EQ(ew_mwu(x, 12, y, 12, 30, &r), 0);
	EXPECT_TRUE(r.p == 1);
	ASSERT_EQ(ew_mwu(x, 12, y, 12, 0, &r), 0);
	EXPECT_TRUE(r.p == 1);
	EXPECT_TRUE(r.u == 72);
	EXPECT_EQ(ew_mwu_test(x, 0, y, 12, &r), -1);
}

TEST(mwu_large_samples_use_normal_approximation)
{
	double x[40], y[40];
	struct ew_mwu r;

	for (int i = 0; i < 40; i++) {
		x[i] = i;
		y[i] = i + 0.5;
	}
	ASSERT_EQ(ew_mwu_test(x, 40, y, 40, &r), 0);
	EXPECT_FALSE(r.exact);
	/*
	 * U = sum over x of the y below it = 0 + 1 + ... + 39 = 780; mu = 800,
	 * var = 1600 * 81 / 12 = 10800, z = (780 - 800 + 0.5) / 103.923 = -0.18764,
	 * p = 2 * (1 - Phi(0.18764)) = 0.85116
	 */
	EXPECT_TRUE(r.u == 780);
	TH_LOG("U = %g, p = %.5f (by hand 0.85116)", r.u, r.p);
	EXPECT_TRUE(fabs(r.p - 0.85116) < 2e-4);
}

TEST(direction_rule_and_spread)
{
	double v[] = { 9, 10, 11 };

	EXPECT_TRUE(ew_metric_higher_is_better("exits_per_s"));
	EXPECT_TRUE(ew_metric_higher_is_better("fork_exit_reap_per_s"));
	EXPECT_FALSE(ew_metric_higher_is_better("watcher_cpu_ns_per_exit"));
	EXPECT_FALSE(ew_metric_higher_is_better("real_time_ns"));
	EXPECT_FALSE(ew_metric_higher_is_better("per_s_x"));
	/* sd of 9 10 11 is 1, mean 10 */
	EXPECT_TRUE(close_to(ew_spread_pct(v, 3), 10, 1e-12));
}

/* runs `exitwatch compare ARGS...` with output to a file; its exit status */
static int run_compare(const char *out, const char *a, const char *b, const char *extra)
{
	pid_t pid = fork();
	int st;

	if (pid < 0)
		return -1;
	if (!pid) {
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);

		if (fd < 0)
			_exit(99);
		dup2(fd, 1);
		dup2(fd, 2);
		close(fd);
		if (extra)
			execl(EW_BIN, EW_BIN, "compare", extra, a, b, (char *)NULL);
		else
			execl(EW_BIN, EW_BIN, "compare", a, b, (char *)NULL);
		_exit(98);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* does the file contain the string? */
static int file_has(const char *path, const char *needle)
{
	char buf[65536];
	FILE *f = fopen(path, "r");
	size_t n;

	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	return strstr(buf, needle) != NULL;
}

static void show(const char *path)
{
	char line[512];
	FILE *f = fopen(path, "r");

	while (f && fgets(line, sizeof(line), f))
		TH_LOG("  %.*s", (int)strcspn(line, "\n"), line);
	if (f)
		fclose(f);
}

TEST(compare_same_data_exit_0)
{
	char out[] = "/tmp/t_compare.XXXXXX";
	int fd = mkstemp(out);

	ASSERT_GE(fd, 0);
	close(fd);
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "old.json", NULL), 0);
	/* other draws around the same values, and one cell only in NEW */
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "same.json", NULL), 0);
	show(out);
	EXPECT_TRUE(file_has(out, "only in NEW: burst n=10 load=off pidfd-info"));
	EXPECT_FALSE(file_has(out, "REGRESSION  "));
	unlink(out);
}

TEST(compare_doubled_watcher_cost_exit_1)
{
	char out[] = "/tmp/t_compare.XXXXXX";
	int fd = mkstemp(out);

	ASSERT_GE(fd, 0);
	close(fd);
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "slow.json", NULL), 1);
	show(out);
	EXPECT_TRUE(file_has(out, "REGRESSION  watcher_cpu_ns_per_exit"));
	EXPECT_TRUE(file_has(out, "REGRESSION  exits_per_s"));
	/* the other way round it is an improvement */
	EXPECT_EQ(run_compare(out, FIX "slow.json", FIX "old.json", NULL), 0);
	EXPECT_TRUE(file_has(out, "better      watcher_cpu_ns_per_exit"));
	/* a 150 % threshold: a doubling is below it */
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "slow.json", "--threshold=150"), 0);
	/* only the metric that did not move */
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "slow.json", "--metric=syscalls_per_exit"), 0);
	/* Google Benchmark repetitions */
	EXPECT_EQ(run_compare(out, FIX "gbench-old.json", FIX "gbench-slow.json", NULL), 1);
	EXPECT_TRUE(file_has(out, "REGRESSION  real_time_ns"));
	EXPECT_EQ(run_compare(out, FIX "gbench-old.json", FIX "gbench-old.json", NULL), 0);
	/* pooled: two files a side */
	EXPECT_EQ(run_compare(out, FIX "old.json," FIX "same.json", FIX "slow.json," FIX "slow.json",
			      NULL), 1);
	unlink(out);
}

/* LEN 0: strlen(DATA) */
static void write_file(const char *path, const char *data, size_t len)
{
	FILE *f = fopen(path, "w");

	if (!len)
		len = strlen(data);
	ASSERT_TRUE(f != NULL);
	ASSERT_EQ(fwrite(data, 1, len, f), len);
	ASSERT_EQ(fclose(f), 0);
}

TEST(compare_bad_input_exit_2)
{
	char out[] = "/tmp/t_compare.XXXXXX", bad[] = "/tmp/t_compare_in.XXXXXX";
	char buf[8192];
	int fd = mkstemp(out), bfd = mkstemp(bad);
	FILE *f;
	size_t n;

	ASSERT_GE(fd, 0);
	ASSERT_GE(bfd, 0);
	close(fd);
	close(bfd);
	/* missing file */
	EXPECT_EQ(run_compare(out, FIX "old.json", "/nonexistent/new.json", NULL), 2);
	EXPECT_TRUE(file_has(out, "/nonexistent/new.json"));
	show(out);
	/* truncated: the first half of a good file */
	f = fopen(FIX "old.json", "r");
	ASSERT_TRUE(f != NULL);
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	write_file(bad, buf, n / 2);
	EXPECT_EQ(run_compare(out, FIX "old.json", bad, NULL), 2);
	EXPECT_TRUE(file_has(out, bad));
	show(out);
	/* empty */
	ASSERT_EQ(truncate(bad, 0), 0);
	EXPECT_EQ(run_compare(out, bad, FIX "old.json", NULL), 2);
	show(out);
	/* JSON, but not ours */
	write_file(bad, "[1, 2, 3]\n", 10);
	EXPECT_EQ(run_compare(out, FIX "old.json", bad, NULL), 2);
	show(out);
	/* a sample that is not a number */
	write_file(bad, "{\"schema\": \"exitwatch-results/2\", \"runs\": [{\"scenario\": \"burst\", "
		   "\"n\": 1, \"load\": false, \"mechanism\": \"waitid\", \"samples\": "
		   "{\"exits_per_s\": [1, \"x\"]}}]}", 0);
	EXPECT_EQ(run_compare(out, FIX "old.json", bad, NULL), 2);
	show(out);
	/* a schema-1 file has no per-repetition samples */
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "schema1.json", NULL), 2);
	EXPECT_TRUE(file_has(out, "no per-repetition samples"));
	show(out);
	/* mismatched kinds: exitwatch results against Google Benchmark */
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "gbench-old.json", NULL), 2);
	EXPECT_TRUE(file_has(out, "nothing to compare"));
	show(out);
	/* nothing in common among the chosen metrics */
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "same.json", "--metric=no_such_metric"), 2);
	show(out);
	/* bad option value */
	EXPECT_EQ(run_compare(out, FIX "old.json", FIX "same.json", "--alpha=2"), 2);
	unlink(bad);
	unlink(out);
}
