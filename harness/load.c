// SPDX-License-Identifier: GPL-2.0
/*
 * load.c - is the machine busy?  Load average before the run, CPU steal
 * and other processes' CPU during it (issue 17, item 6).
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include "load.h"

static uint64_t tv_ns(const struct timeval *tv)
{
	return (uint64_t)tv->tv_sec * 1000000000ULL + (uint64_t)tv->tv_usec * 1000ULL;
}

void ew_load_snap(struct ew_load_snap *s)
{
	unsigned long long v[10] = { 0 };
	struct rusage self, kids;
	struct timespec ts;
	FILE *f;

	memset(s, 0, sizeof(*s));
	clock_gettime(CLOCK_MONOTONIC, &ts);
	s->t_ns = (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_CHILDREN, &kids);
	s->own_cpu_ns = tv_ns(&self.ru_utime) + tv_ns(&self.ru_stime) + tv_ns(&kids.ru_utime) +
			tv_ns(&kids.ru_stime);
	f = fopen("/proc/loadavg", "r");
	if (!f)
		return;
	if (fscanf(f, "%lf %lf %lf", &s->loadavg[0], &s->loadavg[1], &s->loadavg[2]) != 3) {
		fclose(f);
		return;
	}
	fclose(f);
	f = fopen("/proc/stat", "r");
	if (!f)
		return;
	/* cpu  user nice system idle iowait irq softirq steal guest guest_nice */
	if (fscanf(f, "cpu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
		   &v[5], &v[6], &v[7]) == 8) {
		s->busy_ticks = v[0] + v[1] + v[2] + v[5] + v[6];
		s->steal_ticks = v[7];
		s->total_ticks = s->busy_ticks + v[3] + v[4] + v[7];
		s->ok = 1;
	}
	fclose(f);
}

/* CPUs' worth of busy time between a and b, less own_ns of it; steal in % */
static double window(const struct ew_load_snap *a, const struct ew_load_snap *b, long ticks_per_s,
		     uint64_t own_ns, double *steal_pct)
{
	double wall_s = (b->t_ns - a->t_ns) / 1e9, dtotal = (double)(b->total_ticks - a->total_ticks);
	double busy_s = (double)(b->busy_ticks - a->busy_ticks) / ticks_per_s - own_ns / 1e9;

	*steal_pct = dtotal > 0 ? 100.0 * (double)(b->steal_ticks - a->steal_ticks) / dtotal : 0;
	/* tick accounting is coarser than getrusage: never below 0 */
	return busy_s > 0 ? busy_s / wall_s : 0;
}

void ew_load_judge(struct ew_load *l, const struct ew_load_snap *idle0, const struct ew_load_snap *before,
		   const struct ew_load_snap *after, int cpus, long ticks_per_s)
{
	const char *why = NULL;

	memset(l, 0, sizeof(*l));
	l->idle0 = *idle0;
	l->before = *before;
	l->after = *after;
	l->cpus = cpus > 0 ? cpus : 1;
	if (!idle0->ok || !before->ok || !after->ok || before->t_ns <= idle0->t_ns ||
	    after->t_ns <= before->t_ns || ticks_per_s <= 0) {
		snprintf(l->verdict, sizeof(l->verdict), "machine load not measured (/proc/loadavg or /proc/stat unreadable)");
		return;
	}
	l->before_busy_cpus = window(idle0, before, ticks_per_s, before->own_cpu_ns - idle0->own_cpu_ns,
				     &l->before_steal_pct);
	l->others_cpus = window(before, after, ticks_per_s, after->own_cpu_ns - before->own_cpu_ns,
				&l->steal_pct);
	if (l->before_busy_cpus >= 0.25 * l->cpus)
		why = "other processes before the run";
	else if (l->others_cpus >= 0.25 * l->cpus)
		why = "other processes during the run";
	else if (l->before_steal_pct >= 5 || l->steal_pct >= 5)
		why = "CPU steal";
	l->busy = why != NULL;
	snprintf(l->verdict, sizeof(l->verdict),
		 "%s: other processes used %.2f of %d CPUs just before the run and %.2f during it; "
		 "steal %.1f %% during; load average %.2f before%s%s",
		 l->busy ? "BUSY MACHINE" : "quiet machine", l->before_busy_cpus, l->cpus, l->others_cpus,
		 l->steal_pct, idle0->loadavg[0], l->busy ? "; busy by " : "", l->busy ? why : "");
}
