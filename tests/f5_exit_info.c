// SPDX-License-Identifier: GPL-2.0
/*
 * F5: PIDFD_INFO_EXIT (upstream 6.15).
 *
 * Once a task is reaped, any pidfd opened before the reap reports its
 * wait(2) status word, for as long as it is open; EPOLLHUP seen implies the
 * info is readable; a leader that exits before its threads has it only once
 * the group is gone; the cgroup id is the one at exit.  SKIPs on a kernel
 * without PIDFD_INFO_EXIT.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include <sched.h>
#include <sys/utsname.h>
#include <bpf/btf.h>
#include <sys/prctl.h>

TEST(exit_info_reports_exit_code)
{
	int pidfd, go, status;
	pid_t pid;

	EW_NEED_F5();
	pid = ew_spawn_blocked(&pidfd, &go, 42);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 42);
	ew_expect_exit_info(pidfd, status);
	ew_expect_exit_info(pidfd, 42 << 8);
	close(pidfd);
}

TEST(exit_info_reports_sigkill)
{
	int pidfd, go, status;
	pid_t pid;

	EW_NEED_F5();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0));
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	ew_expect_exit_info(pidfd, SIGKILL);
	close(go);
	close(pidfd);
}

TEST(exit_info_absent_until_reaped)
{
	struct ew_pidfd_info info;
	int pidfd, go;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F5();
	pid = ew_spawn_blocked(&pidfd, &go, 1);
	ASSERT_GT(pid, 0);
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_PID));
	EXPECT_FALSE(info.mask & EW_PIDFD_INFO_EXIT);	/* running */
	close(go);
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_PID));
	EXPECT_FALSE(info.mask & EW_PIDFD_INFO_EXIT);	/* zombie */
	EXPECT_TRUE(info.mask & EW_PIDFD_INFO_PID);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	ew_expect_exit_info(pidfd, 1 << 8);
	/* reaped: only EXIT (and the cgroup id snapshot), no pid or creds */
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_PID |
				    EW_PIDFD_INFO_CREDS));
	EXPECT_FALSE(info.mask & (EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
	close(pidfd);
}

TEST(exit_info_stays_readable_while_pidfd_open)
{
	int pidfd, go, dup_fd, i;
	pid_t pid;

	EW_NEED_F5();
	pid = ew_spawn_blocked(&pidfd, &go, 17);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	dup_fd = ASSERT_OK(fcntl(pidfd, F_DUPFD_CLOEXEC, 0));
	for (i = 0; i < 100; i++)
		ew_expect_exit_info(pidfd, 17 << 8);
	close(pidfd);
	ew_expect_exit_info(dup_fd, 17 << 8);
	close(dup_fd);
}

/* a pidfd opened on the zombie, after the exit but before the reap */
TEST(exit_info_for_pidfd_opened_on_zombie)
{
	int pidfd, late, go, status;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F5();
	pid = ew_spawn_blocked(&pidfd, &go, 23);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	late = ASSERT_OK(sys_pidfd_open(pid, 0));
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	ew_expect_exit_info(late, status);
	close(late);
	close(pidfd);
}

TEST(pidfd_open_after_reap_is_esrch)
{
	int pidfd, go;
	pid_t pid;

	EW_NEED_F5();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	EXPECT_ERRNO(sys_pidfd_open(pid, 0), ESRCH);
	/* the pidfd from before the reap still has the info */
	ew_expect_exit_info(pidfd, 0);
	close(pidfd);
}

TEST(exit_info_exit_group_from_non_leader_thread)
{
	struct ew_group g;
	int status;

	EW_NEED_F5();
	ASSERT_OK(ew_group_spawn(&g, EW_BLOCK, 0, EW_EXIT_GROUP, 5));
	ew_poke(g.thread_go);
	ASSERT_EQ(waitpid(g.pid, &status, 0), g.pid);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 5);
	ew_expect_exit_info(g.pidfd, status);
	ew_group_end(&g);
}

/*
 * The leader exits (SYS_exit) while its thread runs: no exit information,
 * and no readiness, until the thread is gone.  The thread then exits the
 * group, whose code is what wait and PIDFD_INFO_EXIT both report.
 */
TEST(exit_info_leader_exits_before_thread_group_exit)
{
	struct ew_pidfd_info info;
	struct ew_group g;
	int status;

	EW_NEED_F5();
	ASSERT_OK(ew_group_spawn(&g, EW_EXIT_THREAD, 3, EW_EXIT_GROUP, 6));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	ASSERT_OK(ew_pidfd_get_info(g.pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_PID));
	EXPECT_FALSE(info.mask & EW_PIDFD_INFO_EXIT);
	EXPECT_EQ(ew_poll(g.pidfd, POLLIN, 0), 0);
	ew_poke(g.thread_go);
	ASSERT_EQ(waitpid(g.pid, &status, 0), g.pid);
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 6);
	ew_expect_exit_info(g.pidfd, status);
	ew_group_end(&g);
}

/* as above, but the last thread leaves with a plain SYS_exit, not exit_group */
TEST(exit_info_leader_exits_before_thread_plain_exit)
{
	struct ew_pidfd_info info;
	struct ew_group g;
	int status;

	EW_NEED_F5();
	ASSERT_OK(ew_group_spawn(&g, EW_EXIT_THREAD, 3, EW_EXIT_THREAD, 9));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	ASSERT_OK(ew_pidfd_get_info(g.pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_PID));
	EXPECT_FALSE(info.mask & EW_PIDFD_INFO_EXIT);
	ew_poke(g.thread_go);
	ASSERT_EQ(waitpid(g.pid, &status, 0), g.pid);
	/*
	 * The last thread to exit sets the group's exit code (since 5.19,
	 * also in 6.1): wait reports 9, not the leader's 3, and so must
	 * PIDFD_INFO_EXIT (upstream 9133607de37a).
	 */
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(WEXITSTATUS(status), 9);
	ew_expect_exit_info(g.pidfd, status);
	ew_group_end(&g);
}

TEST(exit_info_leader_exits_before_thread_killed)
{
	struct ew_group g;
	int status;

	EW_NEED_F5();
	ASSERT_OK(ew_group_spawn(&g, EW_EXIT_THREAD, 3, EW_BLOCK, 0));
	ew_poke(g.leader_go);
	ASSERT_TRUE(ew_wait_state(g.pid, "Z"));
	ASSERT_OK(sys_pidfd_send_signal(g.pidfd, SIGKILL, NULL, 0));
	ASSERT_EQ(waitpid(g.pid, &status, 0), g.pid);
	ASSERT_TRUE(WIFSIGNALED(status));
	EXPECT_EQ(WTERMSIG(status), SIGKILL);
	ew_expect_exit_info(g.pidfd, status);
	ew_group_end(&g);
}

/* a holder that is not the parent: the reaper is another process */
TEST(exit_info_for_non_parent_holder)
{
	int to_mid[2], from_mid[2], status, pidfd;
	pid_t mid, grandchild;
	short rev;

	EW_NEED_F5();
	ASSERT_OK(pipe2(to_mid, O_CLOEXEC));
	ASSERT_OK(pipe2(from_mid, O_CLOEXEC));
	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0) {
		pid_t gc;
		int st;

		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(to_mid[1]);
		close(from_mid[0]);
		gc = fork();
		if (gc < 0)
			_exit(1);
		if (gc == 0) {
			prctl(PR_SET_PDEATHSIG, SIGKILL);
			ew_wait_byte(to_mid[0]);
			_exit(77);
		}
		if (write(from_mid[1], &gc, sizeof(gc)) != sizeof(gc))
			_exit(1);
		/* the middle process is the parent and reaps */
		if (waitpid(gc, &st, 0) != gc)
			_exit(1);
		_exit(st == 77 << 8 ? 0 : 2);
	}
	close(to_mid[0]);
	close(from_mid[1]);
	ASSERT_EQ(read(from_mid[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	close(from_mid[0]);
	pidfd = ASSERT_OK(sys_pidfd_open(grandchild, 0));
	close(to_mid[1]);	/* the grandchild exits, its parent reaps */
	rev = ew_poll(pidfd, POLLIN, 20000);
	while (!(rev & POLLHUP) && rev > 0)
		rev = ew_poll(pidfd, 0, 20000);
	ASSERT_TRUE(rev & POLLHUP);
	ew_expect_exit_info(pidfd, 77 << 8);
	ASSERT_EQ(waitpid(mid, &status, 0), mid);
	EXPECT_EQ(status, 0);
	close(pidfd);
}

/* SIGCHLD ignored: the kernel reaps at exit; the pidfd still has the info */
TEST(exit_info_for_autoreaped_child)
{
	struct sigaction sa = { .sa_handler = SIG_IGN };
	int pidfd, go;
	pid_t pid;

	EW_NEED_F5();
	ASSERT_OK(sigaction(SIGCHLD, &sa, NULL));
	pid = ew_spawn_blocked(&pidfd, &go, 31);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(ew_poll(pidfd, 0, 20000), POLLHUP);
	ew_expect_exit_info(pidfd, 31 << 8);
	EXPECT_ERRNO(waitpid(pid, NULL, 0), ECHILD);
	close(pidfd);
}

static int reaper_pipe[2];

static void *reaper_thread(void *arg)
{
	pid_t pid;

	while (read(reaper_pipe[0], &pid, sizeof(pid)) == sizeof(pid))
		if (waitpid(pid, NULL, 0) != pid)
			return (void *)1;
	return NULL;
}

/*
 * EPOLLHUP seen => exit info readable, with a reaper thread racing the
 * poller.  Half the rounds spin on poll() while the reaper works, half
 * sleep in poll() for EPOLLHUP alone.  EW_HUP_ROUNDS sets the count.
 */
TEST_TIMEOUT(epollhup_implies_exit_info_racing_reaper, 600)
{
	long rounds = ew_env_long("EW_HUP_ROUNDS", 2000), i, spins = 0;
	pthread_t reaper;
	void *ret;

	EW_NEED_F5();
	ASSERT_OK(pipe2(reaper_pipe, O_CLOEXEC));
	ASSERT_EQ(pthread_create(&reaper, NULL, reaper_thread, NULL), 0);
	for (i = 0; i < rounds; i++) {
		struct ew_pidfd_info info;
		int pidfd = -1, code = i & 0x7f;
		short rev;
		pid_t pid;

		pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
		ASSERT_GE(pid, 0);
		if (pid == 0)
			_exit(code);
		ASSERT_EQ(write(reaper_pipe[1], &pid, sizeof(pid)), sizeof(pid));
		if (i & 1) {
			rev = ew_poll(pidfd, 0, 20000);
		} else {
			do {
				rev = ew_poll(pidfd, POLLIN, 20000);
				spins++;
				if (!(rev & POLLHUP))
					sched_yield();
			} while (rev > 0 && !(rev & POLLHUP));
		}
		ASSERT_TRUE(rev & POLLHUP);
		memset(&info, 0, sizeof(info));
		info.mask = EW_PIDFD_INFO_EXIT;
		ASSERT_OK(ioctl(pidfd, EW_PIDFD_GET_INFO, &info));
		if (!(info.mask & EW_PIDFD_INFO_EXIT) || info.exit_code != code << 8)
			TH_LOG("round %ld: EPOLLHUP but mask %#llx exit_code %#x", i,
			       (unsigned long long)info.mask, info.exit_code);
		ASSERT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
		ASSERT_EQ(info.exit_code, code << 8);
		close(pidfd);
	}
	close(reaper_pipe[1]);
	ASSERT_EQ(pthread_join(reaper, &ret), 0);
	EXPECT_TRUE(ret == NULL);
	close(reaper_pipe[0]);
	TH_LOG("%ld rounds (%ld polls in the spinning half): EPOLLHUP always came with exit info",
	       rounds, spins);
}

/* the cgroup id is snapshotted at exit: still reported after rmdir */
TEST(exit_info_cgroupid_is_snapshot_at_exit)
{
	char mnt[1024], rel[4096], dir[5200], procs[5300], num[32];
	struct ew_pidfd_info info;
	int pidfd, go, fd;
	struct stat st;
	pid_t pid;

	EW_NEED_F5();
	if (ew_cgroup2_mount(mnt, sizeof(mnt)) || ew_cgroup2_path(0, rel, sizeof(rel)))
		SKIP("no cgroup2 hierarchy mounted");
	snprintf(dir, sizeof(dir), "%s%s/ew-f5-%d", mnt, strcmp(rel, "/") ? rel : "", getpid());
	if (mkdir(dir, 0755))
		SKIP("cannot create a cgroup (%s): %s", dir, strerror(errno));
	ASSERT_OK(stat(dir, &st));
	pid = ew_spawn_blocked(&pidfd, &go, 12);
	ASSERT_GT(pid, 0);
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", dir);
	fd = open(procs, O_WRONLY | O_CLOEXEC);
	ASSERT_GE(fd, 0);
	snprintf(num, sizeof(num), "%d", pid);
	ASSERT_EQ(write(fd, num, strlen(num)), (ssize_t)strlen(num));
	close(fd);
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_CGROUPID));
	EXPECT_EQ(info.cgroupid, st.st_ino);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	ASSERT_OK(rmdir(dir));
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_CGROUPID));
	EXPECT_TRUE(info.mask & EW_PIDFD_INFO_EXIT);
	EXPECT_TRUE(info.mask & EW_PIDFD_INFO_CGROUPID);
	EXPECT_EQ(info.cgroupid, st.st_ino);
	EXPECT_NE(info.cgroupid, ew_cgroup_id_of(0));
	EXPECT_EQ(info.exit_code, 12 << 8);
	close(pidfd);
}

/*
 * SPEC F5 for the 6.1 backport: exit info is stored per struct pid, which
 * must not grow where it has room.  The 6.1 layout is count, level (4
 * bytes each), spinlock_t lock, struct hlist_head tasks[4] and inodes,
 * wait_queue_head_t wait_pidfd, struct rcu_head rcu, then numbers[]: 96
 * bytes on x86-64 without lock debugging, with a 4-byte hole after a
 * 4-byte lock.  The series puts a 32-bit index there, so the size is the
 * 6.1 one; with lock debugging (a lock of 8n bytes, no hole) it may be 8
 * bytes more.  The 6.1 size is computed from this kernel's own spinlock_t
 * and wait_queue_head_t (BTF) and compared with its struct pid.  Upstream
 * kernels lay struct pid out differently: the bound applies to 6.1 only.
 */
static long btf_size_of(struct btf *btf, const char *name, int kind)
{
	int id = btf__find_by_name_kind(btf, name, kind);

	return id > 0 ? btf__resolve_size(btf, id) : -1;
}

TEST(struct_pid_does_not_grow_on_6_1)
{
	long lock, wq, size, base, room;
	struct utsname u;
	struct btf *btf;

	EW_NEED_F5();
	ASSERT_OK(uname(&u));
	if (strncmp(u.release, "6.1.", 4))
		SKIP("the struct pid size bound is for the 6.1 backport; this is %s", u.release);
	btf = btf__load_vmlinux_btf();
	if (!btf)
		SKIP("no kernel BTF to read struct pid from");
	size = btf_size_of(btf, "pid", BTF_KIND_STRUCT);
	lock = btf_size_of(btf, "spinlock_t", BTF_KIND_TYPEDEF);
	wq = btf_size_of(btf, "wait_queue_head", BTF_KIND_STRUCT);
	btf__free(btf);
	ASSERT_GT(size, 0);
	ASSERT_GT(lock, 0);
	ASSERT_GT(wq, 0);
	base = (8 + lock + 7) / 8 * 8;		/* count, level, lock */
	room = base - (8 + lock);		/* the hole after the lock */
	base += 4 * 8 + 8;			/* tasks[PIDTYPE_MAX], inodes */
	base += (wq + 7) / 8 * 8 + 16;		/* wait_pidfd, rcu */
	TH_LOG("sizeof(struct pid) = %ld bytes; the 6.1 layout with this kernel's locks: %ld (%ld-byte hole after the lock)",
	       size, base, room);
	EXPECT_LE(size, base + (room >= 4 ? 0 : 8));
}
