// SPDX-License-Identifier: GPL-2.0
/*
 * records.c - the BPF side of a cell's samples: the per-exit records of the
 * tracer (tracer.c) collected into cr->evs, from the ring buffer as they
 * come and, for children whose record has not left the kernel yet, straight
 * from the BPF map.
 */
#include <stdlib.h>
#include "cellrun.h"

static int collect_ev(void *ctx, const struct ew_event *ev)
{
	struct cellrun *cr = ctx;

	if (cr->nevs == cr->capevs) {
		size_t ncap = cr->capevs ? cr->capevs * 2 : 1024;
		struct ew_event *ne = realloc(cr->evs, ncap * sizeof(*ne));

		if (!ne)
			return 0;
		cr->evs = ne;
		cr->capevs = ncap;
	}
	cr->evs[cr->nevs++] = *ev;
	return 0;
}

/* records leave at sched_process_free (after an RCU grace period): wait for them */
static void drain_events(struct cellrun *cr, size_t want_total, int max_ms)
{
	uint64_t deadline = ew_now_ns() + (uint64_t)max_ms * 1000000ULL;

	while (cr->nevs < want_total && ew_now_ns() < deadline)
		ew_tracer_poll(cr->tracer, 20, collect_ev, cr);
	ew_tracer_poll(cr->tracer, 0, collect_ev, cr);
}

static int have_record(const struct cellrun *cr, const struct child *ch)
{
	for (size_t e = cr->nevs; e-- > 0;)
		if (cr->evs[e].tgid == (__u32)ch->pid && cr->evs[e].t[EW_T_FORK] >= ch->t_fork0)
			return 1;
	return 0;
}

/*
 * after a short drain, take the records of children still missing one
 * straight from the map (their sched_process_free may be seconds away)
 */
void ew_records_sweep(struct cellrun *cr, size_t first, int drain_ms)
{
	struct ew_event ev;

	if (!cr->tracer)
		return;
	drain_events(cr, cr->nevs + (cr->nkids - first), drain_ms);
	for (size_t i = first; i < cr->nkids; i++) {
		const struct child *ch = &cr->kids[i];

		if (have_record(cr, ch) || ew_tracer_take(cr->tracer, ch->pid, &ev))
			continue;
		if (ev.t[EW_T_FORK] && ev.t[EW_T_FORK] < ch->t_fork0)
			continue;
		collect_ev(cr, &ev);
		cr->swept++;
	}
	/* records that left the map for the ring while we looked */
	ew_tracer_poll(cr->tracer, 0, collect_ev, cr);
}

/*
 * between burst rounds: the same idle gap (--gap-ms, default 0) with the
 * tracer and without it, records drained meanwhile; then the round's
 * records still in the BPF map are taken from it (records_from_map) rather
 * than waited for.  Waiting for them (sched_process_free, after an RCU grace
 * period) left the CPUs idle longer before each kill with the tracer on,
 * which alone raised trigger->user from 45 to 80 us here (issue 17).
 */
void ew_records_settle(struct cellrun *cr, size_t first)
{
	uint64_t until = ew_now_ns() + (uint64_t)cr->opts->gap_ms * 1000000ULL, now;

	while ((now = ew_now_ns()) < until && !ew_interrupted) {
		int ms = (int)((until - now + 999999) / 1000000);

		if (cr->tracer)
			ew_tracer_poll(cr->tracer, ms, collect_ev, cr);
		else
			usleep((useconds_t)((until - now) / 1000));
	}
	ew_records_sweep(cr, first, 0);
}
