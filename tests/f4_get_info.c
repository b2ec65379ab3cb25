// SPDX-License-Identifier: GPL-2.0
/*
 * F4: the PIDFD_GET_INFO ioctl (upstream 6.13; errors as on 6.18).
 *
 * Every field against /proc/<pid>/status, seen from the initial
 * namespaces, from a child pid namespace and from a user namespace; then
 * each error of SPEC F4.  SKIPs on a kernel without the ioctl.
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"
#include <grp.h>
#include <sched.h>
#include <sys/eventfd.h>
#include <sys/fsuid.h>
#include <sys/mount.h>

#define OVERFLOW_ID 65534

struct creds {
	unsigned int uid[4], gid[4];	/* real, effective, saved, fs */
};

/* pid, tgid, ppid and the ids of /proc/<pid>/status against info */
static void expect_info_matches_status(pid_t pid, const struct ew_pidfd_info *info)
{
	unsigned long long v[4];

	EXPECT_TRUE(info->mask & EW_PIDFD_INFO_PID);
	EXPECT_TRUE(info->mask & EW_PIDFD_INFO_CREDS);
	ASSERT_EQ(ew_status_nums(pid, "Pid", v, 1), 1);
	EXPECT_EQ(info->pid, v[0]);
	ASSERT_EQ(ew_status_nums(pid, "Tgid", v, 1), 1);
	EXPECT_EQ(info->tgid, v[0]);
	ASSERT_EQ(ew_status_nums(pid, "PPid", v, 1), 1);
	EXPECT_EQ(info->ppid, v[0]);
	ASSERT_EQ(ew_status_nums(pid, "Uid", v, 4), 4);
	EXPECT_EQ(info->ruid, v[0]);
	EXPECT_EQ(info->euid, v[1]);
	EXPECT_EQ(info->suid, v[2]);
	EXPECT_EQ(info->fsuid, v[3]);
	ASSERT_EQ(ew_status_nums(pid, "Gid", v, 4), 4);
	EXPECT_EQ(info->rgid, v[0]);
	EXPECT_EQ(info->egid, v[1]);
	EXPECT_EQ(info->sgid, v[2]);
	EXPECT_EQ(info->fsgid, v[3]);
}

/*
 * The prep of a child with every id distinct where the kernel allows it
 * (an unprivileged fsuid can only be one of the other three).
 */
static int set_distinct_creds(void)
{
	if (setgroups(0, NULL) || setresgid(1001, 1002, 1003))
		return -1;
	setfsgid(1004);		/* still root: any value */
	if (setresuid(2001, 2002, 2003))
		return -1;
	setfsuid(2003);		/* unprivileged: the saved uid */
	return 0;
}

/* a child with distinct credentials, blocked until *go_fd is closed */
static pid_t spawn_with_creds(int *pidfd, int *go_fd)
{
	pid_t pid = ew_spawn_ready(pidfd, go_fd, set_distinct_creds);

	ASSERT_GT(pid, 0);
	return pid;
}

TEST(get_info_fields_match_proc_status)
{
	int pidfd, go, status;
	struct ew_pidfd_info info;
	uint64_t cgid;
	pid_t pid;

	EW_NEED_F4();
	if (geteuid() != 0)
		SKIP("needs root to give the child distinct credentials");
	pid = spawn_with_creds(&pidfd, &go);
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS |
				    EW_PIDFD_INFO_CGROUPID));
	expect_info_matches_status(pid, &info);
	/* the ids really are distinct, so a swapped field would show */
	EXPECT_EQ(info.ruid, 2001);
	EXPECT_EQ(info.euid, 2002);
	EXPECT_EQ(info.suid, 2003);
	EXPECT_EQ(info.rgid, 1001);
	EXPECT_EQ(info.egid, 1002);
	EXPECT_EQ(info.sgid, 1003);
	EXPECT_EQ(info.fsgid, 1004);
	EXPECT_EQ(info.ppid, getpid());
	EXPECT_TRUE(info.mask & EW_PIDFD_INFO_CGROUPID);
	cgid = ew_cgroup_id_of(pid);
	if (cgid)
		EXPECT_EQ(info.cgroupid, cgid);
	else
		TH_LOG("no cgroup2 mount: cgroupid %llu not cross-checked",
		       (unsigned long long)info.cgroupid);
	/* not reaped yet: no exit information */
	EXPECT_FALSE(info.mask & EW_PIDFD_INFO_EXIT);
	close(go);
	ASSERT_EQ(waitpid(pid, &status, 0), pid);
	EXPECT_EQ(status, 0);
	close(pidfd);
}

TEST(get_info_of_self_matches_proc_status)
{
	struct ew_pidfd_info info;
	int fd;

	EW_NEED_F4();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	ASSERT_OK(ew_pidfd_get_info(fd, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
	expect_info_matches_status(getpid(), &info);
	close(fd);
}

TEST(get_info_of_zombie_still_reports_pid_and_creds)
{
	struct ew_pidfd_info info;
	int pidfd, go;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F4();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitid(P_PID, pid, &si, WEXITED | WNOWAIT), 0);
	ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
	EXPECT_TRUE(info.mask & EW_PIDFD_INFO_PID);
	EXPECT_EQ(info.pid, pid);
	EXPECT_EQ(info.tgid, pid);
	EXPECT_EQ(info.ppid, getpid());
	EXPECT_EQ(info.ruid, getuid());
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);
}

/*
 * The pid-namespace view: inside a new pid namespace (with its own /proc),
 * init and its child are checked against that /proc, and a pidfd of a task
 * outside the namespace (inherited) gives ESRCH.  Runs in a grandchild;
 * its verdict comes back as an exit status.
 */
static int pidns_init(int outside_pidfd)
{
	struct ew_pidfd_info info;
	int self, cfd, go;
	pid_t child;

	if (mount("proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL)) {
		TH_LOG("mount proc in the new namespace: %s", strerror(errno));
		return 1;
	}
	EXPECT_EQ(getpid(), 1);
	self = ASSERT_OK(sys_pidfd_open(1, 0));
	ASSERT_OK(ew_pidfd_get_info(self, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
	expect_info_matches_status(1, &info);
	EXPECT_EQ(info.pid, 1);
	EXPECT_EQ(info.ppid, 0);	/* the parent is outside */
	close(self);

	child = ew_spawn_blocked(&cfd, &go, 0);
	ASSERT_GT(child, 0);
	ASSERT_OK(ew_pidfd_get_info(cfd, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
	expect_info_matches_status(child, &info);
	EXPECT_EQ(info.pid, child);
	EXPECT_EQ(info.ppid, 1);
	close(go);
	ASSERT_EQ(waitpid(child, NULL, 0), child);
	close(cfd);

	/*
	 * A task outside this namespace's hierarchy: EREMOTE (SPEC F4, as
	 * this machine's 6.18 and upstream since ab89060fbc92; 6.13-6.17
	 * said ESRCH), whatever is asked for, and no ids leak.  The argument
	 * checks still come first: NULL is EINVAL, a bad pointer EFAULT.
	 */
	memset(&info, 0, sizeof(info));
	info.mask = EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS;
	EXPECT_ERRNO(ioctl(outside_pidfd, EW_PIDFD_GET_INFO, &info), EREMOTE);
	EXPECT_EQ(info.pid, 0);
	EXPECT_EQ(info.ruid, 0);
	info.mask = EW_PIDFD_INFO_EXIT;
	EXPECT_ERRNO(ioctl(outside_pidfd, EW_PIDFD_GET_INFO, &info), EREMOTE);
	EXPECT_ERRNO(ioctl(outside_pidfd, EW_PIDFD_GET_INFO, NULL), EINVAL);
	EXPECT_ERRNO(ioctl(outside_pidfd, EW_PIDFD_GET_INFO, (void *)8), EFAULT);
	return ktap_failed;
}

TEST(get_info_from_child_pid_namespace)
{
	int status, outside;
	pid_t mid;

	EW_NEED_F4();
	outside = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0) {
		pid_t init;

		if (unshare(CLONE_NEWPID | CLONE_NEWNS))
			SKIP("cannot create pid and mount namespaces: %s", strerror(errno));
		if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
			SKIP("cannot make / private in the new mount namespace: %s",
			     strerror(errno));
		init = fork();
		if (init < 0)
			_exit(1);
		if (init == 0)
			_exit(pidns_init(outside));
		if (waitpid(init, &status, 0) != init)
			_exit(1);
		_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 1);
	}
	ASSERT_EQ(waitpid(mid, &status, 0), mid);
	close(outside);
	if (WIFEXITED(status) && WEXITSTATUS(status) == KTAP_SKIP)
		ktap_end_test(KTAP_SKIP);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

/*
 * The user-namespace view: a process that maps only its own uid and gid
 * (to 100 and 200) sees itself with those ids and an unrelated child
 * with the overflow id, as /proc/<pid>/status shows them from there.
 */
TEST(get_info_from_user_namespace)
{
	int pidfd, go, status;
	pid_t pid, mid;

	EW_NEED_F4();
	if (geteuid() != 0)
		SKIP("needs root to give the child distinct credentials");
	pid = spawn_with_creds(&pidfd, &go);
	mid = fork();
	ASSERT_GE(mid, 0);
	if (mid == 0) {
		struct ew_pidfd_info info;
		uid_t euid = geteuid();	/* before: unmapped ids read 65534 */
		gid_t egid = getegid();
		char map[64];
		int self;

		if (unshare(CLONE_NEWUSER))
			SKIP("cannot create a user namespace: %s", strerror(errno));
		snprintf(map, sizeof(map), "100 %d 1\n", euid);
		ASSERT_OK(ew_write_str("/proc/self/uid_map", map));
		ASSERT_OK(ew_write_str("/proc/self/setgroups", "deny"));
		snprintf(map, sizeof(map), "200 %d 1\n", egid);
		ASSERT_OK(ew_write_str("/proc/self/gid_map", map));

		self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
		ASSERT_OK(ew_pidfd_get_info(self, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
		expect_info_matches_status(getpid(), &info);
		EXPECT_EQ(info.ruid, 100);
		EXPECT_EQ(info.fsuid, 100);
		EXPECT_EQ(info.egid, 200);
		close(self);

		ASSERT_OK(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
		expect_info_matches_status(pid, &info);
		EXPECT_EQ(info.ruid, OVERFLOW_ID);
		EXPECT_EQ(info.euid, OVERFLOW_ID);
		EXPECT_EQ(info.fsgid, OVERFLOW_ID);
		EXPECT_EQ(info.pid, pid);	/* same pid namespace */
		_exit(ktap_failed);
	}
	ASSERT_EQ(waitpid(mid, &status, 0), mid);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	close(pidfd);
	if (WIFEXITED(status) && WEXITSTATUS(status) == KTAP_SKIP)
		ktap_end_test(KTAP_SKIP);
	ASSERT_TRUE(WIFEXITED(status));
	ASSERT_EQ(WEXITSTATUS(status), 0);
}

/* ---- errors ---- */

TEST(get_info_null_argument_is_einval)
{
	int fd;

	EW_NEED_F4();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO, NULL), EINVAL);
	close(fd);
}

TEST(get_info_size_below_64_is_enotty)
{
	static const unsigned int sizes[] = { 0, 1, 8, 16, 32, 56, 60, 63 };
	struct ew_pidfd_info info;
	unsigned int i;
	int fd;

	EW_NEED_F4();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		memset(&info, 0, sizeof(info));
		info.mask = EW_PIDFD_INFO_PID;
		errno = 0;
		EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO_SIZE(sizes[i]), &info), ENOTTY);
		if (errno != ENOTTY)
			TH_LOG("size %u: errno %d", sizes[i], errno);
	}
	close(fd);
}

TEST(get_info_larger_struct_gets_zeroed_tail)
{
	static const unsigned int sizes[] = { 72, 80, 128, 512 };
	unsigned char buf[600];
	unsigned int i, j;
	int fd;

	EW_NEED_F4();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct ew_pidfd_info *info = (void *)buf;
		unsigned int dirty = 0;

		memset(buf, 0xAA, sizeof(buf));
		info->mask = EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS;
		ASSERT_OK(ioctl(fd, EW_PIDFD_GET_INFO_SIZE(sizes[i]), buf));
		EXPECT_TRUE(info->mask & EW_PIDFD_INFO_PID);
		EXPECT_EQ(info->pid, getpid());
		for (j = 64; j < sizes[i]; j++)
			dirty += buf[j] != 0;
		EXPECT_EQ(dirty, 0);
		/* nothing written past the size the command encodes */
		for (j = sizes[i]; j < sizeof(buf); j++)
			dirty += buf[j] != 0xAA;
		EXPECT_EQ(dirty, 0);
		if (dirty)
			TH_LOG("size %u: %u bad tail bytes", sizes[i], dirty);
	}
	close(fd);
}

TEST(get_info_bad_pointer_is_efault)
{
	void *none, *ro;
	int fd;

	EW_NEED_F4();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	none = mmap(NULL, 4096, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(none != MAP_FAILED);
	ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_TRUE(ro != MAP_FAILED);
	EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO, (void *)1), EFAULT);
	EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO, none), EFAULT);
	/* readable but not writable: the result cannot be copied out */
	EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO, ro), EFAULT);
	/* a struct straddling the end of mapped memory */
	EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO, (char *)none - 32), EFAULT);
	munmap(none, 4096);
	munmap(ro, 4096);
	close(fd);
}

TEST(get_info_on_non_pidfd_is_enotty)
{
	static const char *const paths[] = {
		"/proc/self/status", "/dev/null", "/proc/self/ns/pid", "/proc/self",
	};
	struct ew_pidfd_info info;
	unsigned int i;
	int fd, p[2];

	EW_NEED_F4();
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		fd = open(paths[i], O_RDONLY | O_CLOEXEC);
		if (fd < 0) {
			TH_LOG("%s: %s (not checked)", paths[i], strerror(errno));
			continue;
		}
		memset(&info, 0, sizeof(info));
		info.mask = EW_PIDFD_INFO_PID;
		EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO, &info), ENOTTY);
		close(fd);
	}
	ASSERT_OK(pipe2(p, O_CLOEXEC));
	EXPECT_ERRNO(ioctl(p[0], EW_PIDFD_GET_INFO, &info), ENOTTY);
	close(p[0]);
	close(p[1]);
	fd = ASSERT_OK(eventfd(0, EFD_CLOEXEC));
	EXPECT_ERRNO(ioctl(fd, EW_PIDFD_GET_INFO, &info), ENOTTY);
	close(fd);
}

TEST(get_info_reaped_without_exit_is_esrch)
{
	struct ew_pidfd_info info;
	int pidfd, go;
	pid_t pid;

	EW_NEED_F4();
	pid = ew_spawn_blocked(&pidfd, &go, 0);
	ASSERT_GT(pid, 0);
	close(go);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	EXPECT_ERRNO(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_PID), ESRCH);
	EXPECT_ERRNO(ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS |
				       EW_PIDFD_INFO_CGROUPID), ESRCH);
	close(pidfd);
}

TEST(get_info_unknown_ioctl_is_enotty)
{
	struct ew_pidfd_info info;
	int fd;

	EW_NEED_F4();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	memset(&info, 0, sizeof(info));
	EXPECT_ERRNO(ioctl(fd, _IOWR(EW_PIDFS_IOCTL_MAGIC, 99, struct ew_pidfd_info), &info), ENOTTY);
	EXPECT_ERRNO(ioctl(fd, _IOWR(0xFE, 11, struct ew_pidfd_info), &info), ENOTTY);
	EXPECT_ERRNO(ioctl(fd, _IOWR('T', 11, struct ew_pidfd_info), &info), ENOTTY);
	EXPECT_ERRNO(ioctl(fd, 0, &info), ENOTTY);
	close(fd);
}

/* the right number and size but the wrong direction bits, as on 6.18 */
TEST(get_info_wrong_direction_is_enotty)
{
	struct ew_pidfd_info info;
	int fd;

	EW_NEED_F4();
	fd = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	memset(&info, 0, sizeof(info));
	info.mask = EW_PIDFD_INFO_PID;
	EXPECT_ERRNO(ioctl(fd, _IOR(EW_PIDFS_IOCTL_MAGIC, 11, struct ew_pidfd_info), &info), ENOTTY);
	EXPECT_ERRNO(ioctl(fd, _IOW(EW_PIDFS_IOCTL_MAGIC, 11, struct ew_pidfd_info), &info), ENOTTY);
	EXPECT_ERRNO(ioctl(fd, _IO(EW_PIDFS_IOCTL_MAGIC, 11), &info), ENOTTY);
	close(fd);
}
