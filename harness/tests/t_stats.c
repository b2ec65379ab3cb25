// SPDX-License-Identifier: GPL-2.0
/* t_stats: the statistics module against known data. */
#include <math.h>
#include "ktap.h"
#include "run.h"
#include "json.h"

TEST(percentiles_of_1_to_1000)
{
	struct ew_samples s = { 0 };
	struct ew_summary m;

	/* inserted in reverse: the summary must sort */
	for (int i = 1000; i >= 1; i--)
		ASSERT_EQ(ew_samples_add(&s, i), 0);
	m = ew_summarize(&s);
	EXPECT_EQ(m.count, 1000);
	EXPECT_EQ(m.min, 1);
	EXPECT_EQ(m.p50, 500);
	EXPECT_EQ(m.p90, 900);
	EXPECT_EQ(m.p99, 990);
	EXPECT_EQ(m.p999, 999);
	EXPECT_EQ(m.max, 1000);
	EXPECT_TRUE(m.mean > 500.49 && m.mean < 500.51);
	ew_samples_free(&s);
}

TEST(percentiles_small_and_empty)
{
	struct ew_samples s = { 0 };
	struct ew_summary m = ew_summarize(&s);

	EXPECT_EQ(m.count, 0);
	EXPECT_EQ(m.p50, 0);
	ew_samples_add(&s, 42);
	m = ew_summarize(&s);
	EXPECT_EQ(m.p50, 42);
	EXPECT_EQ(m.p999, 42);
	ew_samples_add(&s, 7);
	m = ew_summarize(&s);
	/* nearest rank: p50 of {7, 42} is the first */
	EXPECT_EQ(m.p50, 7);
	EXPECT_EQ(m.p90, 42);
	ew_samples_free(&s);
}

TEST(log2_slots_match_bpf)
{
	EXPECT_EQ(ew_log2_slot(0), 0);
	EXPECT_EQ(ew_log2_slot(1), 0);
	EXPECT_EQ(ew_log2_slot(2), 1);
	EXPECT_EQ(ew_log2_slot(3), 1);
	EXPECT_EQ(ew_log2_slot(1024), 10);
	EXPECT_EQ(ew_log2_slot(1ULL << 39), 39);
}

TEST(hist_percentile)
{
	uint64_t slots[EW_HIST_SLOTS] = { 0 };

	slots[10] = 90;		/* [1024, 2047] */
	slots[20] = 10;
	EXPECT_EQ(ew_hist_percentile(slots, EW_HIST_SLOTS, 0.5), 2047);
	EXPECT_EQ(ew_hist_percentile(slots, EW_HIST_SLOTS, 0.9), 2047);
	EXPECT_EQ(ew_hist_percentile(slots, EW_HIST_SLOTS, 0.95), (1ULL << 21) - 1);
}

TEST(median_double)
{
	double v[] = { 3, 1, 2, 10 };

	EXPECT_TRUE(ew_median_double(v, 4) == 2.5);
	EXPECT_TRUE(ew_median_double(v, 3) == 2);
}

/* two placements with the same p50s on both sides: 1.0 however the shares differ */
TEST(stratified_ratio_ignores_the_mix)
{
	struct ew_summary num[3] = { { .count = 90, .p50 = 40 }, { .count = 10, .p50 = 60 } };
	struct ew_summary den[3] = { { .count = 10, .p50 = 40 }, { .count = 90, .p50 = 60 }, { .count = 5, .p50 = 1 } };
	double share;

	EXPECT_TRUE(ew_stratified_p50_ratio(num, den, 3, &share) == 1.0);
	/* the third stratum, on one side only, is left out and counted out */
	EXPECT_TRUE(share == 200.0 / 205.0);
	/* a slower numerator in one stratum: weighted by both sides' count there */
	num[1].p50 = 120;
	EXPECT_TRUE(fabs(ew_stratified_p50_ratio(num, den, 3, &share) - (100 * 40 + 100 * 120) /
			 (100.0 * 40 + 100.0 * 60)) < 1e-12);
	/* nothing in common */
	num[0].count = num[1].count = 0;
	EXPECT_TRUE(isnan(ew_stratified_p50_ratio(num, den, 3, &share)));
	EXPECT_TRUE(share == 0);
}

/* the stratified ratio where its strata cover >= 80 % of the samples, else the pooled one */
TEST(judged_ratio_falls_back_to_pooled)
{
	EXPECT_TRUE(ew_judged_ratio(1.05, 0.8, 1.2) == 1.05);
	EXPECT_TRUE(ew_judged_ratio(1.05, 0.79, 1.2) == 1.2);
	EXPECT_TRUE(ew_judged_ratio(NAN, 1.0, 1.2) == 1.2);
}

TEST(stage_split_adds_up)
{
	struct ew_event ev;
	uint64_t st[EW_S_NR], sum = 0;

	memset(&ev, 0, sizeof(ev));
	ev.t[EW_T_EXIT] = 1000;
	ev.t[EW_T_MM_START] = 1100;
	ev.t[EW_T_MM_END] = 5100;
	ev.t[EW_T_NOTIFY] = 5300;
	ev.t[EW_T_WAKE] = 5310;
	ev.t[EW_T_RUN] = 6000;
	ew_stage_split(&ev, 6500, st);
	EXPECT_EQ(st[EW_S_EXIT_TO_MM], 100);
	EXPECT_EQ(st[EW_S_MM_TEARDOWN], 4000);
	EXPECT_EQ(st[EW_S_MM_TO_NOTIFY], 200);
	EXPECT_EQ(st[EW_S_NOTIFY_TO_WAKE], 10);
	EXPECT_EQ(st[EW_S_WAKE_TO_RUN], 690);
	EXPECT_EQ(st[EW_S_RUN_TO_USER], 500);
	for (int s = 0; s < EW_S_NR; s++)
		sum += st[s];
	EXPECT_EQ(sum, 5500);
}

TEST(stage_split_folds_missing_and_6_1_layout)
{
	struct ew_event ev;
	uint64_t st[EW_S_NR], sum = 0;

	/* 6.1: mm teardown before the exit tracepoint; a poller has no wake */
	memset(&ev, 0, sizeof(ev));
	ev.t[EW_T_MM_START] = 100;
	ev.t[EW_T_MM_END] = 900;
	ev.t[EW_T_EXIT] = 1000;
	ew_stage_split(&ev, 3000, st);
	EXPECT_EQ(st[EW_S_EXIT_TO_MM], 0);
	EXPECT_EQ(st[EW_S_MM_TEARDOWN], 0);
	EXPECT_EQ(st[EW_S_RUN_TO_USER], 2000);
	for (int s = 0; s < EW_S_NR; s++)
		sum += st[s];
	EXPECT_EQ(sum, 2000);
}

TEST(json_writer_escapes_and_nests)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct ew_json j;

	ASSERT_TRUE(f != NULL);
	ew_json_init(&j, f);
	ew_json_obj(&j, NULL);
	ew_json_str(&j, "s", "a\"b\\c\n");
	ew_json_arr(&j, "a");
	ew_json_u64(&j, NULL, 1);
	ew_json_dbl(&j, NULL, 0.0 / 0.0);
	ew_json_end_arr(&j);
	ew_json_arr_inline(&j, "b");
	ew_json_u64(&j, NULL, 1);
	ew_json_u64(&j, NULL, 2);
	ew_json_end_arr(&j);
	ew_json_obj(&j, "empty");
	ew_json_end_obj(&j);
	ew_json_end_obj(&j);
	fclose(f);
	EXPECT_TRUE(strstr(buf, "\"s\": \"a\\\"b\\\\c\\n\"") != NULL);
	EXPECT_TRUE(strstr(buf, "null") != NULL);
	EXPECT_TRUE(strstr(buf, "\"empty\": {}") != NULL);
	EXPECT_TRUE(strstr(buf, "\"b\": [1, 2]") != NULL);
	free(buf);
}
