/* SPDX-License-Identifier: GPL-2.0 */
/*
 * tracer.h - the BPF observer (bpf/exitwatch.bpf.c) as the harness uses it:
 * load (dropping the optional fentry stage programs if the kernel refuses
 * them), attach/detach, watcher registration, histograms, and the per-exit
 * records from the ring buffer.
 */
#ifndef EXITWATCH_TRACER_H
#define EXITWATCH_TRACER_H

#include <stdint.h>
#include <sys/types.h>
#include <linux/types.h>
#include "exitwatch.h"

struct ew_tracer;

struct ew_tracer_info {
	int stages_loaded;		/* the optional fentry programs */
	int mm_loaded;			/* the mm teardown tracepoints (--mm-stamps) */
	int mm_end_loaded;		/* exit_mmap alone: memory freed, for the heavy cells */
	char stages_reason[160];	/* why not, if not */
	int exit_tp_before_mm;		/* 1: 6.16+ layout, 0: 6.1 layout, -1: unknown */
	char exit_tp_layout[128];
};

/*
 * target_ppid: record children of this tgid (run mode) or every exit (0,
 * trace mode).  filter_watchers: only registered tids count as watchers.
 * Returns NULL and fills why (a plain sentence) when BPF is unavailable.
 */
struct ew_tracer *ew_tracer_open(pid_t target_ppid, int filter_watchers, char *why, size_t len);
void ew_tracer_info(struct ew_tracer *t, struct ew_tracer_info *info);
int ew_tracer_attach(struct ew_tracer *t);
void ew_tracer_detach(struct ew_tracer *t);
int ew_tracer_add_watcher(struct ew_tracer *t, pid_t tid);
void ew_tracer_clear_watchers(struct ew_tracer *t);
/* zero the in-kernel histograms */
int ew_tracer_read_hist(struct ew_tracer *t, int id, struct ew_hist *out);
/* counters summed over CPUs (enum ew_counter) */
uint64_t ew_tracer_counter(struct ew_tracer *t, int which);
/* deliver records received so far to cb; returns how many, or -errno */
typedef int (*ew_event_cb)(void *ctx, const struct ew_event *ev);
int ew_tracer_poll(struct ew_tracer *t, int timeout_ms, ew_event_cb cb, void *ctx);
/* take (look up and delete) the record of tgid from the map; 0 if found */
int ew_tracer_take(struct ew_tracer *t, pid_t tgid, struct ew_event *out);
void ew_tracer_close(struct ew_tracer *t);

const char *ew_stamp_name(int stamp);
const char *ew_hist_name(int id);

/*
 * programs a run attaches only for the cells that need them (issue 17):
 * EW_OPT_EXIT_MMAP, the end of a victim's mm teardown (memory freed: the
 * heavy cells), off by default without --mm-stamps, about 0.3 us per mm
 * teardown on the machine; EW_OPT_SYS_ENTER, the start of a voluntary exit
 * (exit_group entry: churn, stagger), on by default, runs on every system
 * call on the machine; EW_OPT_STAGES, the stamps between the kill and the
 * watcher: SIGKILL generated and delivered, the exit signal sent
 * (signal_generate, signal_deliver), the watcher's wake-up and its switch
 * onto a CPU (sched_waking, sched_switch: both run for every task on the
 * machine, several times per exit), all on the path the cells measure:
 * off in the cells (which keep fork, sched_process_exit and free) and on
 * in the stamped blocks of the neutrality pass, which give the stage
 * breakdown and say what these stamps cost (neutral.c).  ew_tracer_optional() switches a group on (1)
 * or off (0) from now on; 0 or -errno.
 */
enum { EW_OPT_EXIT_MMAP, EW_OPT_SYS_ENTER, EW_OPT_STAGES, EW_OPT_NR };
int ew_tracer_optional(struct ew_tracer *t, int which, int on);

/* load the mmap_lock/exit_mmap programs (default 1); before ew_tracer_open */
void ew_tracer_set_mm_stamps(int on);
/* EXITWATCH_BPF_DEBUG: pass libbpf's warnings on to stderr */
void ew_tracer_set_debug(int on);

/* MADV_DONTFORK on every BPF map mapping of this process (dontfork.c) */
int ew_dontfork_bpf_maps(void);

#endif
