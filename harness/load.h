/* SPDX-License-Identifier: GPL-2.0 */
/*
 * load.h - the machine's load before and during a run (issue 17): load
 * average, CPU steal and the CPU other processes used while we ran, from
 * /proc/loadavg, /proc/stat and getrusage(); and the one-line verdict the
 * report opens with when the machine was busy.
 */
#ifndef EXITWATCH_LOAD_H
#define EXITWATCH_LOAD_H

#include <stddef.h>
#include <stdint.h>

struct ew_load_snap {
	double loadavg[3];		/* 1, 5, 15 minutes */
	uint64_t busy_ticks;		/* /proc/stat cpu: user nice system irq softirq */
	uint64_t steal_ticks;
	uint64_t total_ticks;		/* the above + idle + iowait */
	uint64_t own_cpu_ns;		/* our CPU and our reaped children's (getrusage) */
	uint64_t t_ns;			/* CLOCK_MONOTONIC */
	int ok;				/* /proc read */
};

struct ew_load {
	struct ew_load_snap idle0, before, after;
	int cpus;
	double before_busy_cpus;	/* CPUs' worth busy in a short idle window before the run */
	double before_steal_pct;
	double steal_pct;		/* of all CPU time during the run */
	double others_cpus;		/* CPUs' worth used by other processes during the run */
	int busy;			/* the verdict */
	char verdict[320];		/* one line, with the figures */
};

/* a snapshot of now; ok = 0 if /proc could not be read */
void ew_load_snap(struct ew_load_snap *s);

/*
 * the figures and the verdict (pure: the unit tests call it with made-up
 * snapshots).  idle0 .. before: a short window before the run in which we
 * do nothing, so all busy CPU in it is other processes'; before .. after:
 * the run, minus our own CPU.  Busy: other processes used at least a
 * quarter of the CPUs in either window, or steal was at least 5 % in
 * either.  The load average is recorded but not judged: the build that
 * precedes `make report` raises it for a minute.
 */
void ew_load_judge(struct ew_load *l, const struct ew_load_snap *idle0, const struct ew_load_snap *before,
		   const struct ew_load_snap *after, int cpus, long ticks_per_s);

#endif
