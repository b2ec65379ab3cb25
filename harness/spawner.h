// SPDX-License-Identifier: GPL-2.0
/*
 * spawner.h - the default way storm children are made (issue 17).
 *
 * A child forked from exitwatch copies exitwatch's address space (tens of
 * MB: heap, libraries, the tracer's mappings) and tears it down when it
 * dies, so its exit cost would grow with the harness.  Instead each cell
 * starts build/ew-spawner (helpers/ew-spawner.c, static, well under 1 MB
 * resident) once; it forks every child with clone3(CLONE_PARENT): the
 * child is exitwatch's child (waitid, SIGCHLD, pidfds behave as before)
 * but its address space is a copy of the spawner's.  The request/reply
 * protocol is below; a pidfd comes back by SCM_RIGHTS.
 */
#ifndef EW_SPAWNER_H
#define EW_SPAWNER_H

#include <stdint.h>
#include <sys/types.h>

struct ew_spawn_req {
	int32_t kind, idx, heavy_mb, stagger_ms, want_pidfd;
};

struct ew_spawn_rep {
	int32_t pid;		/* > 0, or 0 and err */
	int32_t err;		/* errno of clone3 */
};

struct ew_spawner {
	pid_t pid;		/* 0: not running */
	int sock;
};

struct ew_shm;

/* a helper binary: path if not NULL (EXITWATCH_SPAWNER, EXITWATCH_REF), else NAME beside our own executable */
void ew_helper_path(const char *name, const char *path, char *out, size_t len);
/* the children's shared page, backed by a memfd the spawner maps too */
struct ew_shm *ew_shm_create(int *fd);
/* start the spawner (path: NULL, beside exitwatch); 0 or -errno (why says what failed) */
int ew_spawner_start(struct ew_spawner *sp, int shm_fd, const char *path, char *why, size_t len);
/* one child: its pid, or -1 with errno; *pidfd set when asked for */
pid_t ew_spawner_child(struct ew_spawner *sp, const struct ew_spawn_req *rq, int *pidfd);
/* close the socket (the spawner exits); the caller reaps sp->pid */
void ew_spawner_stop(struct ew_spawner *sp);

#endif
