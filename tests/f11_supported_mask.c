// SPDX-License-Identifier: GPL-2.0
/*
 * F11: PIDFD_INFO_SUPPORTED_MASK (mask bit 1 << 5, upstream 6.19): with
 * the 80-byte struct (VER2) the kernel says in supported_mask, at offset
 * 72, which PIDFD_INFO_* bits it supports.
 *
 *   - the reply has bit 5, and supported_mask names at least what the 6.1
 *     series has: PID, CREDS, CGROUPID, EXIT, COREDUMP, SUPPORTED_MASK;
 *   - it tells the truth: every bit it names that this test knows how to
 *     provoke comes back when asked for (EXIT after a reap), and no reply
 *     ever has a bit it does not name;
 *   - the same value for every task, live, zombie or reaped (reaped: with
 *     PIDFD_INFO_EXIT, as any reaped query; ESRCH without);
 *   - extensible-struct rules: a 72-byte struct gets nothing past 72, a
 *     64-byte one nothing past 64, a larger one a zeroed tail.
 *
 * SKIPs where the kernel does not return the bit (6.18 and older).
 */
#include "ktap.h"
#include "pidfd_uapi.h"
#include "ew_test.h"

#define SUPPORTED EW_PIDFD_INFO_SUPPORTED_MASK

/* supported_mask as the 80-byte struct gets it; the reply's mask into *mask */
static uint64_t supported_of(int pidfd, uint64_t ask, uint64_t *mask)
{
	struct ew_pidfd_info2 info;

	ASSERT_OK(ew_pidfd_get_info2(pidfd, &info, ask | SUPPORTED));
	ASSERT_TRUE(info.v0.mask & SUPPORTED);
	if (mask)
		*mask = info.v0.mask;
	/* a reply bit the kernel does not claim to support is a lie */
	EXPECT_EQ(info.v0.mask & ~info.supported_mask, 0);
	return info.supported_mask;
}

TEST(supported_mask_names_the_series_bits)
{
	uint64_t sup;
	int self;

	EW_NEED_F11_SUPPORTED_MASK();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	sup = supported_of(self, 0, NULL);
	TH_LOG("supported_mask %#llx", (unsigned long long)sup);
	EXPECT_EQ(sup & EW_PIDFD_INFO_F11_BASE, EW_PIDFD_INFO_F11_BASE);
	/* the series (CLONE_WAIT_PIDFD is its own) names exactly what it has */
	if (ew_has_clone_wait_pidfd())
		EXPECT_EQ(sup, EW_PIDFD_INFO_F11_BASE);
	close(self);
}

/* every bit named comes back when asked for, where this test can provoke it */
TEST(supported_mask_bits_are_returnable)
{
	static const uint64_t live_bits[] = {
		EW_PIDFD_INFO_PID, EW_PIDFD_INFO_CREDS, EW_PIDFD_INFO_CGROUPID,
		EW_PIDFD_INFO_COREDUMP, SUPPORTED,
	};
	uint64_t sup, mask, left;
	int pidfd, go, st;
	unsigned int i;
	pid_t pid;

	EW_NEED_F11_SUPPORTED_MASK();
	pid = ew_spawn_blocked(&pidfd, &go, 9);
	ASSERT_GT(pid, 0);
	sup = supported_of(pidfd, 0, NULL);
	left = sup;
	for (i = 0; i < sizeof(live_bits) / sizeof(live_bits[0]); i++) {
		if (!(sup & live_bits[i]))
			continue;
		supported_of(pidfd, live_bits[i], &mask);
		EXPECT_TRUE(mask & live_bits[i]);
		if (!(mask & live_bits[i]))
			TH_LOG("supported bit %#llx not returned for a live task",
			       (unsigned long long)live_bits[i]);
		left &= ~live_bits[i];
	}
	close(go);
	ASSERT_EQ(waitpid(pid, &st, 0), pid);
	if (sup & EW_PIDFD_INFO_EXIT) {
		struct ew_pidfd_info2 info;

		ASSERT_OK(ew_pidfd_get_info2(pidfd, &info, EW_PIDFD_INFO_EXIT | SUPPORTED));
		EXPECT_TRUE(info.v0.mask & EW_PIDFD_INFO_EXIT);
		EXPECT_EQ(info.v0.exit_code, st);
		EXPECT_EQ(info.supported_mask, sup);
		left &= ~EW_PIDFD_INFO_EXIT;
	}
	if (left)
		TH_LOG("supported bits %#llx not checked here (COREDUMP_SIGNAL, COREDUMP_CODE need the coredump socket; others are unknown to this test)",
		       (unsigned long long)left);
	close(pidfd);
}

/* one kernel, one answer: the same value for a live task, a zombie and a reaped one */
TEST(supported_mask_same_for_live_zombie_and_reaped)
{
	struct ew_pidfd_info2 info;
	uint64_t sup, mask;
	int pidfd, go, self;
	siginfo_t si;
	pid_t pid;

	EW_NEED_F11_SUPPORTED_MASK();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	sup = supported_of(self, 0, NULL);
	close(self);
	pid = ew_spawn_blocked(&pidfd, &go, 13);
	ASSERT_GT(pid, 0);
	EXPECT_EQ(supported_of(pidfd, EW_PIDFD_INFO_PID, NULL), sup);
	close(go);
	ASSERT_EQ(waitid(P_PIDFD, pidfd, &si, WEXITED | WNOWAIT), 0);
	EXPECT_EQ(supported_of(pidfd, 0, NULL), sup);
	ASSERT_EQ(waitpid(pid, NULL, 0), pid);
	/* reaped: only with PIDFD_INFO_EXIT, like every reaped query */
	EXPECT_ERRNO(ew_pidfd_get_info2(pidfd, &info, SUPPORTED), ESRCH);
	EXPECT_EQ(supported_of(pidfd, EW_PIDFD_INFO_EXIT, &mask), sup);
	EXPECT_TRUE(mask & EW_PIDFD_INFO_EXIT);
	EXPECT_FALSE(mask & EW_PIDFD_INFO_PID);
	ASSERT_OK(ew_pidfd_get_info2(pidfd, &info, SUPPORTED | EW_PIDFD_INFO_EXIT));
	EXPECT_EQ(info.v0.exit_code, 13 << 8);
	close(pidfd);
}

/* not asked for: supported_mask stays 0 */
TEST(supported_mask_only_when_asked)
{
	struct ew_pidfd_info2 info;
	int self;

	EW_NEED_F11_SUPPORTED_MASK();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	ASSERT_OK(ew_pidfd_get_info2(self, &info, EW_PIDFD_INFO_PID | EW_PIDFD_INFO_CREDS));
	EXPECT_FALSE(info.v0.mask & SUPPORTED);
	EXPECT_EQ(info.supported_mask, 0);
	close(self);
}

/* ---- struct sizes around the field at 72 ---- */

/* GET_INFO of ourselves with a size-byte struct in a canary-filled buffer */
static void get_sized(int fd, unsigned char *buf, size_t bufsz, unsigned int size, uint64_t ask)
{
	memset(buf, 0xAA, bufsz);
	ASSERT_OK(ew_pidfd_get_info_sized(fd, buf, size, ask));
	EXPECT_EQ(((struct ew_pidfd_info *)buf)->pid, getpid());
}

TEST(supported_mask_never_written_past_a_smaller_struct)
{
	unsigned char buf[128];
	uint32_t cd;
	int self;

	EW_NEED_F11_SUPPORTED_MASK();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	/* 72 bytes (VER1): coredump_mask fits, supported_mask does not */
	get_sized(self, buf, sizeof(buf), EW_PIDFD_INFO_SIZE_VER1,
		  SUPPORTED | EW_PIDFD_INFO_COREDUMP);
	memcpy(&cd, buf + 64, sizeof(cd));
	EXPECT_EQ(cd, EW_PIDFD_COREDUMP_USER);
	EXPECT_EQ(ew_bytes_not(buf, 68, 72, 0), 0);
	EXPECT_EQ(ew_bytes_not(buf, 72, sizeof(buf), 0xAA), 0);
	TH_LOG("72-byte struct: reply mask %#llx",
	       (unsigned long long)((struct ew_pidfd_info *)buf)->mask);
	/* 64 bytes (VER0): nothing past 64 */
	get_sized(self, buf, sizeof(buf), EW_PIDFD_INFO_SIZE_VER0, SUPPORTED);
	EXPECT_EQ(ew_bytes_not(buf, 64, sizeof(buf), 0xAA), 0);
	close(self);
}

TEST(supported_mask_larger_struct_gets_zeroed_tail)
{
	static const unsigned int sizes[] = { 88, 96, 120 };
	unsigned char buf[128];
	uint64_t sup, got;
	unsigned int i;
	int self;

	EW_NEED_F11_SUPPORTED_MASK();
	self = ASSERT_OK(sys_pidfd_open(getpid(), 0));
	sup = supported_of(self, 0, NULL);
	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		get_sized(self, buf, sizeof(buf), sizes[i], SUPPORTED);
		EXPECT_TRUE(((struct ew_pidfd_info *)buf)->mask & SUPPORTED);
		memcpy(&got, buf + 72, sizeof(got));
		EXPECT_EQ(got, sup);
		/* 80..size: zero (later fields, like 7.1's coredump_code, are 0 here too) */
		EXPECT_EQ(ew_bytes_not(buf, 80, sizes[i], 0), 0);
		EXPECT_EQ(ew_bytes_not(buf, sizes[i], sizeof(buf), 0xAA), 0);
		if (ew_bytes_not(buf, sizes[i], sizeof(buf), 0xAA))
			TH_LOG("size %u: bytes written past the struct", sizes[i]);
	}
	close(self);
}
