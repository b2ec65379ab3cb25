// SPDX-License-Identifier: GPL-2.0
/*
 * F3: polling of thread-group leaders and multi-threaded exec (upstream
 * 6.15, 0fb482728ba1 with 9133607de37a).
 *
 * No exit notification for a leader, on a process pidfd or a PIDFD_THREAD
 * pidfd of it, until the whole group is gone; a sub-thread exec that takes
 * over the leader's pid generates none; an exit notification means the
 * parent can reap at once; wait and PIDFD_INFO_EXIT report the group's
 * status.  Meaningful only with PIDFD_THREAD: SKIPs without F2.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"

/* readiness means "can reap now": WNOHANG finds it, and it is the status */
static void expect_ready_and_reapable(struct ew_group *g, int leader_tfd, int code)
{
	siginfo_t si;
	int status;

	EXPECT_TRUE(ew_poll(g->pidfd, POLLIN, 20000) & POLLIN);
	EXPECT_TRUE(ew_poll(leader_tfd, POLLIN, 20000) & POLLIN);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, g->pidfd, &si, WEXITED | WNOHANG | WNOWAIT), 0);
	EXPECT_EQ(si.si_pid, g->pid);
	EXPECT_EQ(si.si_code, CLD_EXITED);
	EXPECT_EQ(si.si_status, code);
	ASSERT_EQ(waitpid(g->pid, &status, WNOHANG), g->pid);
	EXPECT_EQ(status, code << 8);
	if (ew_has_pidfd_info_exit()) {
		struct ew_pidfd_info info;

		ASSERT_OK(ew_pidfd_get_info(g->pidfd, &info, EW_PIDFD_INFO_EXIT));
		EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
		EXPECT_EQ(info.exit_code, status);
		ASSERT_OK(ew_pidfd_get_info(leader_tfd, &info, EW_PIDFD_INFO_EXIT));
		EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
		EXPECT_EQ(info.exit_code, status);
	}
}

/* nothing to see yet: no readiness, nothing to reap */
static void expect_silent(struct ew_group *g, int leader_tfd)
{
	siginfo_t si;

	EXPECT_EQ(ew_poll(g->pidfd, POLLIN, 0), 0);
	EXPECT_EQ(ew_poll(leader_tfd, POLLIN, 0), 0);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, g->pidfd, &si, WEXITED | WNOHANG | WNOWAIT), 0);
	EXPECT_EQ(si.si_pid, 0);
}

TEST(leader_exit_with_live_thread_is_not_notified)
{
	struct ew_group g;
	int ltfd;

	EW_NEED_F2();
	ASSERT_OK(ew_group_spawn(&g, EW_EXIT_THREAD, 0, EW_EXIT_GROUP, 7));
	ltfd = ASSERT_OK(sys_pidfd_open(g.pid, PIDFD_THREAD));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	expect_silent(&g, ltfd);
	/* the remaining thread ends the group */
	ew_poke(g.thread_go);
	expect_ready_and_reapable(&g, ltfd, 7);
	close(ltfd);
	ew_group_end(&g);
}

/* the leader's own thread pidfd, too, waits for the group */
TEST(leader_thread_pidfd_waits_for_last_thread_exit)
{
	struct ew_group g;
	int ltfd, ttfd;
	short rev;

	EW_NEED_F2();
	ASSERT_OK(ew_group_spawn(&g, EW_EXIT_THREAD, 0, EW_EXIT_THREAD, 4));
	ltfd = ASSERT_OK(sys_pidfd_open(g.pid, PIDFD_THREAD));
	ttfd = ASSERT_OK(sys_pidfd_open(g.tid, PIDFD_THREAD));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	EXPECT_EQ(ew_poll(ltfd, POLLIN, 0), 0);
	EXPECT_EQ(ew_poll(ttfd, POLLIN, 0), 0);
	ew_poke(g.thread_go);
	/* the last thread itself: released at once */
	rev = ew_poll(ttfd, POLLIN, 20000);
	if (!(rev & POLLHUP))
		rev = ew_poll(ttfd, 0, 20000);
	EXPECT_EQ(rev, POLLIN | POLLHUP);
	/* that thread's own exit status, through its thread pidfd */
	if (ew_has_pidfd_info_exit()) {
		struct ew_pidfd_info info;

		ASSERT_OK(ew_pidfd_get_info(ttfd, &info, EW_PIDFD_INFO_EXIT));
		EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
		EXPECT_EQ(info.exit_code, 4 << 8);
	}
	/* the last thread's exit is the group's: wait reports 4 */
	expect_ready_and_reapable(&g, ltfd, 4);
	close(ttfd);
	close(ltfd);
	ew_group_end(&g);
}

/*
 * The leader exits early; later the other thread execs and takes over
 * the leader's pid: no notification for the old leader, and none while
 * the new image runs; one when it exits.
 */
TEST(subthread_exec_after_leader_exit_is_not_notified)
{
	struct ew_group g;
	int ltfd, ttfd;

	EW_NEED_F2();
	ASSERT_OK(ew_group_spawn(&g, EW_EXIT_THREAD, 0, EW_EXEC, 9));
	ltfd = ASSERT_OK(sys_pidfd_open(g.pid, PIDFD_THREAD));
	ttfd = ASSERT_OK(sys_pidfd_open(g.tid, PIDFD_THREAD));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	expect_silent(&g, ltfd);
	ew_poke(g.thread_go);
	ASSERT_EQ(ew_wait_byte(g.exec_ready), 1);	/* the new image runs */
	expect_silent(&g, ltfd);
	/* the exec'ing thread's old tid is gone: that pidfd reads reaped */
	EXPECT_EQ(ew_poll(ttfd, POLLIN, 20000) & (POLLIN | POLLHUP), POLLIN | POLLHUP);
	ew_poke(g.exec_go);
	expect_ready_and_reapable(&g, ltfd, 9);
	close(ttfd);
	close(ltfd);
	ew_group_end(&g);
}

/* a sub-thread execs while the leader is alive: de_thread() kills it */
TEST(subthread_exec_with_live_leader_is_not_notified)
{
	struct ew_group g;
	int ltfd;

	EW_NEED_F2();
	ASSERT_OK(ew_group_spawn(&g, EW_BLOCK, 0, EW_EXEC, 11));
	ltfd = ASSERT_OK(sys_pidfd_open(g.pid, PIDFD_THREAD));
	expect_silent(&g, ltfd);
	ew_poke(g.thread_go);
	ASSERT_EQ(ew_wait_byte(g.exec_ready), 1);
	expect_silent(&g, ltfd);
	/* one thread left, under the leader's pid */
	EXPECT_EQ(ew_task_state(g.tid), 0);
	ew_poke(g.exec_go);
	expect_ready_and_reapable(&g, ltfd, 11);
	close(ltfd);
	ew_group_end(&g);
}

/* the leader exits early and the group is killed: the status is SIGKILL */
TEST(leader_exit_then_group_kill_reports_sigkill)
{
	struct ew_group g;
	siginfo_t si;
	int ltfd, status;

	EW_NEED_F2();
	ASSERT_OK(ew_group_spawn(&g, EW_EXIT_THREAD, 0, EW_BLOCK, 0));
	ltfd = ASSERT_OK(sys_pidfd_open(g.pid, PIDFD_THREAD));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	expect_silent(&g, ltfd);
	ASSERT_OK(sys_pidfd_send_signal(g.pidfd, SIGKILL, NULL, 0));
	EXPECT_TRUE(ew_poll(g.pidfd, POLLIN, 20000) & POLLIN);
	EXPECT_TRUE(ew_poll(ltfd, POLLIN, 20000) & POLLIN);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, g.pidfd, &si, WEXITED | WNOHANG | WNOWAIT), 0);
	EXPECT_EQ(si.si_pid, g.pid);
	EXPECT_EQ(si.si_code, CLD_KILLED);
	EXPECT_EQ(si.si_status, SIGKILL);
	ASSERT_EQ(waitpid(g.pid, &status, WNOHANG), g.pid);
	EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	if (ew_has_pidfd_info_exit()) {
		struct ew_pidfd_info info;

		ASSERT_OK(ew_pidfd_get_info(ltfd, &info, EW_PIDFD_INFO_EXIT));
		EXPECT_EQ(info.exit_code, status);
	}
	close(ltfd);
	ew_group_end(&g);
}
