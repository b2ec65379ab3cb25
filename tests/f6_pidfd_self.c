// SPDX-License-Identifier: GPL-2.0
/*
 * F6: the PIDFD_SELF_THREAD (-10000) and PIDFD_SELF_THREAD_GROUP (-10001)
 * sentinels (upstream 6.15, values of 6.17+).
 *
 * Accepted by pidfd_send_signal, process_madvise and process_mrelease;
 * every other pidfd-taking call answers EBADF (waitid(P_PIDFD) keeps its
 * older EINVAL for a negative fd); no reference to the caller's struct pid
 * or task_struct leaks on these paths.  SKIPs on a kernel without them.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include "ew_bpf.h"
#include <sched.h>
#include <sys/uio.h>
#include "test_pidref.h"
#include "test_pidref.skel.h"

#ifndef MADV_COLD
#define MADV_COLD 20
#endif

static long sys_process_madvise(int pidfd, const struct iovec *iov, size_t n, int advice,
				unsigned int flags)
{
	return syscall(__NR_process_madvise, pidfd, iov, n, advice, flags);
}

/* block sig in the calling thread (and in threads it creates later) */
static void block_signal(int sig)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	ASSERT_EQ(pthread_sigmask(SIG_BLOCK, &set, NULL), 0);
}

/* dequeue a pending (blocked) signal */
static int take_signal(int sig, siginfo_t *si)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, sig);
	return sigwaitinfo(&set, si);
}

static unsigned long long pending_of(pid_t tid, const char *which)
{
	return ew_sigmask_of(getpid(), tid, which);
}

_Static_assert(PIDFD_SELF_THREAD == -10000 && PIDFD_SELF_THREAD_GROUP == -10001 &&
	       PIDFD_SELF == PIDFD_SELF_THREAD && PIDFD_SELF_PROCESS == PIDFD_SELF_THREAD_GROUP,
	       "PIDFD_SELF_* values of 6.17+");

TEST(send_signal_self_thread_group_is_process_directed)
{
	siginfo_t si;

	EW_NEED_F6();
	block_signal(SIGUSR1);
	ASSERT_OK(sys_pidfd_send_signal(PIDFD_SELF_THREAD_GROUP, 0, NULL, 0));
	ASSERT_OK(sys_pidfd_send_signal(PIDFD_SELF_PROCESS, SIGUSR1, NULL, 0));
	EXPECT_TRUE(pending_of(getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(pending_of(getpid(), "SigPnd") & EW_SIGBIT(SIGUSR1));
	ASSERT_EQ(take_signal(SIGUSR1, &si), SIGUSR1);
	EXPECT_EQ(si.si_pid, getpid());
}

struct self_thread_result {
	pid_t tid;
	int ret, err;
	unsigned long long own_pnd, leader_pnd, shared_pnd;
};

static void *self_thread_sender(void *arg)
{
	struct self_thread_result *r = arg;

	r->tid = ew_gettid();
	errno = 0;
	r->ret = sys_pidfd_send_signal(PIDFD_SELF_THREAD, SIGUSR2, NULL, 0);
	r->err = errno;
	r->own_pnd = pending_of(r->tid, "SigPnd");
	r->leader_pnd = pending_of(getpid(), "SigPnd");
	r->shared_pnd = pending_of(r->tid, "ShdPnd");
	return NULL;
}

/* from a non-leader thread: the signal is pending on that thread alone */
TEST(send_signal_self_thread_targets_calling_thread)
{
	struct self_thread_result r = { 0 };
	pthread_t t;

	EW_NEED_F6();
	block_signal(SIGUSR2);	/* inherited by the thread */
	ASSERT_EQ(pthread_create(&t, NULL, self_thread_sender, &r), 0);
	ASSERT_EQ(pthread_join(t, NULL), 0);
	ASSERT_EQ(r.ret, 0);
	EXPECT_NE(r.tid, getpid());
	EXPECT_TRUE(r.own_pnd & EW_SIGBIT(SIGUSR2));
	EXPECT_FALSE(r.leader_pnd & EW_SIGBIT(SIGUSR2));
	EXPECT_FALSE(r.shared_pnd & EW_SIGBIT(SIGUSR2));
}

TEST(send_signal_self_honours_scope_flags)
{
	siginfo_t si;

	EW_NEED_F6();
	block_signal(SIGUSR1);
	/* SELF_THREAD widened to the group by an explicit flag */
	ASSERT_OK(sys_pidfd_send_signal(PIDFD_SELF_THREAD, SIGUSR1, NULL,
					PIDFD_SIGNAL_THREAD_GROUP));
	EXPECT_TRUE(pending_of(getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR1));
	ASSERT_EQ(take_signal(SIGUSR1, &si), SIGUSR1);
	/* SELF_THREAD_GROUP narrowed to the calling thread */
	ASSERT_OK(sys_pidfd_send_signal(PIDFD_SELF_THREAD_GROUP, SIGUSR1, NULL,
					PIDFD_SIGNAL_THREAD));
	EXPECT_TRUE(pending_of(getpid(), "SigPnd") & EW_SIGBIT(SIGUSR1));
	EXPECT_FALSE(pending_of(getpid(), "ShdPnd") & EW_SIGBIT(SIGUSR1));
	ASSERT_EQ(take_signal(SIGUSR1, &si), SIGUSR1);
	/* more than one scope, or an unknown flag */
	EXPECT_ERRNO(sys_pidfd_send_signal(PIDFD_SELF, 0, NULL,
					   PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP), EINVAL);
	EXPECT_ERRNO(sys_pidfd_send_signal(PIDFD_SELF, 0, NULL, 1U << 3), EINVAL);
}

TEST(process_madvise_accepts_self)
{
	size_t len = 4 * 4096;
	struct iovec iov;
	char *m;

	EW_NEED_F6();
	m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(m != MAP_FAILED);
	memset(m, 1, len);
	iov.iov_base = m;
	iov.iov_len = len;
	EXPECT_EQ(sys_process_madvise(PIDFD_SELF_THREAD_GROUP, &iov, 1, MADV_COLD, 0), (long)len);
	EXPECT_EQ(sys_process_madvise(PIDFD_SELF_THREAD, &iov, 1, MADV_COLD, 0), (long)len);
	EXPECT_EQ(m[len - 1], 1);
	EXPECT_ERRNO(sys_process_madvise(PIDFD_SELF, &iov, 1, MADV_COLD, 1), EINVAL);
	munmap(m, len);
}

/*
 * On its own memory an unprivileged process may use any advice through
 * PIDFD_SELF, as with madvise(2): on 6.18 (upstream since 6.13) the
 * CAP_SYS_NICE check and the list of remote-safe advice apply only to
 * another process.  Checked as uid 65534 with no capabilities, with a
 * destructive advice (MADV_DONTNEED: the pages read back as zero) and a
 * hint; another process's memory stays out of reach (EACCES).
 */
TEST(process_madvise_self_any_advice_unprivileged)
{
	int st;
	pid_t pid;

	EW_NEED_F6();
	pid = fork();
	ASSERT_GE(pid, 0);
	if (pid == 0) {
		size_t len = 4 * 4096;
		struct iovec iov;
		int fd;
		char *m;

		if (ew_drop_to_nobody())
			SKIP("cannot drop to uid 65534: %s", strerror(errno));
		m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		ASSERT_TRUE(m != MAP_FAILED);
		memset(m, 1, len);
		iov.iov_base = m;
		iov.iov_len = len;
		EXPECT_EQ(sys_process_madvise(PIDFD_SELF, &iov, 1, MADV_COLD, 0), (long)len);
		EXPECT_EQ(sys_process_madvise(PIDFD_SELF, &iov, 1, MADV_DONTNEED, 0), (long)len);
		EXPECT_EQ(m[0], 0);
		EXPECT_EQ(m[len - 1], 0);
		memset(m, 1, len);
		EXPECT_EQ(sys_process_madvise(PIDFD_SELF_THREAD, &iov, 1, MADV_DONTNEED, 0),
			  (long)len);
		EXPECT_EQ(m[len - 1], 0);
		/* our parent runs as root: not ours to advise (mm_access) */
		fd = ASSERT_OK(sys_pidfd_open(getppid(), 0));
		EXPECT_ERRNO(sys_process_madvise(fd, &iov, 1, MADV_COLD, 0), EACCES);
		close(fd);
		munmap(m, len);
		ktap_end_test(ktap_failed ? KTAP_FAIL : KTAP_PASS);
	}
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == KTAP_SKIP)
		ktap_end_test(KTAP_SKIP);
	ASSERT_TRUE(WIFEXITED(st));
	EXPECT_EQ(WEXITSTATUS(st), KTAP_PASS);
}

/*
 * The sentinel is resolved (not EBADF); a live process is not exiting, so
 * its memory cannot be reaped: EINVAL, as on 6.18.
 */
TEST(process_mrelease_self_alive_is_einval)
{
	EW_NEED_F6();
	EXPECT_ERRNO(sys_process_mrelease(PIDFD_SELF_THREAD_GROUP, 0), EINVAL);
	EXPECT_ERRNO(sys_process_mrelease(PIDFD_SELF_THREAD, 0), EINVAL);
	EXPECT_ERRNO(sys_process_mrelease(PIDFD_SELF, 1), EINVAL);
	/* and the same answer as for a real pidfd of ourselves */
	{
		int fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));

		EXPECT_ERRNO(sys_process_mrelease(fd, 0), EINVAL);
		close(fd);
	}
}

TEST(other_pidfd_calls_reject_self_with_ebadf)
{
	struct ew_pidfd_info info;
	siginfo_t si;
	int s[2] = { PIDFD_SELF_THREAD, PIDFD_SELF_THREAD_GROUP }, i;

	EW_NEED_F6();
	for (i = 0; i < 2; i++) {
		memset(&info, 0, sizeof(info));
		info.mask = EW_PIDFD_INFO_PID;
		EXPECT_ERRNO(sys_pidfd_getfd(s[i], 0, 0), EBADF);
		EXPECT_ERRNO(setns(s[i], 0), EBADF);
		EXPECT_ERRNO(setns(s[i], CLONE_NEWPID), EBADF);
		EXPECT_ERRNO(ioctl(s[i], EW_PIDFD_GET_INFO, &info), EBADF);
		/* a negative fd was EINVAL for waitid(P_PIDFD) long before F6 */
		EXPECT_ERRNO(sys_waitid(P_PIDFD, s[i], &si, WEXITED | WNOHANG), EINVAL);
		EXPECT_ERRNO(fcntl(s[i], F_GETFD), EBADF);
	}
}

/* the other reserved values and the 6.15/6.16 value are not sentinels */
TEST(non_sentinel_negative_fds_are_ebadf)
{
	static const int bad[] = { -10002, -10003, -10009, -20000, -1 };
	struct iovec iov = { NULL, 0 };
	unsigned int i;

	EW_NEED_F6();
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		EXPECT_ERRNO(sys_pidfd_send_signal(bad[i], 0, NULL, 0), EBADF);
		EXPECT_ERRNO(sys_process_madvise(bad[i], &iov, 1, MADV_COLD, 0), EBADF);
		EXPECT_ERRNO(sys_process_mrelease(bad[i], 0), EBADF);
	}
}

/*
 * No reference leak: BPF samples the caller's struct pid and task_struct
 * reference counts before and after 100,000 PIDFD_SELF_* calls (a third
 * each of pidfd_send_signal, process_madvise and process_mrelease, both
 * sentinels).  A leak would show as tens of thousands of references;
 * unrelated holders account for a few.
 */
TEST_TIMEOUT(self_calls_leak_no_pid_or_task_reference, 600)
{
	long calls = ew_env_long("EW_SELF_CALLS", 100000), i;
	struct pidref_sample before, after;
	struct test_pidref_bpf *skel;
	struct iovec iov;
	char *m;

	EW_NEED_F6();
	skel = EW_BPF_LOAD(test_pidref_bpf, { skel->rodata->target_tgid = getpid(); });
	m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(m != MAP_FAILED);
	m[0] = 1;
	iov.iov_base = m;
	iov.iov_len = 4096;

	syscall(__NR_getppid);
	before = skel->bss->sample;
	ASSERT_EQ(before.seq, 1);
	ASSERT_EQ(before.tid, getpid());
	for (i = 0; i < calls; i++) {
		int self = i & 1 ? PIDFD_SELF_THREAD : PIDFD_SELF_THREAD_GROUP;

		switch (i % 3) {
		case 0:
			ASSERT_OK(sys_pidfd_send_signal(self, 0, NULL, 0));
			break;
		case 1:
			ASSERT_EQ(sys_process_madvise(self, &iov, 1, MADV_COLD, 0), 4096);
			break;
		case 2:
			ASSERT_ERRNO(sys_process_mrelease(self, 0), EINVAL);
			break;
		}
	}
	syscall(__NR_getppid);
	after = skel->bss->sample;
	ASSERT_EQ(after.seq, 2);
	TH_LOG("%ld calls: struct pid refs %d -> %d, task_struct refs %d -> %d", calls,
	       before.thread_pid_refs, after.thread_pid_refs, before.task_usage, after.task_usage);
	/*
	 * Others take references too, briefly or for long (a /proc/<pid>
	 * inode that someone looked up holds one until evicted), so allow
	 * drift far below what one leaked reference per call (a third of
	 * the calls on each path) would add.
	 */
	EXPECT_LT(after.thread_pid_refs - before.thread_pid_refs, calls / 100);
	EXPECT_LT(after.tgid_pid_refs - before.tgid_pid_refs, calls / 100);
	EXPECT_LT(after.task_usage - before.task_usage, calls / 100);
	munmap(m, 4096);
	test_pidref_bpf__destroy(skel);
}

/* active objects of a /proc/slabinfo cache, -1 if not listed */
/*
 * SLUB counts the free objects of the per-CPU slabs as active, so a freed
 * struct pid can stay "active" in /proc/slabinfo: 400 children that leaked
 * nothing once left 213 more after 20 s (CI of 2026-12-05), against the
 * 400 a leak would leave.  Writing to the cache's sysfs "shrink" flushes
 * the per-CPU slabs first (without it, where the file is missing or not
 * writable, the count is as before).
 */
static void slab_shrink(const char *cache)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink", cache);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return;
	if (write(fd, "1", 1) != 1)
		(void)0;	/* the count is then as without the flush */
	close(fd);
}

static long slab_active(const char *cache)
{
	char line[512], name[64];
	long active = -1, n;
	FILE *f;

	slab_shrink(cache);
	f = fopen("/proc/slabinfo", "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%63s %ld", name, &n) == 2 && !strcmp(name, cache)) {
			active = n;
			break;
		}
	fclose(f);
	return active;
}

/* fork n children that each make per x 3 PIDFD_SELF_* calls, reap them */
static void run_self_calling_children(long n, long per)
{
	long i;

	for (i = 0; i < n; i++) {
		int status;
		pid_t pid = fork();

		ASSERT_GE(pid, 0);
		if (pid == 0) {
			struct iovec iov = { &status, sizeof(status) };
			long j;

			for (j = 0; j < per; j++) {
				int self = j & 1 ? PIDFD_SELF_THREAD : PIDFD_SELF_THREAD_GROUP;

				sys_pidfd_send_signal(self, 0, NULL, 0);
				sys_process_madvise(self, &iov, 1, MADV_COLD, 0);
				sys_process_mrelease(self, 0);
			}
			_exit(0);
		}
		ASSERT_EQ(waitpid(pid, &status, 0), pid);
		ASSERT_EQ(status, 0);
	}
}

/* processes forked since boot, from /proc/stat */
static long forks_since_boot(void)
{
	char line[256];
	long n = -1;
	FILE *f = fopen("/proc/stat", "re");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "processes %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/*
 * The same without BPF, where a leak becomes visible: children that make
 * PIDFD_SELF_* calls and exit would each leave their struct pid allocated
 * if a reference leaked, so the "pid" cache of /proc/slabinfo would keep
 * at least one more object per child.  A freed struct pid goes back to
 * the cache only after an RCU grace period, which user space cannot wait
 * for: the count is re-read (every 20 ms, up to EW_SLAB_SETTLE_MS, default
 * 20 s) until it is back within half the children of where it started,
 * which a leak never reaches.  The count is machine-wide: an attempt
 * during which other processes forked (the "processes" line of
 * /proc/stat) proves nothing and is repeated; if every attempt is
 * disturbed, the test SKIPs.
 */
TEST_TIMEOUT(self_calls_in_exited_children_leave_no_pid_objects, 600)
{
	long children = ew_env_long("EW_SELF_CHILDREN", 400), per = 250, attempt;
	long settle_ms = ew_env_long("EW_SLAB_SETTLE_MS", 20000);
	long before, after = 0, waited = 0, forks0, foreign = 0;

	EW_NEED_F6();
	if (slab_active("pid") < 0)
		SKIP("/proc/slabinfo has no separate \"pid\" cache (not root, or merged caches)");
	if (forks_since_boot() < 0)
		SKIP("no \"processes\" line in /proc/stat to tell other processes' forks apart");
	for (attempt = 0; attempt < 5; attempt++) {
		forks0 = forks_since_boot();
		before = slab_active("pid");
		run_self_calling_children(children, per);
		for (waited = 0; waited <= settle_ms; waited += 20) {
			after = slab_active("pid");
			if (after - before < children / 2)
				break;
			usleep(20000);
		}
		foreign = forks_since_boot() - forks0 - children;
		TH_LOG("attempt %ld: %ld children x %ld x 3 calls: active pid objects %ld -> %ld (after %ld ms, %ld other forks)",
		       attempt, children, per, before, after, waited, foreign);
		/* settled, or grown while nobody else forked: a verdict */
		if (after - before < children / 2 || foreign <= children / 20)
			break;
	}
	if (after - before >= children / 2 && foreign > children / 20)
		SKIP("the machine is too busy to count pid objects: %ld other forks during the last attempt",
		     foreign);
	EXPECT_LT(after - before, children / 2);
}
