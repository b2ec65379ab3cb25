// SPDX-License-Identifier: GPL-2.0
/*
 * F11: PIDFD_INFO_COREDUMP (mask bit 1 << 4, upstream 6.16), for the
 * core_pattern modes 6.1 has, answered as this machine's kernel (6.18, the
 * reference of SPEC F11) answers:
 *
 *   - a live task: the bit, and coredump_mask from its mm's dumpable mode
 *     (PIDFD_COREDUMP_USER, _SKIP after PR_SET_DUMPABLE 0, after a uid
 *     change whatever fs.suid_dumpable says: 0 SKIP, 1 USER, 2 ROOT);
 *   - a zombie (no mm any more): the bit, coredump_mask 0;
 *   - a task that dumped core to a file: the bit, coredump_mask 0 (6.18
 *     records a coredump only for the coredump socket, which 6.1 lacks),
 *     before and after the reap; after the reap only together with
 *     PIDFD_INFO_EXIT (ESRCH otherwise);
 *   - a task that dumps core to a pipe helper without %F: asked by the
 *     helper while the core is being read (the task is alive and has its
 *     mm), the bit and PIDFD_COREDUMP_USER, no PIDFD_COREDUMPED; once it
 *     is a zombie, and after the reap, as after a dump to a file;
 *   - a task that dumps core to a pipe helper with %F (the kernel hands the
 *     helper a pidfd, and records the dump): PIDFD_COREDUMPED |
 *     PIDFD_COREDUMP_USER for every pidfd, while it dumps, as a zombie and
 *     after the reap;
 *   - coredump_mask sits at offset 64: a 64-byte struct still gets the
 *     mask bit but nothing past 64, a 72-byte one the field and nothing
 *     past 72, a larger one a zeroed tail.
 *
 * SKIPs where the kernel never returns the bit (6.1 without the series).
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include <sys/resource.h>

#define COREDUMP EW_PIDFD_INFO_COREDUMP

/* GET_INFO(mask) with the 80-byte struct: the bit must come back, coredump_mask is cd */
static void expect_coredump_mask(int pidfd, uint64_t mask, uint32_t cd)
{
	struct ew_pidfd_info2 info;

	ASSERT_OK(ew_pidfd_get_info2(pidfd, &info, mask));
	EXPECT_TRUE(info.v0.mask & COREDUMP);
	EXPECT_EQ(info.coredump_mask, cd);
	EXPECT_EQ(info.coredump_signal, 0);
	if (info.coredump_mask != cd)
		TH_LOG("coredump_mask %#x, want %#x", info.coredump_mask, cd);
}

/* ew_spawn_ready() that must work */
static pid_t spawn_ready(int *pidfd, int *go, int (*prep)(void))
{
	pid_t pid = ew_spawn_ready(pidfd, go, prep);

	ASSERT_GT(pid, 0);
	return pid;
}

static void end_child(int pidfd, int go, pid_t pid)
{
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);
}

TEST(coredump_info_live_task_is_user)
{
	int self, pidfd, go;
	pid_t pid;

	EW_NEED_F11_COREDUMP();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	expect_coredump_mask(self, COREDUMP, EW_PIDFD_COREDUMP_USER);
	close(self);
	pid = spawn_ready(&pidfd, &go, NULL);
	expect_coredump_mask(pidfd, COREDUMP, EW_PIDFD_COREDUMP_USER);
	/* asked together with the rest, the rest still comes */
	expect_coredump_mask(pidfd, COREDUMP | EW_PIDFD_INFO_PID | EW_PIDFD_INFO_EXIT,
			     EW_PIDFD_COREDUMP_USER);
	end_child(pidfd, go, pid);
}

/* not asked for: neither the bit nor the field */
TEST(coredump_info_only_when_asked)
{
	struct ew_pidfd_info2 info;
	int self;

	EW_NEED_F11_COREDUMP();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	ASSERT_OK(ew_pidfd_get_info2(self, &info, EW_PIDFD_INFO_PID));
	EXPECT_FALSE(info.v0.mask & COREDUMP);
	EXPECT_EQ(info.coredump_mask, 0);
	close(self);
}

static int not_dumpable(void)
{
	return prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
}

TEST(coredump_info_not_dumpable_is_skip)
{
	int pidfd, go;
	pid_t pid;

	EW_NEED_F11_COREDUMP();
	pid = spawn_ready(&pidfd, &go, not_dumpable);
	expect_coredump_mask(pidfd, COREDUMP, EW_PIDFD_COREDUMP_SKIP);
	end_child(pidfd, go, pid);
}

static int become_nobody(void)
{
	return ew_drop_to_nobody();
}

/* a uid change makes the mm's dumpable mode fs.suid_dumpable's */
TEST(coredump_info_after_uid_change_follows_suid_dumpable)
{
	static const uint32_t want[] = {
		EW_PIDFD_COREDUMP_SKIP, EW_PIDFD_COREDUMP_USER, EW_PIDFD_COREDUMP_ROOT,
	};
	char buf[16];
	int pidfd, go, mode;
	pid_t pid;

	EW_NEED_F11_COREDUMP();
	if (geteuid() != 0)
		SKIP("needs root for the child to change its uid");
	if (ew_read_small("/proc/sys/fs/suid_dumpable", buf, sizeof(buf)) < 0)
		SKIP("cannot read fs.suid_dumpable");
	mode = atoi(buf);
	ASSERT_TRUE(mode >= 0 && mode <= 2);
	pid = spawn_ready(&pidfd, &go, become_nobody);
	TH_LOG("fs.suid_dumpable = %d", mode);
	expect_coredump_mask(pidfd, COREDUMP, want[mode]);
	end_child(pidfd, go, pid);
}

/* a zombie has no mm: the bit, and nothing in coredump_mask */
TEST(coredump_info_of_zombie_is_zero)
{
	int pidfd, go;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F11_COREDUMP();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	ASSERT_OK(sys_pidfd_send_signal(pidfd, SIGKILL, NULL, 0));
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT), 0);
	expect_coredump_mask(pidfd, COREDUMP, 0);
	expect_coredump_mask(pidfd, COREDUMP | EW_PIDFD_INFO_PID, 0);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(go);
	close(pidfd);

	pid = ew_spawn_blocked(&pidfd, &go, 3);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT), 0);
	expect_coredump_mask(pidfd, COREDUMP, 0);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);
}

/* reaped: ESRCH unless PIDFD_INFO_EXIT is asked for too; then both bits, coredump_mask cd */
static void expect_reaped_coredump_info(int pidfd, int status, uint32_t cd)
{
	struct ew_pidfd_info2 info;

	EXPECT_ERRNO(ew_pidfd_get_info2(pidfd, &info, COREDUMP), ESRCH);
	EXPECT_ERRNO(ew_pidfd_get_info2(pidfd, &info, COREDUMP | EW_PIDFD_INFO_PID), ESRCH);
	ASSERT_OK(ew_pidfd_get_info2(pidfd, &info, COREDUMP | EW_PIDFD_INFO_EXIT));
	EXPECT_TRUE(info.v0.mask & EW_PIDFD_INFO_EXIT);
	EXPECT_TRUE(info.v0.mask & COREDUMP);
	EXPECT_FALSE(info.v0.mask & EW_PIDFD_INFO_PID);
	EXPECT_EQ(info.v0.exit_code, status);
	EXPECT_EQ(info.coredump_mask, cd);
	EXPECT_EQ(info.coredump_signal, 0);
}

TEST(coredump_info_of_reaped_task_needs_exit)
{
	int pidfd, go, st;
	pid_t pid;

	EW_NEED_F11_COREDUMP();
	pid = ew_spawn_blocked(&pidfd, &go, 4);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	expect_reaped_coredump_info(pidfd, st, 0);
	close(pidfd);
}

/* ---- a real core dump, to a file in a private directory ---- */

#define CORE_PATTERN "/proc/sys/kernel/core_pattern"

/* kernel.core_pattern without its newline: 0, or -1 */
static int read_core_pattern(char *buf, size_t size)
{
	if (ew_read_small(CORE_PATTERN, buf, size) < 0)
		return -1;
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static char core_dir[64];

static void remove_core_dir(void)
{
	struct dirent *e;
	DIR *d;
	int n = 0;

	d = opendir(core_dir);
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		if (!unlinkat(dirfd(d), e->d_name, 0))
			n++;
	}
	closedir(d);
	rmdir(core_dir);
	TH_LOG("removed %d file(s) with %s", n, core_dir);
}

/* the child: core dumps allowed for itself only, then SIGSEGV in the directory */
static void __attribute__((noreturn)) crash_in(const char *dir)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	sigset_t all;

	if (chdir(dir) || setrlimit(RLIMIT_CORE, &rl))
		_exit(101);
	prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	signal(SIGSEGV, SIG_DFL);
	sigemptyset(&all);
	sigaddset(&all, SIGSEGV);
	sigprocmask(SIG_UNBLOCK, &all, NULL);
	raise(SIGSEGV);
	_exit(102);
}

TEST_TIMEOUT(coredump_info_after_core_dump_to_file, 120)
{
	char pattern[256];
	int pidfd, st;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F11_COREDUMP();
	if (read_core_pattern(pattern, sizeof(pattern)))
		SKIP("cannot read kernel.core_pattern");
	if (!pattern[0] || pattern[0] == '|' || pattern[0] == '@' || strchr(pattern, '/'))
		SKIP("kernel.core_pattern \"%s\" is not a file in the working directory (not changed by this test)",
		     pattern);
	snprintf(core_dir, sizeof(core_dir), "/tmp/ew-f11-XXXXXX");
	if (!mkdtemp(core_dir))
		SKIP("cannot create a directory in /tmp: %s", strerror(errno));
	pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
	ASSERT_GE(pid, 0);
	if (pid == 0)
		crash_in(core_dir);
	memset(&si, 0, sizeof(si));
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT), 0);
	if (si.si_code != CLD_DUMPED) {
		remove_core_dir();
		waitpid(pid, NULL, 0);
		close(pidfd);
		SKIP("no core was written (si_code %d, status %d, core_pattern \"%s\")",
		     si.si_code, si.si_status, pattern);
	}
	EXPECT_EQ(si.si_status, SIGSEGV);
	/* the zombie: the bit, coredump_mask 0 (nothing records a dump to a file) */
	expect_coredump_mask(pidfd, COREDUMP, 0);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_TRUE(WIFSIGNALED(st));
	EXPECT_EQ(WTERMSIG(st), SIGSEGV);
	EXPECT_TRUE(WCOREDUMP(st));
	expect_reaped_coredump_info(pidfd, st, 0);
	remove_core_dir();
	close(pidfd);
}

/* ---- a real core dump, to a pipe helper ---- */

#define CORE_HELPER_ARG "ew-f11-core-helper"

/*
 * The pipe helper is this binary: the kernel starts it as
 * "<dir>/h ew-f11-core-helper P <pid>" (core_pattern "|<dir>/h ... P %P", h a
 * symlink to the binary) or "... F 3" (core_pattern "... F %F": the kernel
 * hands the helper a pidfd of the dumping task as fd 3), with the core on
 * its standard input.  While it reads, the dumping task is alive and waits
 * for it: it asks PIDFD_GET_INFO about that task (through its own
 * pidfd_open() or through fd 3) and leaves "<errno> <mask> <coredump_mask>"
 * in <dir>/info before it drains the core.  Every other start of the binary
 * goes on to main().
 */
__attribute__((constructor)) static void core_helper(int argc, char **argv)
{
	char path[96], tmp[104], buf[4096];
	struct ew_pidfd_info2 info;
	int fd, err = 0;
	char *slash;
	FILE *f;

	if (argc != 4 || strcmp(argv[1], CORE_HELPER_ARG))
		return;
	snprintf(path, sizeof(path), "%s", argv[0]);
	slash = strrchr(path, '/');
	if (!slash)
		_exit(1);
	strcpy(slash + 1, "info");
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	memset(&info, 0, sizeof(info));
	fd = argv[2][0] == 'F' ? atoi(argv[3]) : sys_pidfd_open(atoi(argv[3]), 0);
	if (fd < 0 || ew_pidfd_get_info2(fd, &info, COREDUMP))
		err = errno;
	f = fopen(tmp, "w");
	if (f) {
		fprintf(f, "%d %llx %x\n", err, (unsigned long long)info.v0.mask,
			info.coredump_mask);
		if (fclose(f) == 0)
			rename(tmp, path);
	}
	while (read(STDIN_FILENO, buf, sizeof(buf)) > 0)
		;
	_exit(0);
}

/* sets kernel.core_pattern: 0, or the errno */
static int set_core_pattern(const char *pattern)
{
	return ew_write_str(CORE_PATTERN, pattern) ? errno : 0;
}

/* what the helper left in core_dir/info: 0, or -1 */
static int helper_saw(int *err, unsigned long long *mask, unsigned int *cd)
{
	char path[80], got[128];

	snprintf(path, sizeof(path), "%s/info", core_dir);
	if (ew_read_small(path, got, sizeof(got)) <= 0 || sscanf(got, "%d %llx %x", err, mask, cd) != 3)
		return -1;
	return 0;
}

/*
 * A dump to the pipe helper, by core_pattern "|<dir>/h ew-f11-core-helper
 * <how> %<how>": the helper's answer about the dumping task must be
 * live_cd, the dead task's (zombie, then reaped with PIDFD_INFO_EXIT)
 * dead_cd.  kernel.core_pattern is changed for the one dump and put back
 * at once, and only when it is the kernel's default "core", so no one
 * else's handler (systemd-coredump, apport) is ever replaced.
 */
static void pipe_dump(char how, uint32_t live_cd, uint32_t dead_cd)
{
	char pattern[256], newpat[128], exe[256], link[80];
	unsigned long long mask = 0;
	unsigned int cd = ~0U;
	int pidfd, st, err = -1, restored;
	siginfo_t si;
	ssize_t n;
	pid_t pid;

	EW_NEED_F11_COREDUMP();
	if (geteuid() != 0)
		SKIP("needs root to set kernel.core_pattern");
	if (read_core_pattern(pattern, sizeof(pattern)))
		SKIP("cannot read kernel.core_pattern");
	if (strcmp(pattern, "core"))
		SKIP("kernel.core_pattern is \"%s\", not the kernel's default \"core\" (not changed by this test)",
		     pattern);
	n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	ASSERT_GT(n, 0);
	exe[n] = '\0';
	snprintf(core_dir, sizeof(core_dir), "/tmp/ew-f11-XXXXXX");
	if (!mkdtemp(core_dir))
		SKIP("cannot create a directory in /tmp: %s", strerror(errno));
	snprintf(link, sizeof(link), "%s/h", core_dir);
	ASSERT_OK(symlink(exe, link));
	snprintf(newpat, sizeof(newpat), "|%s " CORE_HELPER_ARG " %c %%%c", link, how, how);
	ASSERT_EQ(set_core_pattern(newpat), 0);
	pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
	if (pid == 0)
		crash_in(core_dir);
	memset(&si, 0, sizeof(si));
	if (pid > 0)
		waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT);
	restored = set_core_pattern(pattern);
	EXPECT_EQ(restored, 0);
	ASSERT_GT(pid, 0);
	if (helper_saw(&err, &mask, &cd))
		TH_LOG("the helper left no answer");
	TH_LOG("core_pattern \"%s\": the helper got errno %d, mask %#llx, coredump_mask %#x; si_code %d",
	       newpat, err, mask, cd, si.si_code);
	EXPECT_EQ(si.si_code, CLD_DUMPED);
	/* the dumping task, seen from its helper while it reads the core */
	EXPECT_EQ(err, 0);
	EXPECT_TRUE(mask & COREDUMP);
	EXPECT_EQ(cd, live_cd);
	/* the zombie, and the reaped task with PIDFD_INFO_EXIT */
	expect_coredump_mask(pidfd, COREDUMP, dead_cd);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	EXPECT_TRUE(WCOREDUMP(st));
	expect_reaped_coredump_info(pidfd, st, dead_cd);
	remove_core_dir();
	close(pidfd);
}

/* %P: nothing is recorded; alive it is dumpable as the user, dead 0 */
TEST_TIMEOUT(coredump_info_from_a_pipe_helper, 120)
{
	pipe_dump('P', EW_PIDFD_COREDUMP_USER, 0);
}

/*
 * %F: handing the helper a pidfd records the dump (upstream's
 * pidfs_coredump() in umh_coredump_setup()): COREDUMPED | USER for every
 * pidfd of the task, alive and dead
 */
TEST_TIMEOUT(coredump_info_from_a_pipe_helper_with_pidfd, 120)
{
	pipe_dump('F', EW_PIDFD_COREDUMPED | EW_PIDFD_COREDUMP_USER,
		  EW_PIDFD_COREDUMPED | EW_PIDFD_COREDUMP_USER);
}

/* ---- the field at offset 64 and struct sizes ---- */

TEST(coredump_info_struct_sizes)
{
	unsigned char buf[128];
	struct ew_pidfd_info2 *info = (void *)buf;
	uint32_t cd;
	int self;

	EW_NEED_F11_COREDUMP();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	/* 64 bytes: the bit comes back, the field cannot: nothing past 64 */
	memset(buf, 0xAA, sizeof(buf));
	ASSERT_OK(ew_pidfd_get_info_sized(self, buf, EW_PIDFD_INFO_SIZE_VER0, COREDUMP));
	EXPECT_TRUE(info->v0.mask & COREDUMP);
	EXPECT_EQ(info->v0.pid, getpid());
	EXPECT_EQ(ew_bytes_not(buf, 64, sizeof(buf), 0xAA), 0);
	/* 72 bytes (VER1): coredump_mask, and nothing past 72 */
	memset(buf, 0xAA, sizeof(buf));
	ASSERT_OK(ew_pidfd_get_info_sized(self, buf, EW_PIDFD_INFO_SIZE_VER1, COREDUMP));
	EXPECT_TRUE(info->v0.mask & COREDUMP);
	memcpy(&cd, buf + 64, sizeof(cd));
	EXPECT_EQ(cd, EW_PIDFD_COREDUMP_USER);
	EXPECT_EQ(ew_bytes_not(buf, 68, 72, 0), 0);
	EXPECT_EQ(ew_bytes_not(buf, 72, sizeof(buf), 0xAA), 0);
	/* 96 bytes: the field, a zeroed rest up to 96, nothing past it */
	memset(buf, 0xAA, sizeof(buf));
	ASSERT_OK(ew_pidfd_get_info_sized(self, buf, 96, COREDUMP));
	memcpy(&cd, buf + 64, sizeof(cd));
	EXPECT_EQ(cd, EW_PIDFD_COREDUMP_USER);
	EXPECT_EQ(ew_bytes_not(buf, 68, 96, 0), 0);
	EXPECT_EQ(ew_bytes_not(buf, 96, sizeof(buf), 0xAA), 0);
	close(self);
}
