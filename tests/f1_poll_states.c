// SPDX-License-Identifier: GPL-2.0
/*
 * F1: pidfd poll states and wake-ups (upstream 6.9).
 *
 *   running: 0;  exited (zombie): EPOLLIN|EPOLLRDNORM;  reaped: +EPOLLHUP.
 *   A waiter blocked before the exit is woken at exit, and one blocked
 *   after it (edge-triggered) is woken again at reap.  The exit wake-up is
 *   keyed (EPOLLIN|EPOLLRDNORM): an epoll entry waiting only for other
 *   events is not woken by it; the reap wake-up reaches it with EPOLLHUP.
 *
 * Every test SKIPs on a kernel without EPOLLHUP on reaped pidfds.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"

#define IN_RDNORM (POLLIN | POLLRDNORM)

TEST(poll_running_child_reports_nothing)
{
	int pidfd, go;
	pid_t pid;

	EW_NEED_F1();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(ew_poll(pidfd, POLLIN | POLLRDNORM | POLLOUT | POLLPRI, 0), 0);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);
}

TEST(poll_exited_child_reports_in_rdnorm)
{
	siginfo_t si;
	int pidfd, go;
	pid_t pid;

	EW_NEED_F1();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	close(go);
	/* a zombie, not reaped */
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	EXPECT_EQ(ew_poll(pidfd, POLLIN | POLLRDNORM, 0), IN_RDNORM);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);
}

TEST(poll_reaped_child_reports_in_rdnorm_hup)
{
	int pidfd, go;
	pid_t pid;

	EW_NEED_F1();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	EXPECT_EQ(ew_poll(pidfd, POLLIN | POLLRDNORM, 0), IN_RDNORM | POLLHUP);
	/* EPOLLHUP is reported even when not asked for */
	EXPECT_EQ(ew_poll(pidfd, 0, 0), POLLHUP);
	close(pidfd);
}

TEST(epoll_waiter_blocked_before_exit_is_woken_at_exit)
{
	struct ew_waiter w;
	int pidfd, go, epfd;
	pid_t pid;

	EW_NEED_F1();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	epfd = ASSERT_OK(ew_epoll_with(pidfd, EPOLLIN | EPOLLRDNORM));
	ASSERT_EQ(ew_waiter_start(&w, epfd, 1), 0);
	ASSERT_TRUE(ew_waiter_asleep(&w, 0));
	close(go);
	ASSERT_EQ(pthread_join(w.thread, NULL), 0);
	EXPECT_EQ(w.n[0], 1);
	EXPECT_EQ(w.events[0], EPOLLIN | EPOLLRDNORM);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(epfd);
	close(pidfd);
}

TEST(epoll_waiter_blocked_after_exit_is_woken_at_reap)
{
	struct ew_waiter w;
	int pidfd, go, epfd;
	pid_t pid;

	EW_NEED_F1();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	/* edge-triggered: the exit is one event, the reap another */
	epfd = ASSERT_OK(ew_epoll_with(pidfd, EPOLLIN | EPOLLRDNORM | EPOLLET));
	ASSERT_EQ(ew_waiter_start(&w, epfd, 2), 0);
	ASSERT_TRUE(ew_waiter_asleep(&w, 0));
	close(go);
	ASSERT_TRUE(ew_waiter_wait_done(&w, 1));
	EXPECT_EQ(w.n[0], 1);
	EXPECT_EQ(w.events[0], EPOLLIN | EPOLLRDNORM);
	/* the exit edge is consumed: the waiter sleeps until the reap */
	ASSERT_TRUE(ew_waiter_asleep(&w, 1));
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	ASSERT_EQ(pthread_join(w.thread, NULL), 0);
	EXPECT_EQ(w.n[1], 1);
	EXPECT_EQ(w.events[1], EPOLLIN | EPOLLRDNORM | EPOLLHUP);
	close(epfd);
	close(pidfd);
}

/*
 * The exit wake-up carries the key EPOLLIN|EPOLLRDNORM, so an epoll entry
 * registered for EPOLLOUT alone (EPOLLHUP and EPOLLERR are implicit) is not
 * woken: its thread does not even run.  An unkeyed wake-up would make it
 * run, find nothing and sleep again, one more voluntary context switch.
 * The reap wake-up then delivers EPOLLHUP to it.
 */
TEST(exit_wake_is_keyed_epollout_waiter_stays_asleep)
{
	long long before, after;
	struct ew_waiter w;
	int pidfd, go, epfd;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F1();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	epfd = ASSERT_OK(ew_epoll_with(pidfd, EPOLLOUT));
	ASSERT_EQ(ew_waiter_start(&w, epfd, 1), 0);
	ASSERT_TRUE(ew_waiter_asleep(&w, 0));
	before = ew_voluntary_switches(w.tid);
	ASSERT_GE(before, 0);
	close(go);
	/*
	 * The parent's wait is woken after the pidfd waiters (both in
	 * do_notify_parent, pidfd first), so once it returns any exit
	 * wake-up of the epoll thread has been issued.
	 */
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	ASSERT_TRUE(ew_waiter_asleep(&w, 0));
	after = ew_voluntary_switches(w.tid);
	EXPECT_EQ(after, before);
	EXPECT_EQ(w.done, 0);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	ASSERT_EQ(pthread_join(w.thread, NULL), 0);
	EXPECT_EQ(w.n[0], 1);
	EXPECT_EQ(w.events[0], EPOLLHUP);
	close(epfd);
	close(pidfd);
}

/* A reaped pidfd stays IN|HUP for as long as it is open. */
TEST(reaped_state_is_stable_across_repeated_polls)
{
	int pidfd, go, i;
	pid_t pid;

	EW_NEED_F1();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	for (i = 0; i < 100; i++)
		ASSERT_EQ(ew_poll(pidfd, POLLIN, 0), POLLIN | POLLHUP);
	close(pidfd);
}
