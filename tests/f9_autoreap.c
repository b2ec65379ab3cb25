// SPDX-License-Identifier: GPL-2.0
/*
 * F9: CLONE_AUTOREAP (clone3 flag 1ULL << 34; upstream 7.1, 12ae2c81b21c).
 *
 * The kernel reaps the child at exit: the pidfd reports POLLIN and, as it
 * is reaped at once, POLLHUP; PIDFD_INFO_EXIT has the wait status; no wait
 * of the parent ever reports it (ECHILD once it is gone), and it never
 * becomes a zombie, with or without CLONE_PIDFD; no SIGCHLD.  exit_signal
 * must be 0; CLONE_PARENT and CLONE_THREAD are refused, and an autoreap
 * process may not clone(CLONE_PARENT) itself.  Not inherited by the
 * child's own children; kept across exec and reparenting; a leader that
 * exits before its threads is reaped, with the group's code, only once the
 * group is gone.
 *
 * With the series' CLONE_WAIT_PIDFD (F7) on the same clone3 call both
 * apply, independently: generic waits do not see the child's stops, a
 * focused wait does, and at exit it is autoreaped.
 *
 * SKIPs where clone3 rejects the flag (EINVAL): every kernel before 7.1.
 */
#include <pthread.h>
#include <sys/ptrace.h>
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"

#define AUTOREAP_FLAGS (CLONE_PIDFD | CLONE_AUTOREAP)

/* an autoreap child with a pidfd that exits with code once *go is written or closed */
static pid_t spawn_autoreap(int *pidfd, int *go, int code)
{
	pid_t pid = ew_spawn_blocked_flags(pidfd, go, code, AUTOREAP_FLAGS, 0);

	ASSERT_GT(pid, 0);
	return pid;
}

/* the pidfd reports IN|HUP (exited and already reaped), and the status */
static void expect_autoreaped(int pidfd, pid_t pid, int status)
{
	short rev = ew_poll_until(pidfd, POLLHUP, 20000);

	EXPECT_TRUE(rev & POLLIN);
	ASSERT_TRUE(rev & POLLHUP);
	ew_expect_exit_info(pidfd, status);
	ew_expect_childless(pid);
}

TEST_TIMEOUT(autoreap_exit_status_through_pidfd, 60)
{
	struct ew_pidfd_info info;
	int pidfd, go, st;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F9();
	pid = spawn_autoreap(&pidfd, &go, 42);
	/* running: a child (waits with __WALL find it), nothing to report */
	EXPECT_EQ(ew_poll(pidfd, POLLIN, 0), 0);
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_PID));
	EXPECT_FALSE(info.mask & EW_PIDFD_INFO_EXIT);
	EXPECT_EQ(info.pid, pid);
	EXPECT_EQ(info.ppid, getpid());
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL), 0);
	EXPECT_EQ(si.si_pid, 0);
	EXPECT_EQ(waitpid(pid, &st, WNOHANG | __WALL), 0);
	close(go);
	expect_autoreaped(pidfd, pid, 42 << 8);
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT));
	EXPECT_TRUE(WIFEXITED(info.exit_code));
	EXPECT_EQ(WEXITSTATUS(info.exit_code), 42);
	close(pidfd);
}

TEST_TIMEOUT(autoreap_sigkill_status_through_pidfd, 60)
{
	int pidfd, go;
	pid_t pid;

	EW_NEED_F9();
	pid = spawn_autoreap(&pidfd, &go, 0);
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0));
	expect_autoreaped(pidfd, pid, SIGKILL);
	close(go);
	close(pidfd);
}

/* the pidfd is readable from the exit on: a second poller sees IN|HUP too */
TEST_TIMEOUT(autoreap_pidfd_open_observer_sees_exit, 60)
{
	int pidfd, go, obs;
	pid_t pid;

	EW_NEED_F9();
	pid = spawn_autoreap(&pidfd, &go, 7);
	obs = ASSERT_OK(sys_pidfd_open(pid, 0));
	close(go);
	expect_autoreaped(obs, pid, 7 << 8);
	EXPECT_EQ(ew_poll(pidfd, POLLIN, 0), POLLIN | POLLHUP);
	ew_expect_exit_info(pidfd, 7 << 8);
	close(obs);
	close(pidfd);
}

/* a blocking generic wait sleeping across the exit returns ECHILD, never the child */
static int waiter_go;

static void *poke_when_main_sleeps(void *arg)
{
	pid_t main_tid = getpid();
	int i;

	for (i = 0; i < 100000 && ew_thread_state(main_tid, main_tid) != 'S'; i++)
		usleep(100);
	usleep(20000);
	ew_poke(waiter_go);
	return NULL;
}

TEST_TIMEOUT(autoreap_blocking_generic_wait_gets_echild, 60)
{
	siginfo_t si;
	pthread_t t;
	int pidfd;
	pid_t pid;

	EW_NEED_F9();
	pid = spawn_autoreap(&pidfd, &waiter_go, 3);
	ASSERT_EQ(pthread_create(&t, NULL, poke_when_main_sleeps, NULL), 0);
	alarm(30);	/* a kernel that keeps it as a zombie would block here */
	memset(&si, 0, sizeof(si));
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WEXITED | __WALL), ECHILD);
	EXPECT_EQ(si.si_pid, 0);
	alarm(0);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	expect_autoreaped(pidfd, pid, 3 << 8);
	close(waiter_go);
	close(pidfd);
}

/* without CLONE_PIDFD: fire and forget, no zombie ever */
TEST_TIMEOUT(autoreap_without_pidfd_leaves_no_zombie, 60)
{
	int go;
	pid_t pid;

	EW_NEED_F9();
	pid = ew_spawn_blocked_flags(NULL, &go, 0, CLONE_AUTOREAP, 0);
	ASSERT_GT(pid, 0);
	EXPECT_TRUE(ew_task_state(pid) != 0);
	close(go);
	/* gone from /proc without any wait of ours: never a lasting zombie */
	EXPECT_TRUE(ew_wait_state(pid, "0"));
	ew_expect_childless(pid);
}

/* the same, watched through a pidfd opened with pidfd_open() */
TEST_TIMEOUT(autoreap_without_clone_pidfd_status_via_pidfd_open, 60)
{
	int go, obs;
	pid_t pid;

	EW_NEED_F9();
	pid = ew_spawn_blocked_flags(NULL, &go, 5, CLONE_AUTOREAP, 0);
	ASSERT_GT(pid, 0);
	obs = ASSERT_OK(sys_pidfd_open(pid, 0));
	close(go);
	expect_autoreaped(obs, pid, 5 << 8);
	close(obs);
}

TEST(autoreap_rejects_nonzero_exit_signal)
{
	static const int sigs[] = { SIGCHLD, SIGUSR1, SIGKILL };
	unsigned int i;
	int pidfd;

	EW_NEED_F9();
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		pidfd = -1;
		EXPECT_EQ(ew_clone3_refused(AUTOREAP_FLAGS, sigs[i], &pidfd), EINVAL);
		EXPECT_EQ(pidfd, -1);
		EXPECT_EQ(ew_clone3_refused(CLONE_AUTOREAP, sigs[i], NULL), EINVAL);
	}
}

/* exit_signal 0: CLONE_PARENT itself requires it */
TEST(autoreap_rejects_clone_parent)
{
	int pidfd = -1;

	EW_NEED_F9();
	EXPECT_EQ(ew_clone3_refused(AUTOREAP_FLAGS | CLONE_PARENT, 0, &pidfd), EINVAL);
	EXPECT_EQ(pidfd, -1);
	EXPECT_EQ(ew_clone3_refused(CLONE_AUTOREAP | CLONE_PARENT, 0, NULL), EINVAL);
}

TEST(autoreap_rejects_clone_thread)
{
	int pidfd = -1;

	EW_NEED_F9();
	EXPECT_EQ(ew_clone3_refused(EW_THREAD_FLAGS | CLONE_AUTOREAP, 0, NULL), EINVAL);
	EXPECT_EQ(ew_clone3_refused(EW_THREAD_FLAGS | AUTOREAP_FLAGS, 0, &pidfd), EINVAL);
	EXPECT_EQ(pidfd, -1);
}

/*
 * A child's clone3(CLONE_PARENT) result as its exit code: 0 = EINVAL,
 * 1 = it worked (the new process, our sibling... or the test's new child,
 * is written to res_fd), 2 = another error.
 */
static int clone_parent_result(int res_fd)
{
	pid_t sib = ew_clone3_fork(CLONE_PARENT, NULL, 0);

	if (sib == 0)
		_exit(0);
	if (sib > 0) {
		if (write(res_fd, &sib, sizeof(sib)) != sizeof(sib))
			return 3;
		return 1;
	}
	return errno == EINVAL ? 0 : 2;
}

/* the test's child made by a CLONE_PARENT call in child pid, if any: reaped */
static void reap_clone_parent_sibling(int res_fd)
{
	pid_t sib;

	if (read(res_fd, &sib, sizeof(sib)) == sizeof(sib)) {
		TH_LOG("clone3(CLONE_PARENT) made process %d", sib);
		waitpid(sib, NULL, __WALL);
	}
}

/*
 * An autoreap process may not clone(CLONE_PARENT): the new process would
 * be the parent's child with exit_signal 0 but without autoreap, a zombie
 * nobody is told of.  An ordinary child may (the control).
 */
TEST_TIMEOUT(autoreap_process_cannot_clone_parent, 60)
{
	int res[2], pidfd, st;
	pid_t pid;

	EW_NEED_F9();
	ASSERT_OK(pipe2(res, O_CLOEXEC | O_NONBLOCK));
	/* the control: an ordinary child's CLONE_PARENT sibling is ours */
	pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(clone_parent_result(res[1]));
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_EQ(st, 1 << 8);
	reap_clone_parent_sibling(res[0]);
	close(pidfd);

	pid = ew_clone3_fork(AUTOREAP_FLAGS, &pidfd, 0);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(clone_parent_result(res[1]));
	ASSERT_TRUE(ew_poll_until(pidfd, POLLHUP, 20000) & POLLHUP);
	ew_expect_exit_info(pidfd, 0);	/* 1 << 8: clone3 worked; 2 << 8: other errno */
	reap_clone_parent_sibling(res[0]);
	close(pidfd);
	close(res[0]);
	close(res[1]);
}

/*
 * Not inherited: the autoreap child's own children, by fork() and by a
 * clone3 with exit_signal 0, are ordinary zombies it must wait for.
 */
static int autoreap_child_waits_own_children(void)
{
	siginfo_t si;
	pid_t gc;
	int st;

	gc = fork();
	if (gc < 0)
		return 10;
	if (gc == 0)
		_exit(77);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, gc, &si, WEXITED | WNOWAIT) || si.si_pid != gc)
		return 11;
	if (ew_task_state(gc) != 'Z')
		return 12;
	if (waitpid(gc, &st, 0) != gc || st != 77 << 8)
		return 13;
	gc = ew_clone3_fork(0, NULL, 0);
	if (gc < 0)
		return 14;
	if (gc == 0)
		_exit(78);
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, gc, &si, WEXITED | WNOWAIT | __WALL) || si.si_pid != gc)
		return 15;
	if (ew_task_state(gc) != 'Z')
		return 16;
	if (waitpid(gc, &st, __WALL) != gc || st != 78 << 8)
		return 17;
	return 0;
}

TEST_TIMEOUT(autoreap_not_inherited_by_children, 60)
{
	int pidfd;
	pid_t pid;

	EW_NEED_F9();
	pid = ew_clone3_fork(AUTOREAP_FLAGS, &pidfd, 0);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		_exit(autoreap_child_waits_own_children());
	/* exit code 0: each grandchild was a zombie until waited for */
	expect_autoreaped(pidfd, pid, 0);
	close(pidfd);
}

/* the property belongs to the process: an exec'd program is autoreaped too */
TEST_TIMEOUT(autoreap_survives_exec, 60)
{
	int go, pidfd;
	pid_t pid;

	EW_NEED_F9();
	pid = ew_spawn_exec_helper(AUTOREAP_FLAGS, 0, &pidfd, 21, NULL, &go);
	ASSERT_GT(pid, 0);	/* the new image runs */
	close(go);
	expect_autoreaped(pidfd, pid, 21 << 8);
	close(pidfd);
}

/*
 * The middle process dies and the autoreap child is reparented to us, a
 * subreaper.  Its exit_signal is reset to SIGCHLD on reparenting, but it
 * is still autoreaped at exit: no zombie, and no SIGCHLD for us.
 */
TEST_TIMEOUT(autoreap_survives_reparenting_to_subreaper, 60)
{
	struct timespec zero = { 0, 0 };
	unsigned long long ppid;
	struct ew_orphan o;
	sigset_t chld, pend;
	int go[2], obs;

	EW_NEED_F9();
	ASSERT_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	ASSERT_OK(sigprocmask(SIG_BLOCK, &chld, NULL));
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(ew_orphan_spawn(&o, AUTOREAP_FLAGS, 0, go[0], 44));
	close(go[0]);
	obs = ASSERT_OK(sys_pidfd_open(o.pid, 0));
	ASSERT_EQ(ew_orphan_release(&o), 0);
	while (sigtimedwait(&chld, NULL, &zero) == SIGCHLD)
		;	/* the middle process' own SIGCHLD */
	ASSERT_EQ(ew_status_nums(o.pid, "PPid", &ppid, 1), 1);
	EXPECT_EQ(ppid, getpid());
	/* our child now: alive, and found by a __WALL wait */
	EXPECT_EQ(waitpid(o.pid, NULL, WNOHANG | __WALL), 0);
	close(go[1]);
	expect_autoreaped(obs, o.pid, 44 << 8);
	ASSERT_OK(sigpending(&pend));
	EXPECT_FALSE(sigismember(&pend, SIGCHLD));
	close(obs);
}

/* ... and killed there */
TEST_TIMEOUT(autoreap_reparented_child_killed_leaves_no_zombie, 60)
{
	struct ew_orphan o;
	int go[2], obs;

	EW_NEED_F9();
	ASSERT_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(ew_orphan_spawn(&o, AUTOREAP_FLAGS, 0, go[0], 0));
	close(go[0]);
	ASSERT_EQ(ew_orphan_release(&o), 0);
	obs = ASSERT_OK(sys_pidfd_open(o.pid, 0));
	ASSERT_OK(sys_pidfd_send_signal(obs, SIGKILL, NULL, 0));
	expect_autoreaped(obs, o.pid, SIGKILL);
	close(go[1]);
	close(obs);
}

/* no SIGCHLD at the exit (a control child shows the check can see one) */
TEST_TIMEOUT(autoreap_exit_sends_no_sigchld, 60)
{
	struct timespec zero = { 0, 0 };
	sigset_t chld, pend;
	int pidfd, go, st;
	pid_t pid;

	EW_NEED_F9();
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	ASSERT_OK(sigprocmask(SIG_BLOCK, &chld, NULL));
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	ASSERT_OK(sigpending(&pend));
	ASSERT_TRUE(sigismember(&pend, SIGCHLD));
	ASSERT_EQ(sigtimedwait(&chld, NULL, &zero), SIGCHLD);
	close(pidfd);

	pid = spawn_autoreap(&pidfd, &go, 0);
	close(go);
	expect_autoreaped(pidfd, pid, 0);
	ASSERT_OK(sigpending(&pend));
	EXPECT_FALSE(sigismember(&pend, SIGCHLD));
	close(pidfd);
}

/*
 * A leader that exits while its thread runs: not reaped, no readiness and
 * no exit info until the group is gone; then autoreaped with the group's
 * exit code (an exit_group() of the thread, or the last thread's code).
 */
static void leader_first(int thread_act, int thread_code, int status)
{
	struct ew_pidfd_info info;
	struct ew_group g;
	siginfo_t si;

	ASSERT_OK(ew_group_spawn_sig(&g, CLONE_AUTOREAP, 0, EW_EXIT_THREAD, 3, thread_act,
				     thread_code));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	EXPECT_EQ(ew_poll(g.pidfd, POLLIN, 50), 0);
	ASSERT_OK(ew_pidfd_get_info(g.pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_PID));
	EXPECT_FALSE(info.mask & EW_PIDFD_INFO_EXIT);
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL), 0);
	EXPECT_EQ(si.si_pid, 0);
	ew_poke(g.thread_go);
	expect_autoreaped(g.pidfd, g.pid, status);
	ew_group_end(&g);
}

TEST_TIMEOUT(autoreap_leader_exits_before_thread_group_exit, 60)
{
	EW_NEED_F9();
	leader_first(EW_EXIT_GROUP, 6, 6 << 8);
}

TEST_TIMEOUT(autoreap_leader_exits_before_thread_plain_exit, 60)
{
	EW_NEED_F9();
	leader_first(EW_EXIT_THREAD, 9, 9 << 8);
}

/* a non-leader thread calls exit_group() while the leader runs */
TEST_TIMEOUT(autoreap_exit_group_from_non_leader_thread, 60)
{
	struct ew_group g;

	EW_NEED_F9();
	ASSERT_OK(ew_group_spawn_sig(&g, CLONE_AUTOREAP, 0, EW_BLOCK, 0, EW_EXIT_GROUP, 8));
	ew_poke(g.thread_go);
	expect_autoreaped(g.pidfd, g.pid, 8 << 8);
	ew_group_end(&g);
}

/* stop the child and see the stop through waitid(P_PIDFD), which must find it */
static void expect_stop_via_pidfd(int pidfd, pid_t pid)
{
	siginfo_t si;

	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGSTOP, NULL, 0));
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WSTOPPED | __WALL), 0);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_code, CLD_STOPPED);
	EXPECT_EQ(si.si_status, SIGSTOP);
}

/*
 * Autoreap concerns the exit only: a plain autoreap child's stop is
 * reported to a generic __WALL wait (it is a "clone" child: exit_signal 0).
 */
TEST_TIMEOUT(autoreap_stop_seen_by_generic_wall_wait, 60)
{
	int pidfd, go;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F9();
	pid = spawn_autoreap(&pidfd, &go, 0);
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGSTOP, NULL, 0));
	ASSERT_TRUE(ew_wait_state(pid, "T"));
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_ALL, 0, &si, WSTOPPED | WNOHANG | __WALL), 0);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_code, CLD_STOPPED);
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0));
	expect_autoreaped(pidfd, pid, SIGKILL);
	close(go);
	close(pidfd);
}

/* ---- traced by a thread of its own parent ---- */

struct tracer_arg {
	pid_t pid;
	int ready[2];	/* the tracer thread says it has seized the child */
	int err;
};

/*
 * A thread of the parent traces the child, waits (as its tracer) until it
 * is a zombie, and exits: exit_ptrace() detaches the zombie
 * (__ptrace_detach(), the real parent in the tracer's thread group).  A
 * traced autoreap child is a zombie for its tracer; once the tracer lets
 * go it must be released as if it had never been traced, not left as a
 * zombie no generic wait of the parent looks for.
 */
static void *trace_until_zombie(void *p)
{
	struct tracer_arg *a = p;
	siginfo_t si;
	char c = 0;

	if (ptrace(PTRACE_SEIZE, a->pid, NULL, NULL))
		a->err = errno;
	if (write(a->ready[1], &c, 1) != 1 && !a->err)
		a->err = EIO;
	if (a->err)
		return NULL;
	memset(&si, 0, sizeof(si));
	if (waitid(P_PID, a->pid, &si, WEXITED | WNOWAIT | __WALL))
		a->err = errno;
	else if (si.si_pid != a->pid || si.si_code != CLD_EXITED)
		a->err = EPROTO;
	return NULL;
}

TEST_TIMEOUT(autoreap_released_when_tracer_thread_exits, 60)
{
	struct tracer_arg a = { 0 };
	pthread_t t;
	int pidfd, go;
	char c;

	EW_NEED_F9();
	a.pid = spawn_autoreap(&pidfd, &go, 7);
	ASSERT_OK(pipe2(a.ready, O_CLOEXEC));
	ASSERT_EQ(pthread_create(&t, NULL, trace_until_zombie, &a), 0);
	ASSERT_EQ(read(a.ready[0], &c, 1), 1);
	if (a.err == EPERM) {
		close(go);
		pthread_join(t, NULL);
		SKIP("ptrace of our own child refused (kernel.yama.ptrace_scope?)");
	}
	ASSERT_EQ(a.err, 0);
	close(go);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	EXPECT_EQ(a.err, 0);
	/* the tracer thread is gone: released, status through the pidfd */
	expect_autoreaped(pidfd, a.pid, 7 << 8);
	close(a.ready[0]);
	close(a.ready[1]);
	close(pidfd);
}

/*
 * CLONE_WAIT_PIDFD | CLONE_AUTOREAP: both apply.  The stop is hidden from
 * generic waits (F7) but seen by waitid(P_PIDFD); the exit is autoreaped
 * (F9): no zombie, status through the pidfd, and the focused wait finds
 * no child any more.
 */
TEST_TIMEOUT(autoreap_with_clone_wait_pidfd_both_apply, 60)
{
	int pidfd, go, st;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F7();
	EW_NEED_F9();
	/* the autoreap rule still holds: exit_signal must be 0 */
	pidfd = -1;
	EXPECT_EQ(ew_clone3_refused(AUTOREAP_FLAGS | CLONE_WAIT_PIDFD, SIGCHLD, &pidfd), EINVAL);
	EXPECT_EQ(pidfd, -1);

	pid = ew_spawn_blocked_flags(&pidfd, &go, 12, AUTOREAP_FLAGS | CLONE_WAIT_PIDFD, 0);
	ASSERT_GT(pid, 0);
	expect_stop_via_pidfd(pidfd, pid);
	/* stopped again for the generic waits (the stop was consumed above) */
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGCONT, NULL, 0));
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGSTOP, NULL, 0));
	ASSERT_TRUE(ew_wait_state(pid, "T"));
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WSTOPPED | WNOHANG | __WALL), ECHILD);
	EXPECT_ERRNO(waitpid(-1, &st, WUNTRACED | WNOHANG | __WALL), ECHILD);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WSTOPPED | WNOHANG | __WALL), 0);
	EXPECT_EQ(si.si_pid, pid);
	EXPECT_EQ(si.si_status, SIGSTOP);
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGCONT, NULL, 0));
	close(go);
	expect_autoreaped(pidfd, pid, 12 << 8);
	EXPECT_ERRNO(waitid(P_PIDFD, pidfd, &si, WEXITED | __WALL), ECHILD);
	EXPECT_ERRNO(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOHANG | __WALL), ECHILD);
	close(pidfd);
}
