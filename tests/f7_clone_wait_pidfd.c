// SPDX-License-Identifier: GPL-2.0
/*
 * F7: CLONE_WAIT_PIDFD (clone3 flag 1ULL << 40; never merged upstream, the
 * project's own patch).  One test per bullet of SPEC F7:
 *
 *   - hidden from every generic wait (wait4(-1), waitpid(0), waitpid(-pgid),
 *     waitid(P_ALL), waitid(P_PGID)), with and without WNOHANG, alive and
 *     zombie: ECHILD when no other child qualifies;
 *   - seen by the focused waits (waitpid(pid), waitid(P_PID), P_PIDFD);
 *   - clone3 only; EINVAL without CLONE_PIDFD, with CLONE_THREAD or with
 *     CLONE_PARENT;
 *   - survives exec, also by a non-leader thread; not inherited;
 *   - cleared on reparenting, to a subreaper and to a pid namespace's init;
 *   - exit_signal unchanged;
 *   - the use case: a library's hidden helper survives the host program's
 *     wait(-1) loop and is reaped by the library through its pidfd.
 *
 *   - the exiting init of a pid namespace reaps its hidden children (zombie,
 *     and alive with exit_signal 0), also unprivileged in a user namespace;
 *   - a parent that ptraces its hidden child sees its stops through generic
 *     waits, but reaps it only with a focused wait.
 *
 * SKIPs where clone3 rejects the flag (EINVAL): every upstream kernel.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include <sched.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>

/* a hidden child that exits with code once *go is written or closed */
static pid_t spawn_hidden(int *pidfd, int *go, int code, int exit_signal)
{
	int p[2];
	pid_t pid;

	ASSERT_OK(pipe2(p, O_CLOEXEC));
	pid = ew_fork_pidfd(pidfd, CLONE_WAIT_PIDFD, exit_signal);
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		ew_close_all_but(p[0]);
		ew_wait_byte(p[0]);
		_exit(code);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

/* the hidden child is a zombie: a focused, non-reaping wait sees it */
static void wait_zombie(int pidfd)
{
	siginfo_t si;

	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT | __WALL), 0);
	ASSERT_NE(si.si_pid, 0);
}

/*
 * Every generic wait form, with options added, must answer ECHILD.  Only
 * the hidden child exists, so a correct kernel never blocks; a buggy one
 * would reap (zombie) or block (alive), which the alarm turns into a
 * failure.
 */
static void expect_generic_waits_echild(int extra)
{
	siginfo_t si;
	int st;

	alarm(60);
	EXPECT_ERRNO(wait4(-1, &st, extra, NULL), ECHILD);
	EXPECT_ERRNO(waitpid(-1, &st, extra), ECHILD);
	EXPECT_ERRNO(waitpid(0, &st, extra), ECHILD);
	EXPECT_ERRNO(waitpid(-getpgrp(), &st, extra), ECHILD);
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WEXITED | extra), ECHILD);
	EXPECT_ERRNO(waitid(P_PGID, 0, &si, WEXITED | extra), ECHILD);
	EXPECT_ERRNO(waitid(P_PGID, getpgrp(), &si, WEXITED | extra), ECHILD);
	EXPECT_ERRNO(wait4(-1, &st, extra | __WALL, NULL), ECHILD);
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WEXITED | extra | __WALL), ECHILD);
	alarm(0);
}

TEST(hidden_child_alive_is_invisible_to_generic_waits)
{
	int pidfd, go, st;
	pid_t pid;

	EW_NEED_F7();
	pid = spawn_hidden(&pidfd, &go, 3, SIGCHLD);
	expect_generic_waits_echild(WNOHANG);
	expect_generic_waits_echild(0);
	close(go);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_EQ(st, 3 << 8);
	close(pidfd);
}

TEST(hidden_child_zombie_is_invisible_to_generic_waits)
{
	int pidfd, go, st;
	pid_t pid;

	EW_NEED_F7();
	pid = spawn_hidden(&pidfd, &go, 4, SIGCHLD);
	close(go);
	wait_zombie(pidfd);
	expect_generic_waits_echild(WNOHANG);
	expect_generic_waits_echild(0);
	/* still there, untouched */
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_EQ(st, 4 << 8);
	close(pidfd);
}

/* generic waits still see the other children, and only them */
TEST(generic_waits_reap_other_children_around_hidden_one)
{
	int pidfd, go, ngo, st, npidfd;
	pid_t hidden, normal;

	EW_NEED_F7();
	hidden = spawn_hidden(&pidfd, &go, 5, SIGCHLD);
	close(go);
	wait_zombie(pidfd);
	normal = ew_spawn_blocked(&npidfd, &ngo, 6);
	ASSERT_GT(normal, 0);
	/* a live normal child: WNOHANG finds nothing to reap, but no ECHILD */
	EXPECT_EQ(waitpid(-1, &st, WNOHANG), 0);
	close(ngo);
	ASSERT_EQ(wait4(-1, &st, 0, NULL), normal);
	EXPECT_EQ(st, 6 << 8);
	EXPECT_ERRNO(wait4(-1, &st, WNOHANG, NULL), ECHILD);
	ASSERT_EQ(waitpid(hidden, &st, 0), hidden);
	EXPECT_EQ(st, 5 << 8);
	close(npidfd);
	close(pidfd);
}

TEST(focused_waits_see_hidden_child)
{
	int pidfd[3], go[3], st, i;
	pid_t pid[3];
	siginfo_t si;

	EW_NEED_F7();
	for (i = 0; i < 3; i++)
		pid[i] = spawn_hidden(&pidfd[i], &go[i], 10 + i, SIGCHLD);
	/* alive: seen, nothing to reap yet */
	EXPECT_EQ(waitpid(pid[0], &st, WNOHANG), 0);
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(waitid(P_PID, pid[1], &si, WEXITED | WNOHANG), 0);
	EXPECT_EQ(si.si_pid, 0);
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(waitid(P_PIDFD, pidfd[2], &si, WEXITED | WNOHANG), 0);
	EXPECT_EQ(si.si_pid, 0);
	for (i = 0; i < 3; i++)
		close(go[i]);
	/* each form reaps its own child */
	ASSERT_EQ(waitpid(pid[0], &st, 0), pid[0]);
	EXPECT_EQ(st, 10 << 8);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PID, pid[1], &si, WEXITED), 0);
	EXPECT_EQ(si.si_pid, pid[1]);
	EXPECT_EQ(si.si_status, 11);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, pidfd[2], &si, WEXITED), 0);
	EXPECT_EQ(si.si_pid, pid[2]);
	EXPECT_EQ(si.si_status, 12);
	for (i = 0; i < 3; i++)
		close(pidfd[i]);
}

static int child_exit_at_once(void *arg)
{
	return 0;
}

TEST(clone_wait_pidfd_requires_clone_pidfd)
{
	struct ew_clone_args args;

	EW_NEED_F7();
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_WAIT_PIDFD;
	args.exit_signal = SIGCHLD;
	EXPECT_ERRNO(ew_clone3_fn(&args, child_exit_at_once, NULL), EINVAL);
	args.exit_signal = 0;
	EXPECT_ERRNO(ew_clone3_fn(&args, child_exit_at_once, NULL), EINVAL);
}

TEST(clone_wait_pidfd_rejects_clone_thread)
{
	struct ew_clone_args args;
	int pidfd = -1;
	void *stack;

	EW_NEED_F7();
	stack = ew_thread_stack(1 << 16);
	ASSERT_TRUE(stack != NULL);
	memset(&args, 0, sizeof(args));
	args.flags = EW_THREAD_FLAGS | CLONE_PIDFD | CLONE_WAIT_PIDFD;
	args.pidfd = (uintptr_t)&pidfd;
	args.exit_signal = 0;
	args.stack = (uintptr_t)stack;
	args.stack_size = 1 << 16;
	EXPECT_ERRNO(ew_clone3_fn(&args, child_exit_at_once, NULL), EINVAL);
	EXPECT_EQ(pidfd, -1);
}

TEST(clone_wait_pidfd_rejects_clone_parent)
{
	struct ew_clone_args args;
	int pidfd = -1;

	EW_NEED_F7();
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PIDFD | CLONE_WAIT_PIDFD | CLONE_PARENT;
	args.pidfd = (uintptr_t)&pidfd;
	args.exit_signal = 0;	/* CLONE_PARENT itself requires 0 */
	EXPECT_ERRNO(ew_clone3_fn(&args, child_exit_at_once, NULL), EINVAL);
	EXPECT_EQ(pidfd, -1);
}

/* the flag is a property of the process: it survives exec */
TEST(hidden_property_survives_exec)
{
	int go[2], ready[2], pidfd, st;
	pid_t pid;

	EW_NEED_F7();
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(pipe2(ready, O_CLOEXEC));
	pid = ew_fork_pidfd(&pidfd, CLONE_WAIT_PIDFD, SIGCHLD);
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		close(go[1]);
		close(ready[0]);
		fcntl(go[0], F_SETFD, 0);
		fcntl(ready[1], F_SETFD, 0);
		ew_exec_self_helper(go[0], ready[1], 21);
		_exit(120);
	}
	close(go[0]);
	close(ready[1]);
	ASSERT_EQ(ew_wait_byte(ready[0]), 1);	/* the new image runs */
	expect_generic_waits_echild(WNOHANG);
	close(go[1]);
	wait_zombie(pidfd);
	expect_generic_waits_echild(WNOHANG);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_EQ(st, 21 << 8);
	close(ready[0]);
	close(pidfd);
}

/* ... also when a non-leader thread execs and takes over the leader's pid */
TEST(hidden_property_survives_exec_by_non_leader_thread)
{
	struct ew_group g;
	int st;

	EW_NEED_F7();
	ASSERT_OK(ew_group_spawn_flags(&g, CLONE_WAIT_PIDFD, EW_BLOCK, 0, EW_EXEC, 22));
	ew_poke(g.thread_go);
	ASSERT_EQ(ew_wait_byte(g.exec_ready), 1);
	expect_generic_waits_echild(WNOHANG);
	ew_poke(g.exec_go);
	wait_zombie(g.pidfd);
	expect_generic_waits_echild(WNOHANG);
	ASSERT_EQ(waitpid(g.pid, &st, 0), g.pid);
	EXPECT_EQ(st, 22 << 8);
	ew_group_end(&g);
}

/* the hidden child's own children are ordinary: its wait(-1) sees them */
TEST(hidden_property_not_inherited_by_children)
{
	int pidfd, st;
	pid_t pid;

	EW_NEED_F7();
	pid = ew_fork_pidfd(&pidfd, CLONE_WAIT_PIDFD, SIGCHLD);
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		int gst;
		pid_t gc = fork();

		if (gc < 0)
			_exit(1);
		if (gc == 0)
			_exit(33);
		if (wait4(-1, &gst, 0, NULL) != gc || gst != 33 << 8)
			_exit(2);
		/* and a grandchild created with plain clone3 + CLONE_PIDFD */
		{
			int gfd = -1;

			gc = ew_fork_pidfd(&gfd, 0, SIGCHLD);
			if (gc < 0)
				_exit(1);
			if (gc == 0)
				_exit(34);
			if (waitid(P_ALL, 0, &(siginfo_t){ 0 }, WEXITED) != 0)
				_exit(3);
		}
		_exit(0);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_EQ(st, 0);
	close(pidfd);
}

/*
 * The hidden child's parent dies; the child is reparented to us, a
 * subreaper, and is now an ordinary child: generic waits see and reap it.
 */
TEST(hidden_property_cleared_on_reparent_to_subreaper)
{
	int go[2], info[2], st;
	siginfo_t si;
	pid_t mid, hidden;

	EW_NEED_F7();
	ASSERT_OK(prctl(PR_SET_CHILD_SUBREAPER, 1));
	ASSERT_OK(pipe2(go, O_CLOEXEC));
	ASSERT_OK(pipe2(info, O_CLOEXEC));
	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0) {
		int pidfd;
		pid_t h;

		close(go[1]);
		close(info[0]);
		h = ew_fork_pidfd(&pidfd, CLONE_WAIT_PIDFD, SIGCHLD);
		if (h < 0)
			_exit(1);
		if (h == 0) {
			ew_wait_byte(go[0]);
			_exit(44);
		}
		if (write(info[1], &h, sizeof(h)) != sizeof(h))
			_exit(1);
		_exit(0);	/* orphan the hidden child */
	}
	close(go[0]);
	close(info[1]);
	ASSERT_EQ(read(info[0], &hidden, sizeof(hidden)), sizeof(hidden));
	close(info[0]);
	ASSERT_EQ(waitpid(mid, &st, 0), mid);
	ASSERT_EQ(st, 0);
	/* the orphan is ours now, alive, and visible to a generic wait */
	memset(&si, 0, sizeof(si));
	EXPECT_EQ(waitid(P_ALL, 0, &si, WEXITED | WNOHANG), 0);
	EXPECT_EQ(si.si_pid, 0);
	close(go[1]);
	alarm(60);
	ASSERT_EQ(wait4(-1, &st, 0, NULL), hidden);
	alarm(0);
	EXPECT_EQ(st, 44 << 8);
}

/*
 * The same with a pid namespace's init as the new parent: init's generic
 * wait loop reaps the orphan (and its exit would hang otherwise, as
 * zap_pid_ns_processes() waits for every child).
 */
static int pidns_init_reaps_orphan(void)
{
	int go[2], info[2], st;
	pid_t mid, hidden, w;

	if (pipe2(go, O_CLOEXEC) || pipe2(info, O_CLOEXEC))
		return 10;
	mid = fork();
	if (mid < 0)
		return 11;
	if (mid == 0) {
		int pidfd;
		pid_t h;

		close(go[1]);
		close(info[0]);
		h = ew_fork_pidfd(&pidfd, CLONE_WAIT_PIDFD, SIGCHLD);
		if (h < 0)
			_exit(1);
		if (h == 0) {
			ew_wait_byte(go[0]);
			_exit(55);
		}
		if (write(info[1], &h, sizeof(h)) != sizeof(h))
			_exit(1);
		_exit(0);
	}
	close(go[0]);
	close(info[1]);
	if (read(info[0], &hidden, sizeof(hidden)) != sizeof(hidden))
		return 12;
	if (waitpid(mid, &st, 0) != mid || st != 0)
		return 13;
	close(go[1]);
	w = wait4(-1, &st, 0, NULL);
	if (w != hidden) {
		TH_LOG("init's wait4(-1): %d (%s), want the orphan %d", w,
		       w < 0 ? strerror(errno) : "another pid", hidden);
		return 14;
	}
	if (st != 55 << 8)
		return 15;
	return 0;
}

TEST(hidden_property_cleared_on_reparent_to_pidns_init)
{
	int st;
	pid_t mid;

	EW_NEED_F7();
	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0) {
		pid_t init;

		if (unshare(CLONE_NEWPID))
			SKIP("cannot create a pid namespace: %s", strerror(errno));
		init = fork();
		if (init < 0)
			_exit(1);
		if (init == 0)
			_exit(pidns_init_reaps_orphan());
		if (waitpid(init, &st, 0) != init)
			_exit(1);
		_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
	}
	alarm(60);
	ASSERT_EQ(waitpid(mid, &st, 0), mid);
	alarm(0);
	if (WIFEXITED(st) && WEXITSTATUS(st) == KTAP_SKIP)
		ktap_end_test(KTAP_SKIP);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 0);
}

static int pending_shared(int sig)
{
	return !!(ew_sigmask_of(getpid(), getpid(), "ShdPnd") & EW_SIGBIT(sig));
}

/* exit_signal is unchanged: SIGCHLD, another signal, or none */
TEST(hidden_child_exit_signal_is_unchanged)
{
	static const int sigs[] = { SIGCHLD, SIGUSR1, 0 };
	sigset_t set;
	unsigned int i;

	EW_NEED_F7();
	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGUSR1);
	ASSERT_OK(sigprocmask(SIG_BLOCK, &set, NULL));
	for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		int pidfd, go, st;
		siginfo_t si;
		pid_t pid;

		pid = spawn_hidden(&pidfd, &go, 60 + i, sigs[i]);
		close(go);
		wait_zombie(pidfd);
		EXPECT_EQ(pending_shared(SIGCHLD), sigs[i] == SIGCHLD);
		EXPECT_EQ(pending_shared(SIGUSR1), sigs[i] == SIGUSR1);
		if (sigs[i]) {
			struct timespec ts = { 0, 0 };

			memset(&si, 0, sizeof(si));
			ASSERT_EQ(sigtimedwait(&set, &si, &ts), sigs[i]);
			EXPECT_EQ(si.si_pid, pid);
		}
		/* a child with exit_signal other than SIGCHLD needs __WALL */
		ASSERT_EQ(waitpid(pid, &st, __WALL), pid);
		EXPECT_EQ(st, (60 + (int)i) << 8);
		close(pidfd);
	}
}

/*
 * The seed's use case: a library starts a helper with CLONE_WAIT_PIDFD and
 * exit_signal 0; the host program reaps "all its children" with a
 * wait(-1) loop; the helper's zombie survives it, and the library reaps it
 * through its pidfd, with the right status.
 */
TEST(library_helper_survives_host_wait_loop)
{
	int lib_pidfd, lib_go, host_go[4], host_fd[4], st, i, reaped = 0;
	pid_t helper, host[4], w;
	siginfo_t si;

	EW_NEED_F7();
	/* the library's helper, already dead when the host starts reaping */
	helper = spawn_hidden(&lib_pidfd, &lib_go, 99, 0);
	close(lib_go);
	wait_zombie(lib_pidfd);
	for (i = 0; i < 4; i++) {
		host[i] = ew_spawn_blocked(&host_fd[i], &host_go[i], i);
		ASSERT_GT(host[i], 0);
		close(host_fd[i]);	/* the host does not use pidfds */
		close(host_go[i]);
	}
	/* the host program's loop: reap until ECHILD */
	alarm(60);
	while ((w = wait(&st)) > 0) {
		EXPECT_NE(w, helper);
		reaped++;
	}
	alarm(0);
	EXPECT_EQ(errno, ECHILD);
	EXPECT_EQ(reaped, 4);
	/* the library: its pidfd says exited, and it reaps its helper */
	EXPECT_TRUE(ew_poll(lib_pidfd, POLLIN, 0) & POLLIN);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, lib_pidfd, &si, WEXITED | __WALL), 0);
	EXPECT_EQ(si.si_pid, helper);
	EXPECT_EQ(si.si_code, CLD_EXITED);
	EXPECT_EQ(si.si_status, 99);
	close(lib_pidfd);
}

/*
 * A pid namespace's init that exits while it has a hidden child must
 * finish exiting: zap_pid_ns_processes() reaps every child of the exiting
 * init with a wait for any child, which must see the hidden one too, or
 * init waits forever for the namespace to empty (unkillable, its pids and
 * namespace leaked).  Two ways in: a hidden zombie (exit_signal SIGCHLD,
 * not reaped before init exits) and a hidden live child with exit_signal 0
 * (killed by the namespace's teardown, never autoreaped).  Both also as an
 * unprivileged user in a user namespace of its own, the way anyone can
 * reach it.
 *
 * The outer process creates the namespace, forks its init with a pidfd
 * and gives init 20 s to be reapable; a kernel with the bug fails the
 * case instead of hanging the suite (the stuck init is then left behind:
 * it cannot be killed).
 */
enum { INIT_HIDDEN_ZOMBIE, INIT_HIDDEN_LIVE_NO_SIGNAL };

static int pidns_init_with_hidden_child(int kind)
{
	int pidfd, go[2];
	pid_t h;

	if (pipe2(go, O_CLOEXEC))
		return 20;
	h = ew_fork_pidfd(&pidfd, CLONE_WAIT_PIDFD,
			  kind == INIT_HIDDEN_ZOMBIE ? SIGCHLD : 0);
	if (h < 0)
		return 21;
	if (h == 0) {
		if (kind == INIT_HIDDEN_ZOMBIE)
			_exit(3);
		ew_wait_byte(go[0]);	/* never written: killed by the teardown */
		_exit(4);
	}
	if (kind == INIT_HIDDEN_ZOMBIE) {
		siginfo_t si;

		/* a zombie now, and left unreaped */
		memset(&si, 0, sizeof(si));
		if (waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT) || si.si_pid != h)
			return 22;
	}
	return 7;	/* init exits with its hidden child still there */
}

/* returns 0 when init was reaped with status 7, KTAP_SKIP, or a failure code */
static int outer_pidns_case(int kind, int unprivileged)
{
	int pidfd, st;
	short ev;
	pid_t init;

	if (unprivileged) {
		if (ew_drop_to_nobody()) {
			TH_LOG("cannot drop to uid 65534: %s", strerror(errno));
			return KTAP_SKIP;
		}
		if (unshare(CLONE_NEWUSER | CLONE_NEWPID)) {
			TH_LOG("an unprivileged user cannot create user and pid namespaces: %s",
			       strerror(errno));
			return KTAP_SKIP;
		}
	} else if (unshare(CLONE_NEWPID)) {
		TH_LOG("cannot create a pid namespace: %s", strerror(errno));
		return KTAP_SKIP;
	}
	init = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
	if (init < 0)
		return 30;
	if (init == 0)
		_exit(getpid() == 1 ? pidns_init_with_hidden_child(kind) : 31);
	ev = ew_poll(pidfd, POLLIN, 20000);
	if (!(ev & POLLIN)) {
		TH_LOG("the namespace's init (pid %d) did not finish exiting within 20 s: state %c",
		       init, ew_task_state(init) ? ew_task_state(init) : '-');
		return 32;
	}
	if (waitpid(init, &st, 0) != init)
		return 33;
	if (!WIFEXITED(st) || WEXITSTATUS(st) != 7) {
		TH_LOG("init's status %#x, want exit 7", st);
		return 34;
	}
	return 0;
}

static void pidns_case(int kind, int unprivileged)
{
	int st;
	pid_t mid;

	EW_NEED_F7();
	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0)
		_exit(outer_pidns_case(kind, unprivileged));
	alarm(60);
	ASSERT_EQ(waitpid(mid, &st, 0), mid);
	alarm(0);
	ASSERT_TRUE(WIFEXITED(st));
	if (WEXITSTATUS(st) == KTAP_SKIP)
		SKIP("cannot create the namespaces (see the diagnostics)");
	EXPECT_EQ(WEXITSTATUS(st), 0);
}

TEST_TIMEOUT(pidns_init_exits_with_hidden_zombie_child, 90)
{
	pidns_case(INIT_HIDDEN_ZOMBIE, 0);
}

TEST_TIMEOUT(pidns_init_exits_with_hidden_live_child_exit_signal_0, 90)
{
	pidns_case(INIT_HIDDEN_LIVE_NO_SIGNAL, 0);
}

TEST_TIMEOUT(unprivileged_pidns_init_exits_with_hidden_zombie_child, 90)
{
	pidns_case(INIT_HIDDEN_ZOMBIE, 1);
}

TEST_TIMEOUT(unprivileged_pidns_init_exits_with_hidden_live_child, 90)
{
	pidns_case(INIT_HIDDEN_LIVE_NO_SIGNAL, 1);
}

/*
 * A parent that also ptraces its hidden child: its generic waits report
 * the child's ptrace stops (a debugger's waitpid(-1, __WALL) loop keeps
 * working), but never reap it: once the child is a zombie, wait4(-1) says
 * ECHILD as for an untraced hidden child, and only a wait that names the
 * child reaps it, with its status.
 */
TEST(hidden_child_traced_by_parent_is_reaped_only_by_focused_wait)
{
	int pidfd, go, st;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F7();
	pid = spawn_hidden(&pidfd, &go, 12, SIGCHLD);
	ASSERT_TRUE(ew_wait_state(pid, "S"));
	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL)) {
		close(go);
		waitpid(pid, NULL, 0);
		close(pidfd);
		SKIP("cannot ptrace the child: %s", strerror(errno));
	}
	/* a ptrace stop is reported to the tracer's generic wait */
	ASSERT_OK(ptrace(PTRACE_INTERRUPT, pid, NULL, NULL));
	alarm(60);
	ASSERT_EQ(waitpid(-1, &st, __WALL), pid);
	alarm(0);
	EXPECT_TRUE(WIFSTOPPED(st));
	EXPECT_EQ(st >> 16, PTRACE_EVENT_STOP);
	ASSERT_OK(ptrace(PTRACE_CONT, pid, NULL, NULL));
	/* let it exit; the exit is not reaped by any generic wait */
	close(go);
	ASSERT_TRUE(ew_wait_state(pid, "Z"));
	EXPECT_ERRNO(wait4(-1, &st, WNOHANG | __WALL, NULL), ECHILD);
	EXPECT_ERRNO(waitpid(-1, &st, WNOHANG), ECHILD);
	EXPECT_ERRNO(waitid(P_ALL, 0, &si, WEXITED | WNOHANG | __WALL), ECHILD);
	EXPECT_ERRNO(waitpid(0, &st, WNOHANG | __WALL), ECHILD);
	EXPECT_EQ(ew_task_state(pid), 'Z');
	/* the focused wait reaps it */
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_TRUE(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), 12);
	close(pidfd);
}
