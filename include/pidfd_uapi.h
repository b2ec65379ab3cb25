/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pidfd_uapi.h - the pidfd UAPI as exitwatch uses it, independent of the
 * libc and kernel headers installed on the build machine (bookworm's are
 * 6.1-era and lack most of it).  Values are those of SPEC section 1, which
 * equal upstream Linux.  Shared by tests/, harness/ and bench/.
 */
#ifndef EXITWATCH_PIDFD_UAPI_H
#define EXITWATCH_PIDFD_UAPI_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#ifndef __NR_pidfd_send_signal
#define __NR_pidfd_send_signal 424
#endif
#ifndef __NR_pidfd_open
#define __NR_pidfd_open 434
#endif
#ifndef __NR_clone3
#define __NR_clone3 435
#endif
#ifndef __NR_pidfd_getfd
#define __NR_pidfd_getfd 438
#endif
#ifndef __NR_process_madvise
#define __NR_process_madvise 440
#endif
#ifndef __NR_process_mrelease
#define __NR_process_mrelease 448
#endif

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

/* pidfd_open() flags */
#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef PIDFD_THREAD
#define PIDFD_THREAD O_EXCL
#endif

/* pidfd_send_signal() flags (F2) */
#ifndef PIDFD_SIGNAL_THREAD
#define PIDFD_SIGNAL_THREAD (1UL << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1UL << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1UL << 2)
#endif

/* PIDFD_SELF_* sentinels (F6), values of 6.17+ */
#ifndef PIDFD_SELF_THREAD
#define PIDFD_SELF_THREAD -10000
#define PIDFD_SELF_THREAD_GROUP -10001
#define PIDFD_SELF PIDFD_SELF_THREAD
#define PIDFD_SELF_PROCESS PIDFD_SELF_THREAD_GROUP
#endif

/* PIDFD_GET_INFO (F4, F5) */
struct ew_pidfd_info {
	uint64_t mask;
	uint64_t cgroupid;
	uint32_t pid;
	uint32_t tgid;
	uint32_t ppid;
	uint32_t ruid;
	uint32_t rgid;
	uint32_t euid;
	uint32_t egid;
	uint32_t suid;
	uint32_t sgid;
	uint32_t fsuid;
	uint32_t fsgid;
	int32_t exit_code;
};
_Static_assert(sizeof(struct ew_pidfd_info) == 64, "struct pidfd_info is 64 bytes");

#define EW_PIDFS_IOCTL_MAGIC 0xFF
#define EW_PIDFD_GET_INFO _IOWR(EW_PIDFS_IOCTL_MAGIC, 11, struct ew_pidfd_info)
/* the same command with another encoded size */
#define EW_PIDFD_GET_INFO_SIZE(sz) _IOC(_IOC_READ | _IOC_WRITE, EW_PIDFS_IOCTL_MAGIC, 11, (sz))
#define EW_PIDFD_INFO_PID (1ULL << 0)
#define EW_PIDFD_INFO_CREDS (1ULL << 1)
#define EW_PIDFD_INFO_CGROUPID (1ULL << 2)
#define EW_PIDFD_INFO_EXIT (1ULL << 3)
_Static_assert(EW_PIDFD_GET_INFO == 0xC040FF0B, "PIDFD_GET_INFO encoding");

/*
 * F11: struct pidfd_info grew past 64 bytes: __u32 coredump_mask at 64
 * (6.16, VER1 72), __u32 coredump_signal at 68 and __u64 supported_mask at
 * 72 (6.19, VER2 80).  ew_pidfd_info stays the 64-byte VER0 struct (the
 * tests of F4/F5 and the harness use that size); the 80-byte one embeds it.
 */
#define EW_PIDFD_INFO_SIZE_VER0 64
#define EW_PIDFD_INFO_SIZE_VER1 72
#define EW_PIDFD_INFO_SIZE_VER2 80
struct ew_pidfd_info2 {
	struct ew_pidfd_info v0;
	uint32_t coredump_mask;
	uint32_t coredump_signal;
	uint64_t supported_mask;
};
_Static_assert(sizeof(struct ew_pidfd_info2) == EW_PIDFD_INFO_SIZE_VER2, "struct pidfd_info VER2 is 80 bytes");
_Static_assert(__builtin_offsetof(struct ew_pidfd_info2, coredump_mask) == 64, "coredump_mask at 64");
_Static_assert(__builtin_offsetof(struct ew_pidfd_info2, supported_mask) == 72, "supported_mask at 72");
#define EW_PIDFD_GET_INFO2 _IOWR(EW_PIDFS_IOCTL_MAGIC, 11, struct ew_pidfd_info2)
_Static_assert(EW_PIDFD_GET_INFO2 == 0xC050FF0B, "PIDFD_GET_INFO encoding, 80 bytes");
#define EW_PIDFD_INFO_COREDUMP (1ULL << 4)		/* 6.16 */
#define EW_PIDFD_INFO_SUPPORTED_MASK (1ULL << 5)	/* 6.19 */
#define EW_PIDFD_INFO_COREDUMP_SIGNAL (1ULL << 6)	/* 6.19, not in the 6.1 series */
#define EW_PIDFD_INFO_COREDUMP_CODE (1ULL << 7)		/* 7.1, not in the 6.1 series */
/* what the 6.1 series supports, and every kernel with SUPPORTED_MASK must name */
#define EW_PIDFD_INFO_F11_BASE (EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS | EW_PIDFD_INFO_CGROUPID | \
				EW_PIDFD_INFO_EXIT | EW_PIDFD_INFO_COREDUMP | \
				EW_PIDFD_INFO_SUPPORTED_MASK)
/* coredump_mask */
#define EW_PIDFD_COREDUMPED (1U << 0)
#define EW_PIDFD_COREDUMP_SKIP (1U << 1)
#define EW_PIDFD_COREDUMP_USER (1U << 2)
#define EW_PIDFD_COREDUMP_ROOT (1U << 3)

/* clone3 */
#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif
#ifndef CLONE_CLEAR_SIGHAND
#define CLONE_CLEAR_SIGHAND 0x100000000ULL
#endif
#ifndef CLONE_INTO_CGROUP
#define CLONE_INTO_CGROUP 0x200000000ULL
#endif
#ifndef CLONE_DETACHED
#define CLONE_DETACHED 0x00400000
#endif
/* F7, never merged upstream: bit 40 (bits up to 36 are taken upstream) */
#define CLONE_WAIT_PIDFD 0x10000000000ULL
/* F9, F10: upstream 7.1 */
#ifndef CLONE_AUTOREAP
#define CLONE_AUTOREAP (1ULL << 34)
#endif
#ifndef CLONE_NNP
#define CLONE_NNP (1ULL << 35)
#endif
#ifndef CLONE_PIDFD_AUTOKILL
#define CLONE_PIDFD_AUTOKILL (1ULL << 36)
#endif
_Static_assert(CLONE_AUTOREAP == 0x400000000ULL && CLONE_NNP == 0x800000000ULL &&
	       CLONE_PIDFD_AUTOKILL == 0x1000000000ULL, "upstream 7.1 clone3 flag values");

struct ew_clone_args {
	uint64_t flags;
	uint64_t pidfd;
	uint64_t child_tid;
	uint64_t parent_tid;
	uint64_t exit_signal;
	uint64_t stack;
	uint64_t stack_size;
	uint64_t tls;
	uint64_t set_tid;
	uint64_t set_tid_size;
	uint64_t cgroup;
};

static inline int sys_pidfd_open(pid_t pid, unsigned int flags)
{
	return syscall(__NR_pidfd_open, pid, flags);
}

static inline int sys_pidfd_send_signal(int pidfd, int sig, siginfo_t *info, unsigned int flags)
{
	return syscall(__NR_pidfd_send_signal, pidfd, sig, info, flags);
}

static inline int sys_pidfd_getfd(int pidfd, int fd, unsigned int flags)
{
	return syscall(__NR_pidfd_getfd, pidfd, fd, flags);
}

static inline long sys_process_mrelease(int pidfd, unsigned int flags)
{
	return syscall(__NR_process_mrelease, pidfd, flags);
}

static inline long sys_clone3(struct ew_clone_args *args, size_t size)
{
	return syscall(__NR_clone3, args, size);
}

static inline int sys_waitid(int which, pid_t id, siginfo_t *info, int options)
{
	return syscall(__NR_waitid, which, id, info, options, NULL);
}

/*
 * fork() through clone3 with exactly these flags; with CLONE_PIDFD the
 * pidfd goes to *pidfd (which may be NULL otherwise).  Returns like fork().
 */
static inline pid_t ew_clone3_fork(uint64_t flags, int *pidfd, int exit_signal)
{
	struct ew_clone_args args;

	memset(&args, 0, sizeof(args));
	args.flags = flags;
	args.pidfd = (uint64_t)(uintptr_t)pidfd;
	args.exit_signal = exit_signal;
	return sys_clone3(&args, sizeof(args));
}

/*
 * fork() that also returns a pidfd (CLONE_PIDFD through clone3), with extra
 * clone flags.  Returns like fork(); *pidfd is set in the parent.
 */
static inline pid_t ew_fork_pidfd(int *pidfd, uint64_t extra_flags, int exit_signal)
{
	return ew_clone3_fork(CLONE_PIDFD | extra_flags, pidfd, exit_signal);
}

static inline int ew_pidfd_get_info(int pidfd, struct ew_pidfd_info *info, uint64_t mask)
{
	memset(info, 0, sizeof(*info));
	info->mask = mask;
	return ioctl(pidfd, EW_PIDFD_GET_INFO, info);
}

/*
 * PIDFD_GET_INFO with a struct of "size" bytes at buf (the command encodes
 * the size): only the mask is set, the rest of buf is the caller's (a canary).
 */
static inline int ew_pidfd_get_info_sized(int pidfd, void *buf, unsigned int size, uint64_t mask)
{
	memcpy(buf, &mask, sizeof(mask));
	return ioctl(pidfd, EW_PIDFD_GET_INFO_SIZE(size), buf);
}

/* the 80-byte (VER2) struct, zeroed */
static inline int ew_pidfd_get_info2(int pidfd, struct ew_pidfd_info2 *info, uint64_t mask)
{
	memset(info, 0, sizeof(*info));
	info->v0.mask = mask;
	return ioctl(pidfd, EW_PIDFD_GET_INFO2, info);
}

/* ---- feature probes: 1 = present, 0 = absent; *why says what was seen ---- */

/* F2: pidfd_open(PIDFD_THREAD) on ourselves (the leader). */
static inline int ew_has_pidfd_thread(void)
{
	int fd = sys_pidfd_open(getpid(), PIDFD_THREAD);

	if (fd < 0)
		return 0;
	close(fd);
	return 1;
}

/* F4: PIDFD_GET_INFO on a pidfd of ourselves. */
static inline int ew_has_pidfd_get_info(void)
{
	struct ew_pidfd_info info;
	int fd = sys_pidfd_open(getpid(), 0), ret;

	if (fd < 0)
		return 0;
	ret = ew_pidfd_get_info(fd, &info, EW_PIDFD_INFO_PID);
	close(fd);
	return ret == 0 && (info.mask & EW_PIDFD_INFO_PID);
}

/* F6: signal 0 to PIDFD_SELF_THREAD_GROUP; absent kernels say EBADF. */
static inline int ew_has_pidfd_self(void)
{
	return sys_pidfd_send_signal(PIDFD_SELF_THREAD_GROUP, 0, NULL, 0) == 0;
}

/*
 * F1 and F5 need a reaped child: fork one that exits at once, reap it, and
 * look at its pidfd.  *revents gets the poll result of the reaped pidfd,
 * *exit_ok whether PIDFD_INFO_EXIT reported the exit.  Returns -1 if the
 * probe itself could not run.
 */
static inline int ew_probe_reaped(short *revents, int *exit_ok)
{
	struct ew_pidfd_info info;
	struct pollfd pfd;
	int pidfd = -1;
	pid_t pid;

	pid = ew_fork_pidfd(&pidfd, 0, SIGCHLD);
	if (pid < 0)
		return -1;
	if (pid == 0)
		_exit(7);
	if (waitpid(pid, NULL, 0) != pid) {
		close(pidfd);
		return -1;
	}
	pfd.fd = pidfd;
	pfd.events = POLLIN;
	pfd.revents = 0;
	if (poll(&pfd, 1, 0) < 0) {
		close(pidfd);
		return -1;
	}
	*revents = pfd.revents;
	*exit_ok = ew_pidfd_get_info(pidfd, &info, EW_PIDFD_INFO_EXIT) == 0 &&
		   (info.mask & EW_PIDFD_INFO_EXIT) && info.exit_code == (7 << 8);
	close(pidfd);
	return 0;
}

static inline int ew_has_poll_hup(void)
{
	short revents = 0;
	int exit_ok = 0;

	return ew_probe_reaped(&revents, &exit_ok) == 0 && (revents & POLLHUP);
}

static inline int ew_has_pidfd_info_exit(void)
{
	short revents = 0;
	int exit_ok = 0;

	return ew_probe_reaped(&revents, &exit_ok) == 0 && exit_ok;
}

/*
 * F7, F9, F10: does clone3 take these flags?  Kernels without them say EINVAL.
 * The probe child exits at once; it is waited for (reaped, or for an
 * autoreaped one, seen gone through its pidfd) so that no probe child is
 * left when the test starts.  flags must contain CLONE_PIDFD.
 */
static inline int ew_probe_clone3_flags(uint64_t flags, int exit_signal)
{
	struct pollfd pfd = { .events = POLLIN };
	int pidfd = -1, i;
	pid_t pid;

	pid = ew_clone3_fork(flags, &pidfd, exit_signal);
	if (pid < 0)
		return 0;
	if (pid == 0)
		_exit(0);
	if (!(flags & CLONE_AUTOREAP))
		waitpid(pid, NULL, __WALL);
	pfd.fd = pidfd;
	for (i = 0; i < 100 && !(pfd.revents & POLLHUP); i++)
		if (poll(&pfd, 1, 100) < 0)
			break;
	close(pidfd);
	return 1;
}

static inline int ew_has_clone_wait_pidfd(void)
{
	return ew_probe_clone3_flags(CLONE_PIDFD | CLONE_WAIT_PIDFD, SIGCHLD);
}

static inline int ew_has_clone_autoreap(void)
{
	return ew_probe_clone3_flags(CLONE_PIDFD | CLONE_AUTOREAP, 0);
}

static inline int ew_has_clone_nnp(void)
{
	return ew_probe_clone3_flags(CLONE_PIDFD | CLONE_NNP, 0);
}

static inline int ew_has_clone_autokill(void)
{
	return ew_probe_clone3_flags(CLONE_PIDFD | CLONE_AUTOREAP | CLONE_NNP |
				     CLONE_PIDFD_AUTOKILL, 0);
}

/* F11: PIDFD_GET_INFO on ourselves answers the bit (80-byte struct) */
static inline int ew_has_pidfd_info_bit(uint64_t bit)
{
	struct ew_pidfd_info2 info;
	int fd = sys_pidfd_open(getpid(), 0), ret;

	if (fd < 0)
		return 0;
	ret = ew_pidfd_get_info2(fd, &info, bit);
	close(fd);
	return ret == 0 && (info.v0.mask & bit);
}

static inline int ew_has_pidfd_info_coredump(void)
{
	return ew_has_pidfd_info_bit(EW_PIDFD_INFO_COREDUMP);
}

static inline int ew_has_pidfd_info_supported_mask(void)
{
	return ew_has_pidfd_info_bit(EW_PIDFD_INFO_SUPPORTED_MASK);
}

#endif /* EXITWATCH_PIDFD_UAPI_H */
