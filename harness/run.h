/* SPDX-License-Identifier: GPL-2.0 */
/* run.h - `exitwatch run`: the storm matrix, its statistics and JSON */
#ifndef EXITWATCH_RUN_H
#define EXITWATCH_RUN_H

#include <signal.h>
#include "ew.h"
#include "stats.h"
#include "tracer.h"

enum ew_scenario { EW_SC_BURST, EW_SC_CHURN, EW_SC_STAGGER, EW_SC_HEAVY, EW_SC_REUSE, EW_SC_NR };

/* latencies reported per cell, all in ns */
enum ew_lat {
	EW_L_TRIGGER_TO_USER,	/* user-side only: kill() call or the child's last stamp -> notice */
	EW_L_EXIT_TO_USER,	/* BPF t_exit -> watcher's stamp */
	EW_L_EXIT_TO_WAKE,
	EW_L_WAKE_TO_RUN,
	EW_L_RUN_TO_USER,
	EW_L_SIGNAL_TO_BEGIN,
	EW_L_BEGIN_TO_EXIT,
	EW_L_MM_TEARDOWN,
	EW_L_EXIT_TO_REAP,
	EW_L_EXIT_TO_FREED,	/* heavy: t_exit -> end of the victim's exit_mmap (memory freed) */
	EW_L_TRIGGER_TO_FREED,	/* heavy: kill() call -> end of exit_mmap */
	EW_L_TRIGGER_TO_MRELEASE,	/* heavy, kill path sigkill+mrelease: kill() -> process_mrelease() returned */
	EW_L_NR,
};

/* stages of exit->user, in kernel order from t_exit (see SCHEMA.md) */
enum ew_stage {
	EW_S_EXIT_TO_MM, EW_S_MM_TEARDOWN, EW_S_MM_TO_NOTIFY, EW_S_NOTIFY_TO_WAKE,
	EW_S_WAKE_TO_RUN, EW_S_RUN_TO_USER, EW_S_NR,
};

#define EW_MAX_LIST 16
#define EW_CDF_POINTS 101
#define EW_MAX_REPS 100

/* per-repetition figures of a cell (JSON "samples"; NAN: not measured) */
enum ew_rep_metric {
	EW_R_EXITS_PER_S, EW_R_CPU_PER_EXIT, EW_R_SYSCALLS_PER_EXIT,
	EW_R_T2U_P50, EW_R_T2U_P99, EW_R_E2U_P50, EW_R_E2U_P99, EW_R_E2W_P50,
	EW_R_NR,
};

struct ew_opts {
	const struct watcher_ops *mechs[EW_MAX_LIST];
	int nmechs;
	int scenarios[EW_SC_NR];
	int nscen;
	int ns[EW_MAX_LIST];	/* burst sizes */
	int nn;
	int large_n;		/* bursts above this size run only large_mechs */
	const struct watcher_ops *large_mechs[EW_MAX_LIST];
	int nlarge;
	int load_ns[EW_MAX_LIST];	/* burst sizes run with load on (0 entries: all) */
	int nload_ns;
	int loads[2];		/* background load off (0) / on (1) */
	int nloads;
	int min_exits;		/* burst rounds: until at least this many exits */
	int max_rounds;
	int churn_ms, churn_n;
	int stagger_ms, stagger_n;
	int heavy_mbs[EW_MAX_LIST];	/* --heavy-mb LIST: the RSS sweep of the heavy scenario */
	int nheavy_mb;
	int heavy_n, heavy_rounds;
	int no_mrelease;	/* --no-mrelease: no sigkill+mrelease heavy cells */
	int neutral_pairs, neutral_exits;	/* --neutrality PAIRS[:EXITS] (neutral.c); 0 pairs: off */
	int interval_us;
	int no_bpf;
	int mm_stamps;		/* --mm-stamps: load the mm teardown programs (cost: issue 17) */
	int spawn_vm;		/* children share our memory (CLONE_VM): cheap creation, no mm teardown */
	int spawn_self;		/* --spawn fork: children forked by exitwatch itself (default: ew-spawner) */
	int no_floor;
	int gap_ms;		/* --gap-ms: idle gap between burst rounds, tracer on or off */
	int no_ref;		/* --no-ref: skip the reference watcher (build/ew-ref) */
	int perturb_rounds, perturb_ms;
	int guest;		/* allowed to lower pid_max (reuse) */
	int reuse_pid_max;
	const char *out;
	const char *note;	/* free text recorded in the JSON (e.g. load) */
	char *argv_line;
	int reps;		/* --reps: independent repetitions of every cell (1..EW_MAX_REPS) */
	/* EXITWATCH_INJECT_DELAY_US=US[:MECHANISM] (regression-gate testing) */
	int inject_delay_us;
	const struct watcher_ops *inject_mech;	/* NULL: every mechanism */
	/* the rest of the environment, read once at start-up (ew_opts_env) */
	int debug;		/* EXITWATCH_DEBUG: fork timing, children without a record */
	int bpf_debug;		/* EXITWATCH_BPF_DEBUG: libbpf's warnings */
	int keep_pid_max;	/* EXITWATCH_KEEP_PID_MAX: reuse leaves pid_max alone */
	const char *spawner_path;	/* EXITWATCH_SPAWNER; NULL: beside exitwatch */
	const char *ref_path;		/* EXITWATCH_REF; NULL: beside exitwatch */
};

enum ew_kill_path { EW_KILL_SIGKILL, EW_KILL_MRELEASE };

/*
 * Where the watcher woke, the storm called kill() and the killed child had
 * paused, for an exit of a kill round (the neutrality pass, neutral.c)
 */
enum ew_place {
	EW_PLACE_KILLER_CHILD,		/* the watcher on another CPU */
	EW_PLACE_WATCHER_KILLER,	/* the child on another CPU */
	EW_PLACE_WATCHER_CHILD,		/* the killer on another CPU */
	EW_PLACE_ONE_CPU,		/* all three on one CPU */
	EW_PLACE_APART,			/* three CPUs */
	EW_PLACE_NR
};
extern const char *const ew_place_names[EW_PLACE_NR];
/* the enum ew_place of the three CPUs, or -1 if one is unknown (< 0) */
int ew_place_of(int watcher, int killer, int child);

struct ew_cell {
	int scenario, n, load;
	int rss_mb;			/* heavy: touched anonymous memory per child */
	int kill_path;			/* heavy: enum ew_kill_path */
	uint64_t mrelease_calls, mrelease_ok;	/* sigkill+mrelease: calls, of which returned 0 */
	int mrelease_errno;		/* the last error, 0 none */
	const struct watcher_ops *ops;
	int skipped;
	char reason[256];
	int rounds;
	uint64_t exits, noticed, missed, false_notices, duplicates;
	uint64_t bpf_records, bpf_swept, bpf_missing, rb_drops, map_full;
	uint64_t statuses_expected, statuses_recovered;
	uint64_t watcher_cpu_ns, syscalls, add_syscalls, mech_lost;
	uint64_t span_ns;
	double exits_per_s;
	struct ew_summary lat[EW_L_NR];
	uint64_t woken;			/* exits whose first watcher wake was recorded */
	double stage_mean_ns[EW_S_NR];
	uint64_t stage_count;
	double stage_exit_to_user_mean_ns;
	uint64_t cdf_ns[EW_CDF_POINTS];	/* quantiles 0,1,..,100 % of the cdf metric */
	int cdf_metric;			/* an enum ew_lat */
	int interrupted;
	int reps;			/* repetitions done */
	double rep[EW_R_NR][EW_MAX_REPS];
	struct ew_samples *placement;	/* NULL, or EW_PLACE_NR: trigger->user by enum ew_place */
};

struct ew_floor {
	int done;
	struct ew_summary pipe_one_way;	/* ns */
	double fork_exit_reap_per_s;
	int perturb_done;
	char perturb_reason[160];
	double traced_per_s[64], untraced_per_s[64];
	int perturb_n;
	double traced_median, untraced_median, ratio_of_medians;
	double perturb_ratio;	/* median of the paired slice ratios */
	struct ew_summary iter_traced, iter_untraced;	/* one fork+exit+reap, ns */
	double iter_ratio;	/* untraced p50 / traced p50 iteration time */
	int reps;		/* floor repetitions done */
	double rep_pipe_p50[EW_MAX_REPS], rep_fork_rate[EW_MAX_REPS];
};

extern volatile sig_atomic_t ew_interrupted;

const char *ew_scenario_name(int sc);
int ew_scenario_find(const char *name);
const char *ew_lat_name(int l);
const char *ew_stage_name(int s);
const char *ew_rep_metric_name(int m);

void ew_opts_default(struct ew_opts *o);
/* attach the optional BPF programs a cell of this scenario needs (tracer.h) */
void ew_cell_programs(struct ew_tracer *tracer, int scenario, int stages);
struct ew_shm;
/* "spawner", "fork" (--spawn fork, or no spawner could be started) or "vm" */
const char *ew_cell_spawn_name(const struct ew_opts *o);
/* one repetition of a cell into c; its latency samples are appended to acc (cell.c) */
int ew_run_cell(const struct ew_opts *o, struct ew_cell *c, struct ew_tracer *tracer,
		struct ew_shm *shm, int shm_fd, struct ew_samples *acc);
/* cellstats.c: pool repetition r into c (sums); then ew_cell_finish: means and summaries from acc */
void ew_cell_merge(struct ew_cell *c, const struct ew_cell *r);
void ew_cell_finish(struct ew_cell *c, struct ew_samples *acc);
struct ew_json;
/* results.c: a cell's stage breakdown (stages_mean_ns ...), nothing without one */
void ew_cell_stages_json(struct ew_json *j, const struct ew_cell *c);
int ew_run(struct ew_opts *o);
/* watcher.c: SIGUSR1 interrupts a blocked watcher; installed once per run */
void ew_watcher_signal(void);

/* floor.c */
/* the floor and the tracer's perturbation (--perturb-rounds slices of perturb_ms), reps times */
void ew_measure_floor(struct ew_floor *f, struct ew_tracer *t, int perturb_rounds, int perturb_ms,
		      int reps);
double ew_fork_exit_reap_rate(int ms);


/* timeline.c: one exit's timeline, for run (join.c) and trace (trace.c) */
/*
 * the kernel-only intervals of one record into lat[] (enum ew_lat):
 * signal->begin, begin->exit, mm teardown, exit->reap and, when the exit
 * woke a task, exit->wake and wake->run; polls: a poller's timer woke it, no
 * wake counts.  Returns 1 when it counted a wake.
 */
int ew_timeline_samples(const struct ew_event *ev, int polls, struct ew_samples lat[EW_L_NR]);
/* exit->user (t_user, the watcher's stamp) in stages, in kernel order */
void ew_stage_split(const struct ew_event *ev, uint64_t t_user, uint64_t out[EW_S_NR]);
/* the same for a watcher; polls: its timer's wake is no wake of the exit */
void ew_user_stages(const struct ew_event *ev, int polls, uint64_t t_user, uint64_t out[EW_S_NR]);

#endif
