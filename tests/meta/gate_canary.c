// SPDX-License-Identifier: GPL-2.0
/*
 * Canaries for the test pipeline itself (scripts/pipeline-selftest.sh):
 * each GATE_* build contains one way for a test to go wrong, and the
 * verdict must call that run a failure.  GATE_NONE must pass.
 */
#include "ktap.h"

TEST(canary_passes)
{
	EXPECT_EQ(1 + 1, 2);
}

TEST(canary_skips)
{
	SKIP("a canary skip must not fail the run");
}

#ifdef GATE_INVERTED
TEST(canary_inverted_assertion)
{
	/* the first assertion of f0_pidfd_basic, inverted */
	EXPECT_ERRNO(getpid() > 0 ? 0 : -1, EINVAL);
}
#endif

#ifdef GATE_ZOMBIE
TEST(canary_leaves_zombie)
{
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	usleep(10000);
}
#endif

#ifdef GATE_FD_LEAK
TEST(canary_leaks_fd)
{
	ASSERT_OK(open("/proc/self/status", O_RDONLY));
}
#endif

#ifdef GATE_CRASH
TEST(canary_crashes)
{
	raise(SIGSEGV);
}
#endif

#ifdef GATE_TRUNCATED
TEST(canary_truncates_stream)
{
	/* the whole binary dies mid-stream: the plan is not met */
	kill(getppid(), SIGKILL);
}
#endif
