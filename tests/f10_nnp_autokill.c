// SPDX-License-Identifier: GPL-2.0
/*
 * F10: CLONE_NNP (clone3 flag 1ULL << 35; upstream 7.1, 24baca56fafc) and
 * CLONE_PIDFD_AUTOKILL (1ULL << 36; c8134b5f13ae).
 *
 *   - NNP: the child starts with no_new_privs set, the parent keeps its
 *     own; with or without CLONE_AUTOREAP; refused with CLONE_THREAD.  A
 *     plain autoreap child, or a privileged autokill child without
 *     CLONE_NNP, has no no_new_privs.
 *   - AUTOKILL: the child is SIGKILLed when the last reference to the
 *     pidfd file clone3 returned goes (close, the last dup, the holder's
 *     exit); a pidfd_open() pidfd is another file and does not count.
 *     Needs CLONE_PIDFD and CLONE_AUTOREAP (EINVAL), refused with
 *     CLONE_THREAD; without CLONE_NNP it needs CAP_SYS_ADMIN (EPERM), with
 *     CLONE_NNP it works unprivileged.  Not disarmed by exec or by a
 *     change of credentials.
 *
 * SKIPs where clone3 rejects the flags (EINVAL): every kernel before 7.1.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"

#define AUTOKILL_FLAGS (CLONE_PIDFD | CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL)

/* a child that exits with its own PR_GET_NO_NEW_PRIVS (0 or 1; 2 = error) */
static int exit_with_nnp(void)
{
	int v = prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0);

	return v == 0 || v == 1 ? v : 2;
}

/* ---- CLONE_NNP ---- */

TEST_TIMEOUT(nnp_autoreap_child_starts_with_no_new_privs, 60)
{
	int pidfd;
	pid_t pid;

	EW_NEED_F9();
	EW_NEED_F10_NNP();
	ASSERT_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	pid = ew_clone3_fork(CLONE_PIDFD | CLONE_AUTOREAP | CLONE_NNP, &pidfd, 0);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(exit_with_nnp());
	EXPECT_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
	ASSERT_TRUE(ew_poll_until(pidfd, POLLHUP, 20000) & POLLHUP);
	ew_expect_exit_info(pidfd, 1 << 8);
	ew_expect_childless(pid);
	close(pidfd);
}

/*
 * CLONE_NNP alone: an ordinary child (SIGCHLD, waited for), with
 * no_new_privs seen in /proc while it runs; its own fork()ed child
 * inherits no_new_privs, as any child of such a process does.
 */
TEST_TIMEOUT(nnp_without_autoreap_ordinary_child, 60)
{
	int pidfd, go[2], st;
	pid_t pid;

	EW_NEED_F10_NNP();
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	pid = ew_fork_pidfd(&pidfd, CLONE_NNP, SIGCHLD);
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		pid_t gc;
		int gst;

		close(go[1]);
		ew_wait_byte(go[0]);
		gc = fork();
		if (gc < 0)
			_exit(10);
		if (gc == 0)
			_exit(exit_with_nnp());
		if (waitpid(gc, &gst, 0) != gc)
			_exit(11);
		_exit(exit_with_nnp() + 2 * WEXITSTATUS(gst));
	}
	close(go[0]);
	EXPECT_EQ(ew_task_nnp(pid), 1);
	EXPECT_EQ(ew_task_nnp(getpid()), 0);
	close(go[1]);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_EQ(st, 3 << 8);	/* child 1, grandchild 1 */
	close(pidfd);
}

TEST(nnp_rejects_clone_thread)
{
	EW_NEED_F10_NNP();
	EXPECT_EQ(ew_clone3_refused(EW_THREAD_FLAGS | CLONE_NNP, 0, NULL), EINVAL);
	EXPECT_EQ(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0), 0);
}

/* only CLONE_NNP sets it: a plain autoreap child has none */
TEST_TIMEOUT(autoreap_child_without_nnp_has_no_new_privs_unset, 60)
{
	int pidfd;
	pid_t pid;

	EW_NEED_F9();
	EW_NEED_F10_NNP();
	pid = ew_clone3_fork(CLONE_PIDFD | CLONE_AUTOREAP, &pidfd, 0);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(exit_with_nnp());
	ASSERT_TRUE(ew_poll_until(pidfd, POLLHUP, 20000) & POLLHUP);
	ew_expect_exit_info(pidfd, 0);
	close(pidfd);
}

/* ---- CLONE_PIDFD_AUTOKILL: flag rules ---- */

TEST(autokill_requires_clone_pidfd)
{
	EW_NEED_F10_AUTOKILL();
	EXPECT_EQ(ew_clone3_refused(CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL | CLONE_NNP, 0, NULL),
		  EINVAL);
	EXPECT_EQ(ew_clone3_refused(CLONE_AUTOREAP | CLONE_PIDFD_AUTOKILL, 0, NULL), EINVAL);
}

TEST(autokill_requires_autoreap)
{
	static const int sigs[] = { 0, SIGCHLD };
	unsigned int i;
	int pidfd;

	EW_NEED_F10_AUTOKILL();
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pidfd = -1;
		EXPECT_EQ(ew_clone3_refused(CLONE_PIDFD | CLONE_PIDFD_AUTOKILL | CLONE_NNP, sigs[i],
					    &pidfd), EINVAL);
		EXPECT_EQ(pidfd, -1);
	}
}

TEST(autokill_rejects_clone_thread)
{
	int pidfd = -1;

	EW_NEED_F10_AUTOKILL();
	EXPECT_EQ(ew_clone3_refused(EW_THREAD_FLAGS | AUTOKILL_FLAGS | CLONE_NNP, 0, &pidfd),
		  EINVAL);
	EXPECT_EQ(pidfd, -1);
}

/*
 * Only clone3() makes an autokill pidfd: pidfd_open() keeps refusing
 * O_TRUNC, the file flag that marks one (else anyone could make an
 * autokill pidfd of any process it may open)
 */
TEST(autokill_pidfd_open_refuses_o_trunc)
{
	EW_NEED_F10_AUTOKILL();
	EXPECT_ERRNO(sys_pidfd_open(getpid(), O_TRUNC), EINVAL);
}

/* ---- CLONE_PIDFD_AUTOKILL: the kill ---- */

/*
 * An autokill child (flags: AUTOKILL_FLAGS plus extra) blocked until *go
 * is written or closed, and an observer pidfd of it from pidfd_open().
 */
static pid_t spawn_autokill(int *pidfd, int *go, int *obs, uint64_t extra)
{
	pid_t pid = ew_spawn_blocked_flags(pidfd, go, 50, AUTOKILL_FLAGS | extra, 0);

	ASSERT_GT(pid, 0);
	*obs = ASSERT_OK(sys_pidfd_open(pid, 0));
	return pid;
}

/* the child is still running, some time after the event that must not kill it */
static void expect_still_alive(int obs, pid_t pid)
{
	char s;

	EXPECT_EQ(ew_poll(obs, POLLIN, 300), 0);
	s = ew_task_state(pid);
	EXPECT_TRUE(s == 'S' || s == 'R');
}

/* the observer sees the child SIGKILLed and autoreaped */
static void expect_killed(int obs, pid_t pid)
{
	ASSERT_TRUE(ew_poll_until(obs, POLLHUP, 20000) & POLLHUP);
	ew_expect_exit_info(obs, SIGKILL);
	ew_expect_childless(pid);
}

TEST_TIMEOUT(autokill_close_of_clone3_pidfd_kills_child, 60)
{
	int pidfd, go, obs;
	pid_t pid;

	EW_NEED_F10_AUTOKILL();
	pid = spawn_autokill(&pidfd, &go, &obs, CLONE_NNP);
	expect_still_alive(obs, pid);
	close(pidfd);
	expect_killed(obs, pid);
	close(go);
	close(obs);
}

/* a pidfd_open() pidfd is another file: closing it kills nothing */
TEST_TIMEOUT(autokill_close_of_pidfd_open_fd_does_not_kill, 60)
{
	int pidfd, go, obs, other;
	pid_t pid;

	EW_NEED_F10_AUTOKILL();
	pid = spawn_autokill(&pidfd, &go, &obs, CLONE_NNP);
	other = ASSERT_OK(sys_pidfd_open(pid, 0));
	close(other);
	other = ASSERT_OK(sys_pidfd_open(pid, PIDFD_NONBLOCK));
	close(other);
	expect_still_alive(obs, pid);
	EXPECT_EQ(ew_poll(pidfd, POLLIN, 0), 0);
	close(pidfd);
	expect_killed(obs, pid);
	close(go);
	close(obs);
}

/* dup()s share the file: the child lives until the last one is closed */
TEST_TIMEOUT(autokill_dup_keeps_child_alive_until_last_close, 60)
{
	int pidfd, go, obs, d1, d2;
	pid_t pid;

	EW_NEED_F10_AUTOKILL();
	pid = spawn_autokill(&pidfd, &go, &obs, CLONE_NNP);
	d1 = ASSERT_OK(dup(pidfd));
	d2 = ASSERT_OK(fcntl(pidfd, F_DUPFD_CLOEXEC, 0));
	close(pidfd);
	expect_still_alive(obs, pid);
	close(d1);
	expect_still_alive(obs, pid);
	close(d2);
	expect_killed(obs, pid);
	close(go);
	close(obs);
}

/* the child exits on its own: its exit code, and closing the pidfd afterwards is harmless */
TEST_TIMEOUT(autokill_child_exiting_on_its_own_reports_its_code, 60)
{
	int pidfd, go, obs;
	pid_t pid;

	EW_NEED_F10_AUTOKILL();
	pid = spawn_autokill(&pidfd, &go, &obs, CLONE_NNP);
	close(go);
	ASSERT_TRUE(ew_poll_until(pidfd, POLLHUP, 20000) & POLLHUP);
	ew_expect_exit_info(pidfd, 50 << 8);
	close(pidfd);
	ew_expect_exit_info(obs, 50 << 8);
	ew_expect_childless(pid);
	close(obs);
}

/*
 * The holder of the clone3 pidfd exits without closing it: its files
 * go, and with them the last reference.  The child, reparented to us (a
 * subreaper), is killed and autoreaped.
 */
TEST_TIMEOUT(autokill_when_holder_exits, 60)
{
	struct ew_orphan o;
	int go[2], obs;

	EW_NEED_F10_AUTOKILL();
	ASSERT_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(ew_orphan_spawn(&o, AUTOKILL_FLAGS | CLONE_NNP, 0, go[0], 51));
	close(go[0]);
	obs = ASSERT_OK(sys_pidfd_open(o.pid, 0));
	expect_still_alive(obs, o.pid);
	ASSERT_EQ(ew_orphan_release(&o), 0);
	expect_killed(obs, o.pid);
	close(go[1]);
	close(obs);
}

/* a fork()ed copy of the holder shares the file: the child lives until both are gone */
TEST_TIMEOUT(autokill_fork_shares_the_pidfd_file, 60)
{
	int pidfd, go, obs, rel[2], st;
	pid_t pid, sharer;

	EW_NEED_F10_AUTOKILL();
	pid = spawn_autokill(&pidfd, &go, &obs, CLONE_NNP);
	ASSERT_OK(pipe2(rel, O_CLOEXEC));
	sharer = fork();
	ASSERT_GE(sharer, 0);
	if (sharer == 0) {
		close(rel[1]);
		ew_wait_byte(rel[0]);
		_exit(0);	/* its copy of pidfd goes with it */
	}
	close(rel[0]);
	close(pidfd);
	expect_still_alive(obs, pid);
	close(rel[1]);
	ASSERT_EQ(waitpid(sharer, &st, 0), sharer);
	expect_killed(obs, pid);
	close(go);
	close(obs);
}

/*
 * Not disarmed by exec or by a change of credentials (unlike
 * pdeath_signal): the child drops to uid 65534 and execs, then the pidfd
 * is closed.
 */
TEST_TIMEOUT(autokill_survives_exec_and_setuid, 60)
{
	int go, pidfd, obs;
	pid_t pid;

	EW_NEED_F10_AUTOKILL();
	if (geteuid() != 0)
		SKIP("needs root for the child to change its uid");
	pid = ew_spawn_exec_helper(AUTOKILL_FLAGS | CLONE_NNP, 0, &pidfd, 52, ew_drop_to_nobody,
				   &go);
	ASSERT_GT(pid, 0);	/* the new image runs, as 65534 */
	obs = ASSERT_OK(sys_pidfd_open(pid, 0));
	expect_still_alive(obs, pid);
	close(pidfd);
	expect_killed(obs, pid);
	close(go);
	close(obs);
}

/* ---- CLONE_PIDFD_AUTOKILL: privilege ---- */

/*
 * Unprivileged (uid 65534, no capabilities, in a forked child):
 * without CLONE_NNP, EPERM; with CLONE_NNP, it works and kills.
 * The verdict comes back as the forked child's exit status.
 */
static int autokill_unprivileged(void)
{
	int pidfd = -1, go, obs;
	pid_t pid;

	if (ew_drop_to_nobody()) {
		TH_LOG("cannot drop to uid 65534: %s", strerror(errno));
		return 1;
	}
	EXPECT_ERRNO(ew_spawn_blocked_flags(&pidfd, &go, 0, AUTOKILL_FLAGS, 0), EPERM);
	EXPECT_EQ(pidfd, -1);
	pid = spawn_autokill(&pidfd, &go, &obs, CLONE_NNP);
	EXPECT_EQ(ew_task_nnp(pid), 1);
	close(pidfd);
	expect_killed(obs, pid);
	close(go);
	close(obs);
	return ktap_failed;
}

TEST_TIMEOUT(autokill_unprivileged_needs_clone_nnp, 60)
{
	int st;
	pid_t pid;

	EW_NEED_F10_AUTOKILL();
	if (geteuid() != 0)
		SKIP("needs root to drop to uid 65534 (an unprivileged caller may hold CAP_SYS_ADMIN elsewhere)");
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(autokill_unprivileged());
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 0);
}

/*
 * With CAP_SYS_ADMIN, CLONE_NNP is not needed, and it is not implied:
 * the child has no no_new_privs.  (Before v5 of the upstream series,
 * AUTOKILL set it; 7.1 made it a separate flag.)
 */
TEST_TIMEOUT(autokill_privileged_without_nnp, 60)
{
	int pidfd, go, obs;
	pid_t pid;

	EW_NEED_F10_AUTOKILL();
	if (geteuid() != 0)
		SKIP("needs CAP_SYS_ADMIN (root)");
	pid = spawn_autokill(&pidfd, &go, &obs, 0);
	EXPECT_EQ(ew_task_nnp(pid), 0);
	EXPECT_EQ(ew_task_nnp(getpid()), 0);
	close(pidfd);
	expect_killed(obs, pid);
	close(go);
	close(obs);
}
