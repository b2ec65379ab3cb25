// SPDX-License-Identifier: GPL-2.0
/*
 * t_json: the results writer (json.c) against the reader (jsonr.c): what
 * one writes, the other reads back with the same values, and the writer's
 * special cases (escapes, non-finite numbers, large integers, empty
 * containers, one-line arrays) survive the trip.
 */
#include <math.h>
#include "ktap.h"
#include "json.h"
#include "jsonr.h"

static char *write_doc(size_t *len)
{
	char *buf = NULL;
	FILE *f = open_memstream(&buf, len);
	struct ew_json j;

	if (!f)
		return NULL;
	ew_json_init(&j, f);
	ew_json_obj(&j, NULL);
	ew_json_str(&j, "schema", "exitwatch-results/2");
	ew_json_str(&j, "escapes", "quote \" backslash \\ newline \n tab \t bell \a end");
	ew_json_str(&j, "utf8", "p\xc3\xa9rf \xe2\x86\x92 ok");
	ew_json_str(&j, "nullstr", NULL);
	ew_json_u64(&j, "u64", 9007199254740992ULL);	/* 2^53: exact in a double */
	ew_json_i64(&j, "neg", -42);
	ew_json_dbl(&j, "dbl", 317.9474736);
	ew_json_dbl(&j, "tiny", 1.5e-9);
	ew_json_dbl(&j, "nan", NAN);
	ew_json_dbl(&j, "inf", INFINITY);
	ew_json_bool(&j, "yes", 1);
	ew_json_bool(&j, "no", 0);
	ew_json_null(&j, "nothing");
	ew_json_obj(&j, "empty_obj");
	ew_json_end_obj(&j);
	ew_json_arr(&j, "empty_arr");
	ew_json_end_arr(&j);
	ew_json_obj(&j, "samples");
	ew_json_arr_inline(&j, "exits_per_s");
	ew_json_dbl(&j, NULL, 1.25);
	ew_json_dbl(&j, NULL, NAN);
	ew_json_dbl(&j, NULL, 3);
	ew_json_end_arr(&j);
	ew_json_end_obj(&j);
	ew_json_arr(&j, "runs");
	for (int i = 0; i < 3; i++) {
		ew_json_obj(&j, NULL);
		ew_json_u64(&j, "n", (uint64_t)i * 10);
		ew_json_arr_inline(&j, "cdf_ns");
		for (int q = 0; q < 101; q++)
			ew_json_u64(&j, NULL, (uint64_t)q * 1000 + i);
		ew_json_end_arr(&j);
		ew_json_end_obj(&j);
	}
	ew_json_end_arr(&j);
	ew_json_end_obj(&j);
	fclose(f);
	return buf;
}

TEST(writer_output_reads_back)
{
	char err[256], *text;
	size_t len = 0;
	struct jv *d;
	const struct jv *v;

	text = write_doc(&len);
	ASSERT_TRUE(text != NULL);
	d = jv_parse(text, len, err, sizeof(err));
	if (!d)
		TH_LOG("parse: %s\n%s", err, text);
	ASSERT_TRUE(d != NULL);
	EXPECT_EQ(d->type, JV_OBJ);
	EXPECT_TRUE(!strcmp(jv_str(jv_get(d, "schema"), ""), "exitwatch-results/2"));
	EXPECT_TRUE(!strcmp(jv_str(jv_get(d, "escapes"), ""),
			    "quote \" backslash \\ newline \n tab \t bell \a end"));
	EXPECT_TRUE(!strcmp(jv_str(jv_get(d, "utf8"), ""), "p\xc3\xa9rf \xe2\x86\x92 ok"));
	EXPECT_EQ(jv_get(d, "nullstr")->type, JV_NULL);
	EXPECT_TRUE(jv_num(jv_get(d, "u64"), 0) == 9007199254740992.0);
	EXPECT_TRUE(jv_num(jv_get(d, "neg"), 0) == -42);
	EXPECT_TRUE(jv_num(jv_get(d, "dbl"), 0) == 317.9474736);
	EXPECT_TRUE(jv_num(jv_get(d, "tiny"), 0) == 1.5e-9);
	/* non-finite numbers are not JSON: written as null */
	EXPECT_EQ(jv_get(d, "nan")->type, JV_NULL);
	EXPECT_EQ(jv_get(d, "inf")->type, JV_NULL);
	EXPECT_TRUE(jv_get(d, "yes")->type == JV_BOOL && jv_get(d, "yes")->boolean);
	EXPECT_TRUE(jv_get(d, "no")->type == JV_BOOL && !jv_get(d, "no")->boolean);
	EXPECT_EQ(jv_get(d, "nothing")->type, JV_NULL);
	EXPECT_TRUE(jv_get(d, "empty_obj")->type == JV_OBJ && jv_get(d, "empty_obj")->len == 0);
	EXPECT_TRUE(jv_get(d, "empty_arr")->type == JV_ARR && jv_get(d, "empty_arr")->len == 0);
	v = jv_path(d, "samples.exits_per_s");
	ASSERT_TRUE(v && v->len == 3);
	EXPECT_TRUE(jv_num(jv_at(v, 0), 0) == 1.25);
	EXPECT_EQ(jv_at(v, 1)->type, JV_NULL);
	EXPECT_TRUE(jv_num(jv_at(v, 2), 0) == 3);
	v = jv_get(d, "runs");
	ASSERT_TRUE(v && v->len == 3);
	for (size_t i = 0; i < 3; i++) {
		const struct jv *cdf = jv_get(jv_at(v, i), "cdf_ns");

		EXPECT_TRUE(jv_num(jv_get(jv_at(v, i), "n"), -1) == i * 10.0);
		ASSERT_TRUE(cdf && cdf->len == 101);
		for (size_t q = 0; q < 101; q++)
			EXPECT_TRUE(jv_num(jv_at(cdf, q), -1) == q * 1000.0 + i);
	}
	EXPECT_TRUE(jv_num(jv_path(d, "runs.2.cdf_ns.100"), 0) == 100002);
	/* keys in document order */
	EXPECT_TRUE(!strcmp(d->keys[0], "schema"));
	EXPECT_TRUE(!strcmp(d->keys[d->len - 1], "runs"));
	jv_free(d);
	free(text);
}

TEST(truncated_writer_output_is_an_error)
{
	char err[256], *text;
	size_t len = 0;
	struct jv *d;

	text = write_doc(&len);
	ASSERT_TRUE(text != NULL && len > 100);
	/* a run cut short (e.g. killed while writing) must not read as a document */
	d = jv_parse(text, len / 2, err, sizeof(err));
	EXPECT_TRUE(d == NULL);
	EXPECT_TRUE(strchr(err, ':') != NULL);
	jv_free(d);
	free(text);
}
