/* SPDX-License-Identifier: GPL-2.0 */
/*
 * sweep.h - the heavy scenario as a sweep of victim size (issue 17): cells
 * per touched RSS, plain SIGKILL beside SIGKILL + process_mrelease(), and
 * exit -> memory freed from the end of the victim's exit_mmap
 */
#ifndef EXITWATCH_SWEEP_H
#define EXITWATCH_SWEEP_H

#include "run.h"

/* 0: process_mrelease() exists here; else why not (ENOSYS) in why */
int ew_mrelease_probe(char *why, size_t len);

/*
 * the heavy cells, appended at cells[*ncells]: for each size, one per
 * mechanism with plain SIGKILL, and (unless --no-mrelease) one pidfd-epoll
 * cell with SIGKILL + process_mrelease(); returns how many were added
 */
int ew_heavy_cells(const struct ew_opts *o, int load, struct ew_cell *cells, int *ncells, int max);
/* how many ew_heavy_cells() may add per load setting */
int ew_heavy_cells_max(const struct ew_opts *o);

/*
 * exit -> freed, kill -> freed and kill -> mrelease returned of one victim
 * into lat[] (enum ew_lat); t_mrelease 0: not called.  Memory freed is the
 * end of the victim's exit_mmap (see harness/README.md for why not the
 * return of process_mrelease()).
 */
void ew_freed_samples(const struct ew_event *ev, uint64_t t_trigger, uint64_t t_mrelease,
		      struct ew_samples lat[EW_L_NR]);

/* "64 MB sigkill+mrelease" for progress lines; "" for other scenarios */
const char *ew_kill_path_name(int kill_path);

#endif
