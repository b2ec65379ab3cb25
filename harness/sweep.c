// SPDX-License-Identifier: GPL-2.0
/*
 * sweep.c - the heavy scenario's victim-size sweep and the mrelease kill
 * path (issue 17).  storm.c forks and kills, join.c joins; this file decides which
 * cells exist and what "memory freed" means for one victim.
 */
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include "sweep.h"

int ew_mrelease_probe(char *why, size_t len)
{
	/* a bad fd: EBADF where the call exists, ENOSYS where it does not */
	if (sys_process_mrelease(-1, 0) < 0 && errno == ENOSYS) {
		snprintf(why, len, "process_mrelease() (syscall %d, Linux 5.15+) is not in this kernel (ENOSYS)",
			 __NR_process_mrelease);
		return -1;
	}
	return 0;
}

const char *ew_kill_path_name(int kill_path)
{
	return kill_path == EW_KILL_MRELEASE ? "sigkill+mrelease" : "sigkill";
}

int ew_heavy_cells_max(const struct ew_opts *o)
{
	return o->nheavy_mb * (o->nmechs + 1);
}

static struct ew_cell *add(struct ew_cell *cells, int *ncells, int max, const struct ew_opts *o,
			   int load, int mb, const struct watcher_ops *ops, int path)
{
	struct ew_cell *c;

	if (*ncells >= max)
		return NULL;
	c = &cells[(*ncells)++];
	c->scenario = EW_SC_HEAVY;
	c->load = load;
	c->ops = ops;
	c->n = o->heavy_n;
	c->rss_mb = mb;
	c->kill_path = path;
	return c;
}

int ew_heavy_cells(const struct ew_opts *o, int load, struct ew_cell *cells, int *ncells, int max)
{
	int before = *ncells;
	char why[200];

	for (int s = 0; s < o->nheavy_mb; s++) {
		for (int m = 0; m < o->nmechs; m++)
			add(cells, ncells, max, o, load, o->heavy_mbs[s], o->mechs[m], EW_KILL_SIGKILL);
		if (o->no_mrelease)
			continue;
		/* lmkd's combination: its own pidfd of the victim, epoll on it */
		struct ew_cell *c = add(cells, ncells, max, o, load, o->heavy_mbs[s], &ew_pidfd_epoll_ops,
					EW_KILL_MRELEASE);

		if (c && ew_mrelease_probe(why, sizeof(why))) {
			c->skipped = 1;
			snprintf(c->reason, sizeof(c->reason), "%s", why);
		}
	}
	return *ncells - before;
}

void ew_freed_samples(const struct ew_event *ev, uint64_t t_trigger, uint64_t t_mrelease,
		      struct ew_samples lat[EW_L_NR])
{
	uint64_t freed = ev ? ev->t[EW_T_MM_END] : 0;

	if (freed && ev->t[EW_T_EXIT] && freed >= ev->t[EW_T_EXIT])
		ew_samples_add(&lat[EW_L_EXIT_TO_FREED], freed - ev->t[EW_T_EXIT]);
	if (freed && t_trigger && freed >= t_trigger)
		ew_samples_add(&lat[EW_L_TRIGGER_TO_FREED], freed - t_trigger);
	if (t_mrelease && t_trigger && t_mrelease >= t_trigger)
		ew_samples_add(&lat[EW_L_TRIGGER_TO_MRELEASE], t_mrelease - t_trigger);
}
