// SPDX-License-Identifier: GPL-2.0
/*
 * child.h - what a storm child does, shared by storm.c (--spawn fork, vm) and
 * the spawner (helpers/ew-spawner.c, the default): header-only, so that the
 * static spawner carries none of exitwatch's code.
 */
#ifndef EW_CHILD_H
#define EW_CHILD_H

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>
#include <limits.h>
#include <time.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <linux/futex.h>

static inline uint64_t ew_child_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* shared memory with the children (a memfd: the spawner maps it too) */

#define SHM_SLOTS (1 << 16)

struct ew_shm {
	_Atomic int ready;
	int go;
	_Atomic uint64_t t0;
	uint64_t stamp[SHM_SLOTS];	/* child's CLOCK_MONOTONIC just before _exit() */
	int16_t cpu1[SHM_SLOTS];	/* 1 + the CPU a killed child paused on, 0 unknown */
};

enum child_kind { K_PAUSE, K_HEAVY, K_EXIT, K_STAGGER };

static inline long futex(int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

static inline uint32_t hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352d;
	x ^= x >> 15;
	x *= 0x846ca68b;
	x ^= x >> 16;
	return x;
}

static inline void __attribute__((noreturn)) child_body(struct ew_shm *shm, int kind, int idx,
						  int heavy_mb, int stagger_ms)
{
	int code = 1 + idx % 100;

	switch (kind) {
	case K_HEAVY: {
		size_t len = (size_t)heavy_mb << 20;
		char *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p != MAP_FAILED)
			for (size_t i = 0; i < len; i += 4096)
				p[i] = 1;
	}
		/* fall through */
	case K_PAUSE:
		shm->cpu1[idx % SHM_SLOTS] = (int16_t)(1 + sched_getcpu());
		atomic_fetch_add(&shm->ready, 1);
		for (;;)
			pause();
	case K_STAGGER: {
		uint64_t t0, when;
		struct timespec ts;

		atomic_fetch_add(&shm->ready, 1);
		while (!(t0 = atomic_load(&shm->t0)))
			futex(&shm->go, FUTEX_WAIT, 0);
		when = t0 + (uint64_t)(hash32(idx) % ((unsigned)stagger_ms * 1000u)) * 1000u;
		ts.tv_sec = when / 1000000000ULL;
		ts.tv_nsec = when % 1000000000ULL;
		while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL))
			;
	}
		/* fall through */
	case K_EXIT:
	default:
		shm->stamp[idx % SHM_SLOTS] = ew_child_now_ns();
		_exit(code);
	}
}

#endif
