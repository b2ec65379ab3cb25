/* SPDX-License-Identifier: GPL-2.0 */
/*
 * shim.h - the pidfd syscalls the micro-benchmarks time, as plain C
 * functions (the benchmark driver is C++; the UAPI header is C).
 * Return values: >= 0 success, -errno failure.
 */
#ifndef EXITWATCH_BENCH_SHIM_H
#define EXITWATCH_BENCH_SHIM_H

#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/* feature probes: 0 = present, else -errno; *why gets a sentence */
int ew_shim_probe_pidfd_open(const char **why);
int ew_shim_probe_clone3_pidfd(const char **why);
int ew_shim_probe_get_info(const char **why);
int ew_shim_probe_info_exit(const char **why);

/* pidfd_open(getpid()) then close */
int ew_shim_pidfd_open_close_self(void);
/* a child that _exit(0)s at once: with clone3(CLONE_PIDFD), or fork()+pidfd_open() */
pid_t ew_shim_spawn_clone3(int *pidfd);
pid_t ew_shim_spawn_fork_open(int *pidfd);
/* waitid(P_PIDFD, WEXITED) and close */
int ew_shim_reap(int pidfd);
/* a zombie child (exited, not reaped) and its pidfd */
pid_t ew_shim_zombie(int *pidfd);
/* poll(pidfd, 0 ms): revents */
int ew_shim_poll_now(int pidfd);
/* waitid(P_PIDFD, WEXITED|WNOWAIT): leaves the zombie in place */
int ew_shim_waitid_nowait(int pidfd);
/* PIDFD_GET_INFO with the given mask bits (1 PID, 2 CREDS, 4 CGROUPID, 8 EXIT) */
int ew_shim_get_info(int pidfd, unsigned long long mask);
int ew_shim_close(int fd);
/* a pidfd of this process */
int ew_shim_self_pidfd(void);
/* waitid(P_PIDFD, WEXITED), keeping the pidfd open */
int ew_shim_reap_keep(int pidfd);

#ifdef __cplusplus
}
#endif
#endif
