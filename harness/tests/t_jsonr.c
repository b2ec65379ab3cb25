// SPDX-License-Identifier: GPL-2.0
/*
 * t_jsonr: the strict JSON reader against known documents: values and
 * look-ups, escapes and UTF-8, and the errors a corrupt or truncated
 * results file must give (with their line and column), never a crash.
 */
#include "ktap.h"
#include "jsonr.h"

static struct jv *parse(const char *s, char *err, size_t n)
{
	return jv_parse(s, strlen(s), err, n);
}

TEST(values_and_lookups)
{
	char err[200];
	const char *doc =
		"{ \"schema\": \"exitwatch-results/2\", \"n\": [1, -2.5, 3e2, 0],\n"
		"  \"ok\": true, \"no\": false, \"none\": null,\n"
		"  \"runs\": [ {\"mechanism\": \"pidfd-epoll\", \"samples\": {\"x\": [7]}} ] }";
	struct jv *v = parse(doc, err, sizeof(err));

	ASSERT_TRUE(v != NULL);
	ASSERT_EQ(v->type, JV_OBJ);
	EXPECT_EQ(v->len, 6);
	EXPECT_TRUE(!strcmp(jv_str(jv_get(v, "schema"), ""), "exitwatch-results/2"));
	EXPECT_EQ(jv_get(v, "n")->len, 4);
	EXPECT_TRUE(jv_num(jv_path(v, "n.1"), 0) == -2.5);
	EXPECT_TRUE(jv_num(jv_path(v, "n.2"), 0) == 300);
	EXPECT_TRUE(jv_path(v, "n.4") == NULL);
	EXPECT_EQ(jv_get(v, "ok")->boolean, 1);
	EXPECT_EQ(jv_get(v, "no")->type, JV_BOOL);
	EXPECT_EQ(jv_get(v, "no")->boolean, 0);
	EXPECT_EQ(jv_get(v, "none")->type, JV_NULL);
	EXPECT_FALSE(jv_is_num(jv_get(v, "none")));
	EXPECT_TRUE(jv_num(jv_get(v, "none"), -1) == -1);
	EXPECT_TRUE(!strcmp(jv_str(jv_path(v, "runs.0.mechanism"), ""), "pidfd-epoll"));
	EXPECT_TRUE(jv_num(jv_path(v, "runs.0.samples.x.0"), 0) == 7);
	/* wrong kinds and absent keys are NULL, and the look-ups take NULL */
	EXPECT_TRUE(jv_get(jv_get(v, "n"), "x") == NULL);
	EXPECT_TRUE(jv_at(v, 0) == NULL);
	EXPECT_TRUE(jv_path(v, "runs.x") == NULL);
	EXPECT_TRUE(jv_get(NULL, "x") == NULL);
	EXPECT_TRUE(jv_str(jv_get(v, "missing"), NULL) == NULL);
	jv_free(v);
}

TEST(strings_escapes_utf8)
{
	char err[200];
	struct jv *v = parse("[\"a\\\"b\\\\c\\/d\\n\\t\", \"\\u00e9\\u20ac\", "
			     "\"\\ud83d\\ude00\", \"\xc3\xa9\", \"\"]", err, sizeof(err));

	ASSERT_TRUE(v != NULL);
	EXPECT_TRUE(!strcmp(jv_at(v, 0)->str, "a\"b\\c/d\n\t"));
	EXPECT_EQ(jv_at(v, 0)->len, 9);
	EXPECT_TRUE(!strcmp(jv_at(v, 1)->str, "\xc3\xa9\xe2\x82\xac"));
	EXPECT_TRUE(!strcmp(jv_at(v, 2)->str, "\xf0\x9f\x98\x80"));
	EXPECT_TRUE(!strcmp(jv_at(v, 3)->str, "\xc3\xa9"));
	EXPECT_EQ(jv_at(v, 4)->len, 0);
	jv_free(v);
}

/* each bad document fails with a message that says where and what */
TEST(errors_name_line_column_and_cause)
{
	static const struct {
		const char *doc, *where, *what;
	} cases[] = {
		{ "", "1:1", "end of input" },
		{ "{\"a\": 1", "1:8", "end of input" },
		{ "{\"a\": 1,}", "1:9", "trailing comma" },
		{ "[1 2]", "1:4", "expected" },
		{ "{\"a\" 1}", "1:6", "':'" },
		{ "{1: 2}", "1:2", "key expected" },
		{ "[01]", "1:3", "expected" },
		{ "[1.]", "1:4", "decimal point" },
		{ "[1e]", "1:4", "exponent" },
		{ "[-]", "1:3", "bad number" },
		{ "[NaN]", "1:2", "unexpected character 'N'" },
		{ "[1e999]", "1:2", "out of range" },
		{ "[tru]", "1:2", "unexpected" },
		{ "\"abc", "1:1", "unterminated" },
		{ "\"a\tb\"", "1:3", "control character" },
		{ "\"\\x\"", "1:3", "bad escape" },
		{ "\"\\u12g4\"", "1:4", "\\u escape" },
		{ "\"\\ud800\"", "1:8", "low half" },
		{ "\"\\udc00\"", "1:8", "lone low" },
		{ "\"\\u0000\"", "1:8", "not supported" },
		{ "\"\xc3\x28\"", "1:2", "UTF-8" },
		{ "\"\xed\xa0\x80\"", "1:2", "UTF-8" },
		{ "\"\xe0\x80\xaf\"", "1:2", "UTF-8" },
		{ "{\"a\": 1, \"b\": 2, \"a\": 3}", "1:25", "duplicate key \"a\"" },
		{ "{}\n{}", "2:1", "trailing data" },
		{ "{\n  \"a\": [1,\n  2,,]}", "3:5", "unexpected" },
	};
	char err[200];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct jv *v = parse(cases[i].doc, err, sizeof(err));

		EXPECT_TRUE(v == NULL);
		jv_free(v);
		if (strncmp(err, cases[i].where, strlen(cases[i].where)) ||
		    err[strlen(cases[i].where)] != ':' || !strstr(err, cases[i].what)) {
			TH_LOG("case %zu: got \"%s\", want %s: ...%s...", i, err,
			       cases[i].where, cases[i].what);
			EXPECT_TRUE(0);
		}
	}
}

TEST(depth_limit)
{
	char doc[2 * JV_MAX_DEPTH + 8], err[200];
	int d;
	struct jv *v;

	/* JV_MAX_DEPTH nested arrays parse; one more does not */
	for (d = JV_MAX_DEPTH; d <= JV_MAX_DEPTH + 1; d++) {
		memset(doc, '[', d);
		memset(doc + d, ']', d);
		v = jv_parse(doc, 2 * d, err, sizeof(err));
		if (d == JV_MAX_DEPTH) {
			EXPECT_TRUE(v != NULL);
		} else {
			EXPECT_TRUE(v == NULL);
			EXPECT_TRUE(strstr(err, "nesting deeper") != NULL);
		}
		jv_free(v);
	}
}

/* every prefix of a valid document is an error, never a crash or a value */
TEST(every_truncation_is_an_error)
{
	const char *doc = "{\"schema\":\"x\",\"runs\":[{\"n\":10,\"s\":[1.5e3,-2,null,true]},"
			  "{\"t\":\"\\u00e9\\ud83d\\ude00\"}],\"z\":false}";
	size_t len = strlen(doc);
	char err[200];
	struct jv *v = jv_parse(doc, len, err, sizeof(err));

	ASSERT_TRUE(v != NULL);
	jv_free(v);
	for (size_t n = 0; n < len; n++) {
		/* a copy of exactly n bytes, so ASan sees any read past the end */
		char *cut = malloc(n ? n : 1);

		ASSERT_TRUE(cut != NULL);
		memcpy(cut, doc, n);
		v = jv_parse(cut, n, err, sizeof(err));
		free(cut);
		if (v) {
			TH_LOG("prefix of %zu bytes parsed", n);
			jv_free(v);
			EXPECT_TRUE(0);
		}
		EXPECT_TRUE(err[0] != '\0');
	}
}

TEST(files)
{
	char path[] = "/tmp/t_jsonr.XXXXXX", err[300];
	int fd = mkstemp(path);
	struct jv *v;

	ASSERT_GE(fd, 0);
	/* empty */
	v = jv_parse_file(path, err, sizeof(err));
	EXPECT_TRUE(v == NULL);
	EXPECT_TRUE(strstr(err, "empty file") != NULL);
	/* corrupt: the message starts with the file name and the position */
	ASSERT_EQ(write(fd, "{\"a\": [1, 2}\n", 13), 13);
	v = jv_parse_file(path, err, sizeof(err));
	EXPECT_TRUE(v == NULL);
	EXPECT_TRUE(!strncmp(err, path, strlen(path)) && strstr(err, ":1:12:") != NULL);
	/* valid */
	ASSERT_EQ(ftruncate(fd, 0), 0);
	ASSERT_EQ(pwrite(fd, "{\"a\": [1, 2]}\n", 14, 0), 14);
	v = jv_parse_file(path, err, sizeof(err));
	ASSERT_TRUE(v != NULL);
	EXPECT_TRUE(jv_num(jv_path(v, "a.1"), 0) == 2);
	jv_free(v);
	close(fd);
	unlink(path);
	/* missing file, and a directory */
	EXPECT_TRUE(jv_parse_file(path, err, sizeof(err)) == NULL);
	EXPECT_TRUE(strstr(err, "No such file") != NULL);
	EXPECT_TRUE(jv_parse_file("/tmp", err, sizeof(err)) == NULL);
	EXPECT_TRUE(strstr(err, "not a regular file") != NULL);
}

/*
 * Seeded random corruption of a valid document: flipped, deleted and
 * inserted bytes.  Whatever comes out, the reader returns a tree or an
 * error with a message; under `scripts/fuzz-cli.sh`'s sanitizer build any
 * out-of-bounds read shows up here.
 */
TEST(seeded_corruption_never_crashes)
{
	const char *doc = "{\"schema\":\"exitwatch-results/2\",\"runs\":[{\"n\":10,"
			  "\"samples\":{\"exits_per_s\":[1.5e3,2e3,null]}},{\"t\":\"\\u00e9\"}],"
			  "\"ok\":true}";
	static const char alphabet[] = "{}[]\",:\\0123456789.eE+-tfnu \x80\xc3";
	size_t len = strlen(doc), parsed = 0, failed = 0;
	unsigned int seed = 12345;
	char buf[256], err[200];

	for (int round = 0; round < 20000; round++) {
		size_t n = len;
		int edits = 1 + rand_r(&seed) % 4;

		memcpy(buf, doc, len);
		for (int e = 0; e < edits; e++) {
			size_t at = rand_r(&seed) % (n + 1);
			char c = alphabet[rand_r(&seed) % (sizeof(alphabet) - 1)];

			switch (rand_r(&seed) % 3) {
			case 0:
				if (at < n)
					buf[at] = c;
				break;
			case 1:
				if (at < n) {
					memmove(buf + at, buf + at + 1, n - at - 1);
					n--;
				}
				break;
			default:
				if (n < sizeof(buf)) {
					memmove(buf + at + 1, buf + at, n - at);
					buf[at] = c;
					n++;
				}
			}
		}
		struct jv *v = jv_parse(buf, n, err, sizeof(err));

		if (v) {
			parsed++;
			jv_free(v);
		} else {
			failed++;
			if (!err[0]) {
				TH_LOG("round %d: no message", round);
				EXPECT_TRUE(0);
				break;
			}
		}
	}
	TH_LOG("%zu corrupt documents rejected, %zu still valid JSON", failed, parsed);
	EXPECT_GT(failed, 10000);
}
