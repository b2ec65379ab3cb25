// SPDX-License-Identifier: GPL-2.0
/*
 * t_run: the exitwatch command end to end: usage errors, the JSON schema
 * round trip (harness/SCHEMA.md, checked by harness/tests/check_json.py),
 * BPF exit->user agreeing with the user-side figure, and a storm of 10,000
 * exits accounted for with no loss.
 */
#include <sys/stat.h>
#include "ktap.h"

#ifndef EW_BIN
#define EW_BIN "build/exitwatch"
#endif
#ifndef EW_TOP
#define EW_TOP "."
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

static void need_tools(void)
{
	if (access(EW_BIN, X_OK))
		SKIP("%s not built", EW_BIN);
	if (sh("command -v python3 >/dev/null 2>&1"))
		SKIP("python3 missing");
}

static void need_bpf(void)
{
	if (geteuid() != 0)
		SKIP("needs root for the BPF tracer");
	if (access("/sys/kernel/btf/vmlinux", R_OK))
		SKIP("kernel has no BTF");
}

TEST(usage_errors_exit_2)
{
	need_tools();
	EXPECT_EQ(sh("%s >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s bogus >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run --bogus >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run -n 0 >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run -m nosuch >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s run -s nosuch >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s trace -d x >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s compare a b >/dev/null 2>&1", EW_BIN), 2);
	EXPECT_EQ(sh("%s --help >/dev/null 2>&1", EW_BIN), 0);
	EXPECT_EQ(sh("%s list >/dev/null 2>&1", EW_BIN), 0);
}

TEST_TIMEOUT(json_schema_round_trip, 120)
{
	need_tools();
	ASSERT_EQ(sh("%s run -s burst,churn,reuse -n 1,3 --min-exits 6 --churn-ms 100 "
		     "--perturb-rounds 1 -o /tmp/ew_t_schema.json 2>/dev/null", EW_BIN), 0);
	EXPECT_EQ(sh("python3 %s/harness/tests/check_json.py schema /tmp/ew_t_schema.json", EW_TOP), 0);
	unlink("/tmp/ew_t_schema.json");
}

TEST_TIMEOUT(no_bpf_run_says_so, 60)
{
	need_tools();
	ASSERT_EQ(sh("%s run -m pidfd-epoll,waitid -n 2 --min-exits 4 --no-floor --no-bpf "
		     "-o /tmp/ew_t_nobpf.json 2>/dev/null", EW_BIN), 0);
	EXPECT_EQ(sh("python3 %s/harness/tests/check_json.py nobpf /tmp/ew_t_nobpf.json", EW_TOP), 0);
	unlink("/tmp/ew_t_nobpf.json");
}

TEST_TIMEOUT(bpf_exit_to_user_matches_user_side, 120)
{
	need_tools();
	need_bpf();
	/* stagger: each child stamps CLOCK_MONOTONIC just before _exit() */
	ASSERT_EQ(sh("%s run -s stagger -m pidfd-epoll,waitid --stagger-n 100 --stagger-ms 200 "
		     "--no-floor -o /tmp/ew_t_agree.json 2>/dev/null", EW_BIN), 0);
	EXPECT_EQ(sh("python3 %s/harness/tests/check_json.py agree /tmp/ew_t_agree.json", EW_TOP), 0);
	unlink("/tmp/ew_t_agree.json");
}

TEST_TIMEOUT(storm_of_10000_exits_no_loss, 175)
{
	need_tools();
	need_bpf();
	ASSERT_EQ(sh("%s run -m pidfd-epoll -n 10000 --min-exits 10000 --no-floor --spawn vm "
		     "-o /tmp/ew_t_storm.json 2>/dev/null", EW_BIN), 0);
	EXPECT_EQ(sh("python3 %s/harness/tests/check_json.py storm /tmp/ew_t_storm.json", EW_TOP), 0);
	unlink("/tmp/ew_t_storm.json");
}
