// SPDX-License-Identifier: GPL-2.0
/*
 * t_summary: the pure logic of issue 17's report opening and sweep: the
 * ranking and the use-case choices (summary.c), the load verdict (load.c),
 * column alignment (table.c) and memory-freed samples (sweep.c).
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>
#include "ktap.h"
#include "summary.h"
#include "load.h"
#include "table.h"
#include "sweep.h"
#include "neutral.h"

/* four made-up mechanisms: figures in ns */
static void figs4(struct ew_mech_fig *f)
{
	memset(f, 0, 4 * sizeof(*f));
	for (int i = 0; i < 4; i++) {
		f[i].measured = 1;
		f[i].reuse_wrong_pct = NAN;
		f[i].heavy_after_freed = NAN;
		f[i].status_frac = 1;
	}
	f[0] = (struct ew_mech_fig){ "fast-parent", 40e3, 90e3, 5e3, 1, NAN, 9e6, 0, 1, 0, 1 };
	f[1] = (struct ew_mech_fig){ "fd-any", 50e3, 70e3, 3e3, 1, 0, 8e6, 0, 0, 1, 1 };
	f[2] = (struct ew_mech_fig){ "poller", 900e3, 1000e3, 9e3, NAN, 7, 10e6, 0, 0, 0, 1 };
	f[3] = (struct ew_mech_fig){ "wrong-fast", 10e3, 20e3, 1e3, 1, NAN, 1e6, 2, 0, 1, 1 };
}

TEST(rank_puts_wrong_answers_last_then_by_p50)
{
	struct ew_mech_fig f[4];
	int order[4];

	figs4(f);
	ASSERT_EQ(ew_summary_rank(f, 4, order), 4);
	/* wrong-fast is fastest but missed exits; poller is wrong under reuse */
	EXPECT_EQ(order[0], 0);
	EXPECT_EQ(order[1], 1);
	EXPECT_TRUE(order[2] == 2 || order[2] == 3);
	EXPECT_TRUE(ew_fig_wrong(&f[3]));
	EXPECT_TRUE(ew_fig_wrong(&f[2]));
	EXPECT_FALSE(ew_fig_wrong(&f[1]));
	/* an unmeasured mechanism goes last, even with no wrong answer */
	f[0].measured = 0;
	ew_summary_rank(f, 4, order);
	EXPECT_EQ(order[3], 0);
}

TEST(use_case_picks_follow_the_figures)
{
	struct ew_mech_fig f[4];
	char why[512];

	figs4(f);
	/* service manager: status 100 %, lowest p99 -> fd-any (70 us) over fast-parent (90 us) */
	EXPECT_EQ(ew_use_case_pick(f, 4, EW_UC_SERVICE_MANAGER, why, sizeof(why)), 1);
	EXPECT_TRUE(strstr(why, "70.0 us") != NULL);
	/* make the parent's tail better: the choice changes with the figure */
	f[0].t2u_p99 = 60e3;
	EXPECT_EQ(ew_use_case_pick(f, 4, EW_UC_SERVICE_MANAGER, why, sizeof(why)), 0);
	/* low-memory killer: never a parent-only mechanism, even the fastest */
	EXPECT_EQ(ew_use_case_pick(f, 4, EW_UC_LMK, why, sizeof(why)), 1);
	/* event loop: an fd and no wrong answer: wrong-fast's 1 us CPU does not count */
	EXPECT_EQ(ew_use_case_pick(f, 4, EW_UC_EVENT_LOOP, why, sizeof(why)), 1);
	/* non-parent monitor with nobody eligible */
	f[1].errors = 1;
	EXPECT_EQ(ew_use_case_pick(f, 4, EW_UC_NON_PARENT, why, sizeof(why)), -1);
	EXPECT_TRUE(strstr(why, "no measured mechanism") != NULL);
}

TEST(reuse_files_are_read_and_the_worse_source_wins)
{
	char dir[] = "/tmp/t_summary.XXXXXX", path[64];
	struct ew_mech_fig f[3] = { { .name = "proc-poll" }, { .name = "pidfd-epoll" }, { .name = "waitid" } };
	FILE *x;

	for (int i = 0; i < 3; i++)
		f[i].reuse_wrong_pct = NAN;
	ASSERT_TRUE(mkdtemp(dir) != NULL);
	EXPECT_EQ(ew_reuse_read(dir, f, 3), -ENOENT);
	snprintf(path, sizeof(path), "%s/pid_reuse.dat", dir);
	x = fopen(path, "w");
	ASSERT_TRUE(x != NULL);
	fputs("# lag asked proc kill0 pidfd\n1 100 0 0 0\n300 100 50 50 0\n", x);
	fclose(x);
	snprintf(path, sizeof(path), "%s/pid_reuse_harness.dat", dir);
	x = fopen(path, "w");
	ASSERT_TRUE(x != NULL);
	fputs("# mechanism interval n exits missed false\nproc-poll 1000 100 300 0 3 0 300 ok\nwaitid 1000 100 300 0 0 0 300 ok\n", x);
	fclose(x);
	EXPECT_EQ(ew_reuse_read(dir, f, 3), 0);
	EXPECT_TRUE(fabs(f[0].reuse_wrong_pct - 25.0) < 1e-9);	/* 50 of 200, not 3 of 300 */
	EXPECT_TRUE(f[1].reuse_wrong_pct == 0);
	EXPECT_TRUE(f[2].reuse_wrong_pct == 0);
	unlink(path);
	snprintf(path, sizeof(path), "%s/pid_reuse.dat", dir);
	unlink(path);
	rmdir(dir);
}

static struct ew_load_snap snap(double t_s, uint64_t busy, uint64_t steal, uint64_t total, double own_s)
{
	struct ew_load_snap s = { { 0.5, 0.5, 0.5 }, busy, steal, total, (uint64_t)(own_s * 1e9),
				  (uint64_t)(t_s * 1e9), 1 };

	return s;
}

TEST(load_verdict)
{
	struct ew_load l;
	/* 100 ticks/s, 2 CPUs: 200 ticks of capacity per second */
	struct ew_load_snap a = snap(0, 0, 0, 0, 0), b = snap(1, 10, 0, 200, 0), c = snap(11, 1010, 0, 2200, 9.5);

	/* before: 0.1 CPU busy; during: 10 s busy of which 9.5 s ours -> 0.05 CPUs */
	ew_load_judge(&l, &a, &b, &c, 2, 100);
	EXPECT_FALSE(l.busy);
	EXPECT_TRUE(fabs(l.before_busy_cpus - 0.1) < 1e-9);
	EXPECT_TRUE(fabs(l.others_cpus - 0.05) < 1e-9);
	EXPECT_TRUE(strncmp(l.verdict, "quiet machine", 13) == 0);
	/* someone else takes a whole CPU before the run */
	b = snap(1, 100, 0, 200, 0);
	ew_load_judge(&l, &a, &b, &c, 2, 100);
	EXPECT_TRUE(l.busy);
	EXPECT_TRUE(strstr(l.verdict, "BUSY MACHINE") != NULL);
	EXPECT_TRUE(strstr(l.verdict, "before the run") != NULL);
	/* quiet, but 10 % steal during the run */
	b = snap(1, 10, 0, 200, 0);
	c = snap(11, 1010, 200, 2200, 9.5);
	ew_load_judge(&l, &a, &b, &c, 2, 100);
	EXPECT_TRUE(l.busy);
	EXPECT_TRUE(fabs(l.steal_pct - 10.0) < 1e-9);
	EXPECT_TRUE(strstr(l.verdict, "CPU steal") != NULL);
	/* our own CPU never makes the machine busy, even above the tick count */
	c = snap(11, 1010, 0, 2200, 12);
	ew_load_judge(&l, &a, &b, &c, 2, 100);
	EXPECT_FALSE(l.busy);
	EXPECT_TRUE(l.others_cpus == 0);
	/* /proc unreadable: no verdict either way */
	c.ok = 0;
	ew_load_judge(&l, &a, &b, &c, 2, 100);
	EXPECT_FALSE(l.busy);
	EXPECT_TRUE(strstr(l.verdict, "not measured") != NULL);
}

TEST(cell_kinds_and_column_alignment)
{
	const char *nums[] = { "1", "-", "12.5", "1,234", "0.96x", "38 us", "12/12", "**1.27**", "3.4e-16 ratio" };
	const char *texts[] = { "pidfd-epoll", "2026-12-05", "**met**", "100 storm exits; 0 missed", "v6.1" };
	const char *mixed[] = { "12", "waitid" };
	const char *empty[] = { "-", "n/a", "" };

	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++)
		EXPECT_NE(ew_cell_kind(nums[i]), EW_CELL_TEXT);
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		EXPECT_EQ(ew_cell_kind(texts[i]), EW_CELL_TEXT);
	EXPECT_EQ(ew_cell_kind("-"), EW_CELL_EMPTY);
	EXPECT_TRUE(ew_column_numeric(nums, 9));
	EXPECT_FALSE(ew_column_numeric(mixed, 2));
	EXPECT_FALSE(ew_column_numeric(empty, 3));
}

TEST(memory_freed_samples)
{
	struct ew_samples lat[EW_L_NR];
	struct ew_event ev;

	memset(lat, 0, sizeof(lat));
	memset(&ev, 0, sizeof(ev));
	ev.t[EW_T_EXIT] = 1000;
	ev.t[EW_T_MM_END] = 5000;
	/* killed at 400, process_mrelease() returned at 4000 */
	ew_freed_samples(&ev, 400, 4000, lat);
	ASSERT_EQ(lat[EW_L_EXIT_TO_FREED].n, 1);
	EXPECT_EQ(lat[EW_L_EXIT_TO_FREED].v[0], 4000);
	EXPECT_EQ(lat[EW_L_TRIGGER_TO_FREED].v[0], 4600);
	EXPECT_EQ(lat[EW_L_TRIGGER_TO_MRELEASE].v[0], 3600);
	/* no exit_mmap stamp (program not attached): no memory-freed figure at all */
	ev.t[EW_T_MM_END] = 0;
	ew_freed_samples(&ev, 400, 0, lat);
	EXPECT_EQ(lat[EW_L_EXIT_TO_FREED].n, 1);
	EXPECT_EQ(lat[EW_L_TRIGGER_TO_FREED].n, 1);
	EXPECT_EQ(lat[EW_L_TRIGGER_TO_MRELEASE].n, 1);
	for (int l = 0; l < EW_L_NR; l++)
		ew_samples_free(&lat[l]);
}

TEST(neutrality_target_is_the_worst_mechanism)
{
	struct ew_neutral nt;
	char *buf = NULL;
	size_t len = 0;
	FILE *f;
	struct ew_json j;

	memset(&nt, 0, sizeof(nt));
	nt.measured = 1;
	nt.pairs = 8;
	nt.exits_per_block = 100;
	nt.n = 3;
	nt.m[0] = (struct ew_neutral_mech){ .ops = &ew_pidfd_epoll_ops, .ratio = 1.04 };
	nt.m[1] = (struct ew_neutral_mech){ .ops = &ew_waitid_ops, .ratio = 1.12 };
	nt.m[2] = (struct ew_neutral_mech){ .ops = &ew_proc_poll_ops, .ratio = NAN };	/* skipped */
	f = open_memstream(&buf, &len);
	ASSERT_TRUE(f != NULL);
	ew_json_init(&j, f);
	ew_json_arr(&j, NULL);
	ew_neutral_target(&j, &nt);
	nt.m[1].ratio = 1.08;
	ew_neutral_target(&j, &nt);
	ew_json_end_arr(&j);
	fclose(f);
	/* first: waitid's 1.12 fails it; then 1.08 is the worst and it is met */
	EXPECT_TRUE(strstr(buf, "\"measured\": 1.12") != NULL);
	EXPECT_TRUE(strstr(buf, "worst: waitid") != NULL);
	EXPECT_TRUE(strstr(buf, "\"met\": false") != NULL);
	EXPECT_TRUE(strstr(buf, "\"measured\": 1.08") != NULL);
	EXPECT_TRUE(strstr(buf, "\"met\": true") != NULL);
	EXPECT_TRUE(strstr(buf, "proc-poll") == NULL);
	free(buf);
}
